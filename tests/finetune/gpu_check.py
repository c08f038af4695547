"""Manual GPU check (not a pytest test): a short LoRA run with bf16 on a lent GPU.

    python tests/finetune/gpu_check.py [--steps 40] [--out report.txt]

Builds a random checkpoint with Qwen2-0.5B's block shapes (hidden 896, 24 layers, 14 heads,
2 KV heads, FFN 4864; the tiny test vocabulary) and a few hundred synthetic dialogues of up to
~1500 tokens, then runs `soulchat finetune`'s own train() with --precision auto (which must
pick bf16 on the GPU), gradient checkpointing, batch 16, micro-batch 4. Reports the precision,
the trainable share, tokens/s over the steps after the first five, peak GPU memory and the loss
curve. Exits 1 unless it ran on CUDA in bf16 with a finite, falling loss. CI never runs it.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DIMS = {"hidden": 896, "heads": 14, "kv": 2, "ff": 4864, "layers": 24}
TEXT = "the counsellor listens . I feel tired and the night is long . we talk about the work and the family"
WORDS = TEXT.split(" ")

_lines: list[str] = []


def say(line: str = "") -> None:
    _lines.append(line)
    print(line, flush=True)


def dialogues(n: int, seed: int = 0) -> list[list[dict]]:
    import random

    rng = random.Random(seed)
    out = []
    for _ in range(n):
        msgs = [{"role": "system", "content": "You are a warm, patient counsellor."}]
        for _ in range(rng.randint(2, 8)):
            msgs.append(
                {"role": "user", "content": " ".join(rng.choices(WORDS, k=rng.randint(10, 60)))}
            )
            msgs.append(
                {
                    "role": "assistant",
                    "content": " ".join(rng.choices(WORDS, k=rng.randint(20, 90))),
                }
            )
        out.append(msgs)
    return out


def check(steps: int) -> int:
    import torch

    from soulchat_local.finetune.model import device_precision, load_tokenizer
    from soulchat_local.finetune.samples import build_samples
    from soulchat_local.finetune.train import TrainConfig, train
    from tests.finetune.conftest import build_base

    say(f"torch {torch.__version__}, CUDA available: {torch.cuda.is_available()}")
    if not torch.cuda.is_available():
        say("FAIL: no CUDA device")
        return 1
    say(
        f"device: {torch.cuda.get_device_name(0)}; bf16 supported: {torch.cuda.is_bf16_supported()}"
    )
    precision = device_precision("auto")
    say(f"--precision auto -> {precision}")
    with tempfile.TemporaryDirectory() as tmp:
        base = build_base("qwen2", Path(tmp) / "base", dims=DIMS)
        tok = load_tokenizer(base)
        t = time.perf_counter()
        samples, stats = build_samples(dialogues(400), tok, 2048)
        say(
            f"{stats.samples} samples, {stats.tokens} tokens ({stats.trained_tokens} trained) "
            f"built in {time.perf_counter() - t:.1f} s"
        )
        out = Path(tmp) / "run"
        cfg = TrainConfig(
            base=base,
            out=out,
            batch_size=16,
            micro_batch=4,
            max_steps=steps,
            save_every=0,
            epochs=10,
            lr=2e-4,
        )
        torch.cuda.reset_peak_memory_stats()
        result = train(cfg, samples, tok)
        peak = torch.cuda.max_memory_allocated() / 2**30
        log = [json.loads(ln) for ln in (out / "train_log.jsonl").read_text().splitlines()]
        adapter = json.loads((out / "adapter" / "adapter_config.json").read_text())
    timed = log[5:]
    seconds = timed[-1]["elapsed_s"] - log[4]["elapsed_s"]
    rate = sum(r["tokens"] for r in timed) / seconds
    say(f"LoRA r{adapter['r']} on {sorted(adapter['target_modules'])}")
    say(
        f"throughput: {rate:.0f} tokens/s over steps 6..{len(log)} ({seconds:.1f} s); "
        f"whole run {result.tokens_per_s:.0f} tokens/s"
    )
    say(f"peak GPU memory: {peak:.2f} GiB")
    losses = [r["loss"] for r in log]
    say("loss: " + " ".join(f"{x:.3f}" for x in losses))
    head, tail = sum(losses[:5]) / 5, sum(losses[-5:]) / 5
    if precision != "bf16":
        say(f"FAIL: precision {precision}, wanted bf16")
        return 1
    if not all(math.isfinite(x) for x in losses) or tail >= head:
        say(f"FAIL: loss not finite or not falling ({head:.3f} -> {tail:.3f})")
        return 1
    say(f"PASS: bf16 on CUDA, loss {head:.3f} -> {tail:.3f}, {rate:.0f} tokens/s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    try:
        return check(args.steps)
    finally:
        if args.out:
            args.out.write_text("\n".join(_lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
