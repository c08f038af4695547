"""Benchmark of the app's streaming (not collected by pytest: run it by hand).

    python tests/tui/bench_tui.py            # both parts
    python tests/tui/bench_tui.py --fake     # only the scripted engine
    python tests/tui/bench_tui.py --real     # only the demo model
    python tests/tui/bench_tui.py --real --without-care   # the persona as before stop 15

1. Scripted engine at full speed: N tokens (words, with Markdown paragraphs and lists)
   streamed into the app under App.run_test(); time from Enter to the reply fully shown.
   Several N show whether the cost per token stays flat (no quadratic re-render).
2. The real demo model (SmolLM2-135M Q4_1 through llama.cpp): the same turn through the
   raw engine (the prompt Conversation.preview builds, streamed), through the core without a UI
   (Conversation.send), and through the app; greedy sampling so every run produces the
   same tokens. UI overhead = app time / raw engine time - 1, as the ratio of the medians
   and as the median of the ratios of each app run to the raw run just before it (this
   machine's speed drifts within a run; pairing takes most of that out).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

SIZE = (110, 36)


def fresh_home() -> Path:
    home = Path(tempfile.mkdtemp(prefix="soulchat-bench-"))
    os.environ["SOULCHAT_HOME"] = str(home)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from soulchat_local.paths import get_paths
    from soulchat_local.safety import mark_notice_shown
    from soulchat_local.tui.prefs import Prefs, save_prefs

    mark_notice_shown(get_paths())
    save_prefs(get_paths(), Prefs(language="en"))
    return home


def markdown_words(count: int) -> str:
    """Markdown of exactly `count` scripted-engine pieces: paragraphs, bold, bullet lists."""
    from soulchat_local.engine import split_pieces

    words: list[str] = []
    i = 0
    while True:
        if i % 60 == 59:
            words.append(f"w{i}\n\n")
        elif i % 60 in (20, 21, 22):
            words.append(f"\n- item{i}")
        elif i % 60 == 23:
            words.append(f"\n\n**w{i}**")
        else:
            words.append(f"w{i}")
        i += 1
        pieces = split_pieces(" ".join(words))
        if len(pieces) >= count:
            return "".join(pieces[:count])


async def wait_for(predicate, timeout: float = 120.0) -> None:  # noqa: ANN001
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not finish the reply")
        await asyncio.sleep(0.005)


async def app_turn(app, pilot, text: str) -> tuple[float, float]:  # noqa: ANN001
    """Seconds from the message being submitted to the reply finished and shown, and the
    CPU seconds the UI thread (this one: the app runs in it) spent meanwhile.

    The turn starts the way Enter starts it (ChatInput.Submitted -> begin_turn), called
    directly, and the end is awaited, not polled: the pilot's key handling and a polling
    loop would add work to the UI thread that is not the app's.
    """
    await pilot.press("ctrl+n")
    await pilot.pause()
    app.last_result = None
    started, cpu = time.perf_counter(), time.thread_time()
    await app.begin_turn("send", text)
    await app._turn_worker.wait()  # ends once the reply is finished and shown
    elapsed, cpu = time.perf_counter() - started, time.thread_time() - cpu
    assert app.last_result is not None and not app.generating
    await pilot.pause()
    return elapsed, cpu


async def fake_run(count: int, delay: float = 0.0) -> tuple[float, float, int]:
    from soulchat_local.config import Sampling
    from soulchat_local.engine import ScriptedEngine
    from soulchat_local.tui.app import SoulChatApp
    from soulchat_local.tui.widgets.markdown_text import MarkdownText

    reply = markdown_words(count)
    # generation alone, same engine, no app: what the app adds is the rest
    raw = ScriptedEngine([reply], delay=delay)
    prompt = raw.build_prompt([], 100_000)
    started = time.perf_counter()
    pieces = sum(1 for _ in raw.stream(prompt, Sampling(max_tokens=100_000)))
    raw_s = time.perf_counter() - started

    from soulchat_local.config import Config

    config = Config(sampling=Sampling(max_tokens=100_000))
    app = SoulChatApp(engine=ScriptedEngine([reply], n_ctx=1_000_000, delay=delay),
                      config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        elapsed, _ = await app_turn(app, pilot, "go")
        view = app.chat.views()[-1]
        assert view.text == reply, "the reply shown differs from the reply generated"
        source = view.query_one(MarkdownText).source
        assert source == reply, "the Markdown widget holds other text"
        assert app.last_result.stats.completion_tokens == pieces == count
    return elapsed, raw_s, pieces


def bench_fake(sizes: list[int]) -> None:
    print("1. scripted engine into the app (App.run_test, 110x36), median of 3")
    for count in sizes:
        runs = [asyncio.run(fake_run(count)) for _ in range(3)]
        app_s = statistics.median(r[0] for r in runs)
        raw_s = statistics.median(r[1] for r in runs)
        print(f"   full speed {count:5d} tokens: {app_s:.3f} s in the app, "
              f"generation alone {raw_s:.3f} s")
    # paced like a fast model (1 ms a token): text arrives over many frames, so this
    # shows the cost of many appends to a growing message
    for count in sizes:
        runs = [asyncio.run(fake_run(count, delay=0.001)) for _ in range(3)]
        app_s = statistics.median(r[0] for r in runs)
        raw_s = statistics.median(r[1] for r in runs)
        print(f"   1 ms/token {count:5d} tokens: {app_s:.3f} s in the app, "
              f"generation alone {raw_s:.3f} s, overhead {app_s - raw_s:.3f} s "
              f"({100 * (app_s / raw_s - 1):+.1f}%)")


async def real_runs(engine, config, text: str, reps: int, raw_once, core_once) -> dict:  # noqa: ANN001
    """Raw engine, core and app turns interleaved (raw, core, app, raw, ...) so that a
    change in the machine's load hits all three alike. All three run in the app's
    engine thread: llama.cpp's CPU thread pool belongs to the calling thread."""
    from soulchat_local.tui.app import SoulChatApp

    app = SoulChatApp(engine=engine, config=config)
    runs: dict[str, list[tuple[float, int]]] = {"raw": [], "core": [], "app": [], "ui": []}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.engine_thread.submit(raw_once).result()  # warm up (evaluates the system prompt)
        for _ in range(reps):
            # the app's loop waits meanwhile: it is idle
            runs["raw"].append(app.engine_thread.submit(raw_once).result())
            runs["core"].append(app.engine_thread.submit(core_once).result())
            elapsed, cpu = await app_turn(app, pilot, text)
            runs["app"].append((elapsed, app.last_result.stats.completion_tokens))
            runs["ui"].append((cpu, 0))
    return runs


def bench_real(max_tokens: int, reps: int) -> None:
    from soulchat_local.catalogue import DEMO_MODEL
    from soulchat_local.chat import Conversation
    from soulchat_local.config import Config, ModelSettings, Sampling
    from soulchat_local.hardware import physical_cores
    from soulchat_local.llama_engine import LlamaEngine
    from soulchat_local.paths import get_paths
    from soulchat_local.resolve import resolve_model
    from soulchat_local.runtime import open_store

    config = Config(model=ModelSettings(n_ctx=2048),
                    sampling=Sampling(temperature=0.0, top_p=1.0, max_tokens=max_tokens))
    ref = resolve_model(DEMO_MODEL, config, get_paths())
    engine = LlamaEngine(ref, config.model)
    text = "Write a long story about a lighthouse keeper who learns to rest."
    store = open_store(get_paths())
    # the raw engine streams exactly the prompt the core sends (persona, care paragraph and
    # all), so that all three share llama.cpp's prefix cache and differ only in the work
    # done around generation
    prompt = Conversation(store, engine, None, sampling=config.sampling, language="en",
                          persona=ref.system_prompt).preview(text)

    def raw_once() -> tuple[float, int]:
        started = time.perf_counter()
        for _ in engine.stream(prompt, config.sampling):
            pass
        return time.perf_counter() - started, engine.stats.completion_tokens

    def core_once() -> tuple[float, int]:
        conversation = Conversation(store, engine, None, sampling=config.sampling,
                                    language="en", persona=ref.system_prompt)
        started = time.perf_counter()
        result = conversation.send(text, on_text=lambda piece: None)
        return time.perf_counter() - started, result.stats.completion_tokens

    runs = asyncio.run(real_runs(engine, config, text, reps, raw_once, core_once))
    store.close()
    ui = statistics.median(cpu / t for (cpu, _), (t, _) in zip(runs.pop("ui"), runs["app"],
                                                                strict=True))
    tokens = sorted({n for kind in runs.values() for _, n in kind})
    median = {kind: statistics.median(t for t, _ in values) for kind, values in runs.items()}
    raw_s, core_s, app_s = median["raw"], median["core"], median["app"]
    print(f"2. demo model {ref.name} ({physical_cores()} threads), greedy, {tokens} tokens "
          f"per reply, median of {reps} interleaved runs")
    for kind in ("raw", "core", "app"):
        print(f"   {kind:5s} " + " ".join(f"{t:.3f}" for t, _ in runs[kind]))
    print(f"   raw engine      {raw_s:.3f} s ({tokens[-1] / raw_s:.1f} tokens/s)")
    print(f"   core (no UI)    {core_s:.3f} s  ({100 * (core_s / raw_s - 1):+.1f}%)")
    print(f"   app             {app_s:.3f} s  ({100 * (app_s / raw_s - 1):+.1f}% vs raw engine, "
          f"{100 * (app_s / core_s - 1):+.1f}% vs core)")
    paired = {kind: statistics.median(t / r for (t, _), (r, _) in zip(runs[kind], runs["raw"],
                                                                      strict=True))
              for kind in ("core", "app")}
    print(f"   paired (each run against the raw run just before it), median ratio: core "
          f"{100 * (paired['core'] - 1):+.1f}%, app {100 * (paired['app'] - 1):+.1f}%")
    print(f"   UI thread CPU during an app turn: {100 * ui:.1f}% of the turn (median); on "
          f"{physical_cores()} cores llama.cpp's threads give up about that much")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fake", action="store_true")
    parser.add_argument("--real", action="store_true")
    parser.add_argument("--sizes", default="500,1000,2000,4000")
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--reps", type=int, default=9)
    parser.add_argument(
        "--without-care",
        action="store_true",
        help="the persona without its care paragraph (as before stop 15), so that an older "
        "commit and this one see the same prompt and write the same greedy reply",
    )
    args = parser.parse_args()
    if args.without_care:
        import soulchat_local.chat as chat

        with_care = chat.system_prompt
        chat.system_prompt = lambda choice, language, care=None: with_care(choice, language)
    both = not (args.fake or args.real)
    fresh_home()
    if args.fake or both:
        bench_fake([int(n) for n in args.sizes.split(",")])
    if args.real or both:
        bench_real(args.max_tokens, args.reps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
