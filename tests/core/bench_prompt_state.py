"""Issue 11's targets for the saved prompt state, measured side by side in one run.

    python tests/core/bench_prompt_state.py [--threads N] [--reps N]

Prints medians and the ratios the README quotes:
  1. `ask --session` on a ~2,000-token session vs a ~100-token one (both with the state)
     and vs the ~2,000-token one with `[cache] prompt_state = false` (re-evaluating);
  2. first turn of a new session (the system prompt's state from disk) vs a warm later
     turn (the cache in memory): time to first token;
  3. reopening the long session (a new process: nothing in memory) vs a warm turn: the
     first reply, through the Conversation the app uses;
  4. one-shot `ask --new --max-tokens 1 hi` vs a bare llama-cpp-python script that loads
     the same model and answers one token;
  5. the state's size per 1,000 tokens, measured for the demo model and computed for 7B
     GQA shapes, and what the default cap holds.
The history is made up here (no user data). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOPICS = [
    "my new job",
    "the move to another city",
    "my sister",
    "sleeping badly",
    "my exams",
    "money this month",
    "my father's health",
    "a friend who stopped calling",
    "my team lead",
    "the long evenings",
    "cooking for one",
    "my old school",
    "the weekend plans",
    "my cat",
]
BARE = """
import sys
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=int(sys.argv[2]), n_threads=int(sys.argv[3]),
            n_threads_batch=int(sys.argv[3]), verbose=False)
out = llm.create_chat_completion([{"role": "user", "content": "hi"}], max_tokens=1,
                                 temperature=0.0)
print(out["choices"][0]["message"]["content"])
"""


def exchange(i: int) -> tuple[str, str]:
    topic = TOPICS[i % len(TOPICS)]
    user = (
        f"I keep thinking about {topic}. Some days it is fine, other days it takes "
        f"all my attention and I do not get much done."
    )
    reply = (
        f"It sounds like {topic} has been on your mind a lot, and that it changes from "
        f"day to day. What is it like on the harder days?"
    )
    return user, reply


def make_session(store, exchanges: int) -> int:  # noqa: ANN001
    session = store.create_session("smollm2-demo")
    for i in range(exchanges):
        user, reply = exchange(i)
        store.add_message(session, "user", user)
        store.add_message(session, "assistant", reply, model="smollm2-demo")
    return session


def run(home: Path, *args: str) -> tuple[float, dict]:
    env = {**os.environ, "SOULCHAT_HOME": str(home)}
    env.pop("SOULCHAT_PASSPHRASE", None)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "soulchat_local", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"soulchat {' '.join(args)} failed: {proc.stderr.strip()}")
    return wall, json.loads(proc.stdout) if "--json" in args else {}


def prompt_tokens(home: Path, session: int) -> int:
    _, out = run(home, "ask", "--session", str(session), "--dry-run", "--json", "hello")
    return len(out["tokens"])


def ask(home: Path, session: int, turn: int) -> float:
    wall, _ = run(
        home,
        "ask",
        "--session",
        str(session),
        "--max-tokens",
        "8",
        "--temperature",
        "0",
        "--json",
        f"Thank you. Another thought, number {turn}.",
    )
    return wall


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    from soulchat_local.catalogue import demo_model_path
    from soulchat_local.store import Store

    model = demo_model_path()
    root = Path(tempfile.mkdtemp(prefix="bench-state-"))
    on, off = root / "on", root / "off"
    on.mkdir()
    settings = f"[model]\nn_ctx = 8192\nthreads = {args.threads}\n"
    (on / "config.toml").write_text(settings)
    store = Store(on / "history.db")
    long_id = make_session(store, 26)
    short_id = make_session(store, 1)
    store.close()
    shutil.copytree(on, off)
    (off / "config.toml").write_text(settings + "[cache]\nprompt_state = false\n")
    sizes = {"long": prompt_tokens(on, long_id), "short": prompt_tokens(on, short_id)}
    print(f"prompt tokens: long session {sizes['long']}, short session {sizes['short']}")

    # 1. ask --session, state saved by a first ask in each session
    ask(on, long_id, 0)
    ask(on, short_id, 0)
    times: dict[str, list[float]] = {"long": [], "short": [], "long, cache off": []}
    for rep in range(1, args.reps + 1):
        times["long"].append(ask(on, long_id, rep))
        times["short"].append(ask(on, short_id, rep))
        times["long, cache off"].append(ask(off, long_id, rep))
    m = {k: median(v) for k, v in times.items()}
    print(f"\n1. ask --session wall time (median of {args.reps})")
    for key, value in m.items():
        print(f"   {key:18} {value:6.2f} s")
    print(f"   long / short          {m['long'] / m['short']:.2f}  (target <= 1.3)")
    print(f"   long / cache off      {m['long'] / m['long, cache off']:.2f}  (target <= 0.3)")

    in_process(on, long_id, args)
    one_shot(on, model, args)
    state_sizes(on, long_id)
    shutil.rmtree(root, ignore_errors=True)


def in_process(home: Path, long_id: int, args: argparse.Namespace) -> None:
    os.environ["SOULCHAT_HOME"] = str(home)
    from soulchat_local.chat import Conversation
    from soulchat_local.config import Sampling, load_config
    from soulchat_local.paths import get_paths
    from soulchat_local.resolve import resolve_model
    from soulchat_local.runtime import load_engine, open_store

    paths = get_paths()
    config = load_config(paths.config_file)
    engine = load_engine(resolve_model(None, config, paths), config)
    store = open_store(paths)
    sampling = Sampling(temperature=0.0, top_p=1.0, max_tokens=8)

    def send(session: int | None, text: str):  # noqa: ANN202
        conversation = Conversation(store, engine, session, sampling=sampling, language="en")
        started = time.perf_counter()
        result = conversation.send(text)
        return result, time.perf_counter() - started

    new_ttft, warm_ttft, reopen, warm_reply, reopen_ttft, warm2_ttft = [], [], [], [], [], []
    for rep in range(args.reps):
        engine.llm.reset()  # a new process: nothing in memory
        first, _ = send(None, f"Hello. I would like to talk about my week, part {rep}.")
        new_ttft.append(first.stats.ttft_s)
        later, _ = send(first.session_id, f"It was a long week at work, part {rep}.")
        warm_ttft.append(later.stats.ttft_s)
        engine.llm.reset()  # the app opened again, on the long session
        opened, wall = send(long_id, f"I am back. Where were we, part {rep}?")
        reopen.append(wall)
        reopen_ttft.append(opened.stats.ttft_s)
        warm, wall = send(long_id, f"Yes, that was it, part {rep}.")
        warm_reply.append(wall)
        warm2_ttft.append(warm.stats.ttft_s)
    print("\n2. new session, first turn vs a warm later turn: time to first token")
    print(
        f"   first turn {median(new_ttft):.3f} s, warm turn {median(warm_ttft):.3f} s, "
        f"ratio {median(new_ttft) / median(warm_ttft):.2f}  (target <= 1.2)"
    )
    print("\n3. reopening the long session (nothing in memory) vs a warm turn")
    print(
        f"   first reply {median(reopen):.3f} s, warm reply {median(warm_reply):.3f} s, "
        f"ratio {median(reopen) / median(warm_reply):.2f}  (target <= 1.3)"
    )
    print(f"   time to first token {median(reopen_ttft):.3f} s vs {median(warm2_ttft):.3f} s")
    engine.close()
    store.close()


def one_shot(home: Path, model: Path, args: argparse.Namespace) -> None:
    from soulchat_local.hardware import physical_cores

    threads = args.threads or physical_cores()
    ours, bare = [], []
    run(home, "ask", "--new", "--max-tokens", "1", "hi")  # the system prompt's state exists
    for _ in range(args.reps + 2):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", BARE, str(model), "8192", str(threads)],
            capture_output=True,
            check=True,
        )
        bare.append(time.perf_counter() - started)
        ours.append(run(home, "ask", "--new", "--max-tokens", "1", "hi")[0])
    print("\n4. one-shot ask --new --max-tokens 1 hi vs a bare llama-cpp-python script")
    print(
        f"   ask {median(ours):.2f} s, bare script {median(bare):.2f} s, "
        f"ratio {median(ours) / median(bare):.2f}  (target <= 1.3)"
    )


# (layers, KV heads, head size) of 7-9B models SoulChat is fine-tuned from (config.json).
SHAPES = {
    "Qwen2.5-7B": (28, 4, 128),
    "Llama-3-8B": (32, 8, 128),
    "InternLM2.5-7B": (32, 8, 128),
    "GLM-4-9B": (40, 2, 128),
}


def state_sizes(home: Path, long_id: int) -> None:
    from soulchat_local.store import Store

    store = Store(home / "history.db")
    files = store.prompt_states()
    name = next(n for n in files.names() if n.startswith(f"s{long_id}-"))
    header = files.header(name)
    per_1k = header.size / len(header.tokens) * 1000
    print("\n5. saved state per 1,000 tokens (keys and values, f16)")
    print(
        f"   demo model, measured: {per_1k / 2**20:.1f} MiB "
        f"({header.size / 2**20:.1f} MiB for {len(header.tokens)} tokens); "
        f"computed 2 x 30 layers x 3 KV heads x 64 x 2 B = "
        f"{2 * 30 * 3 * 64 * 2 * 1000 / 2**20:.1f} MiB"
    )
    cap = 2048 * 2**20
    print(f"   default cap 2048 MB: {cap / (per_1k * 2):.0f} sessions of 2,000 tokens")
    for model, (layers, heads, dim) in SHAPES.items():
        size = 2 * layers * heads * dim * 2 * 1000
        print(
            f"   {model:15} {size / 2**20:6.1f} MiB per 1,000 tokens; the cap keeps "
            f"{cap / (size * 2):.0f} sessions of 2,000 tokens"
        )
    store.close()


if __name__ == "__main__":
    main()
