"""Benchmark (not collected by pytest): training tokens/s on the CPU for a tiny model, and the
overhead of `soulchat finetune`'s loop and data pipeline against a plain transformers Trainer
on the same samples (same LoRA, optimizer, schedule, batch and micro-batch).

    python tests/finetune/bench_finetune.py [--rounds 3] [--steps 30] [--hidden 256]

Each round runs ours and the Trainer in fresh subprocesses, one after the other, and times
steps 6..N from inside each loop (model loading and start-up excluded); the ratio is per
round (paired), so the load the machine is under cancels out. Target: ours / Trainer <= 1.1.
Also prints how long building the samples took, against the training time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

WARMUP = 5
BATCH = 4


def dialogues(n: int) -> list[list[dict]]:
    from tests.finetune.conftest import DIALOGUES

    return [DIALOGUES[i % len(DIALOGUES)] for i in range(n)]


def ours(base: Path, out: Path, steps: int) -> dict:
    from soulchat_local.finetune.model import load_tokenizer
    from soulchat_local.finetune.samples import build_samples
    from soulchat_local.finetune.train import TrainConfig, train

    tok = load_tokenizer(base)
    t = time.perf_counter()
    samples, stats = build_samples(dialogues(64), tok, 4096)
    build_s = time.perf_counter() - t
    cfg = TrainConfig(
        base=base,
        out=out,
        batch_size=BATCH,
        max_steps=steps,
        save_every=0,
        lora_dropout=0.0,
        gradient_checkpointing=False,
        epochs=100,
    )
    train(cfg, samples, tok)
    log = [json.loads(ln) for ln in (out / "train_log.jsonl").read_text().splitlines()]
    timed = log[WARMUP:]
    seconds = timed[-1]["elapsed_s"] - log[WARMUP - 1]["elapsed_s"]
    return {
        "seconds": seconds,
        "tokens": sum(r["tokens"] for r in timed),
        "build_s": build_s,
        "samples": stats.samples,
        "loss": log[-1]["loss"],
    }


def trainer(base: Path, out: Path, steps: int) -> dict:
    import torch
    from transformers import AutoModelForCausalLM, Trainer, TrainerCallback, TrainingArguments

    from soulchat_local.finetune import schedule
    from soulchat_local.finetune.model import add_lora, load_tokenizer
    from soulchat_local.finetune.samples import build_samples

    tok = load_tokenizer(base)
    samples, _ = build_samples(dialogues(64), tok, 4096)
    # the same samples in the same order as ours (Trainer's own shuffling is switched off)
    order = [i for step in schedule.steps(len(samples), BATCH, 100, 42, steps) for i in step]
    rows = [
        {
            "input_ids": samples[i].input_ids,
            "labels": [
                t if on else -100
                for t, on in zip(samples[i].input_ids, samples[i].trained, strict=True)
            ],
        }
        for i in order
    ]

    def collate(batch: list[dict]) -> dict:
        n = max(len(b["input_ids"]) for b in batch)
        pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        ids = torch.tensor([b["input_ids"] + [pad] * (n - len(b["input_ids"])) for b in batch])
        labels = torch.tensor([b["labels"] + [-100] * (n - len(b["labels"])) for b in batch])
        mask = torch.tensor(
            [[1] * len(b["input_ids"]) + [0] * (n - len(b["input_ids"])) for b in batch]
        )
        return {"input_ids": ids, "attention_mask": mask, "labels": labels}

    marks: list[float] = []
    tokens: list[int] = []

    class Clock(TrainerCallback):
        def on_step_end(self, args, state, control, **kw):  # noqa: ANN001
            marks.append(time.monotonic())

    torch.manual_seed(42)
    model = AutoModelForCausalLM.from_pretrained(str(base), dtype=torch.float32)
    model.config.use_cache = False
    model = add_lora(model, rank=16, alpha=32.0, dropout=0.0, targets=None)
    args = TrainingArguments(
        output_dir=str(out),
        per_device_train_batch_size=1,
        gradient_accumulation_steps=BATCH,
        max_steps=steps,
        learning_rate=1e-4,
        lr_scheduler_type="cosine",
        warmup_ratio=0.03,
        weight_decay=0.0,
        max_grad_norm=1.0,
        logging_strategy="no",
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        dataloader_num_workers=0,
        seed=42,
        disable_tqdm=True,
        remove_unused_columns=False,
        optim="adamw_torch",
    )

    class InOrder(Trainer):
        def _get_train_sampler(self, *a, **kw):  # noqa: ANN001, ANN002, ANN003
            return torch.utils.data.SequentialSampler(self.train_dataset)

    InOrder(
        model=model, args=args, train_dataset=rows, data_collator=collate, callbacks=[Clock()]
    ).train()
    tokens = [len(r["input_ids"]) for r in rows]
    timed_tokens = sum(tokens[WARMUP * BATCH : steps * BATCH])
    return {"seconds": marks[steps - 1] - marks[WARMUP - 1], "tokens": timed_tokens}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--hidden", type=int, default=256, help="width of the tiny llama")
    parser.add_argument("--one", choices=("ours", "trainer"), help=argparse.SUPPRESS)
    parser.add_argument("--base", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory() as tmp:
            fn = ours if args.one == "ours" else trainer
            print(json.dumps(fn(args.base, Path(tmp) / "run", args.steps)))
        return

    from tests.finetune.conftest import build_base

    with tempfile.TemporaryDirectory() as tmp:
        dims = {"hidden": args.hidden, "heads": 4, "kv": 2, "ff": args.hidden * 3, "layers": 4}
        base = build_base("qwen2", Path(tmp) / "base", dims=dims)
        env = dict(os.environ, TOKENIZERS_PARALLELISM="false")
        ratios, rates, rates_hf, build = [], [], [], []
        for r in range(args.rounds):
            res = {}
            for which in ("ours", "trainer") if r % 2 == 0 else ("trainer", "ours"):
                proc = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--one",
                        which,
                        "--base",
                        str(base),
                        "--steps",
                        str(args.steps),
                    ],
                    capture_output=True,
                    text=True,
                    env=env,
                )
                if proc.returncode:
                    sys.exit(proc.stderr[-3000:])
                res[which] = json.loads(proc.stdout.strip().splitlines()[-1])
            o, t = res["ours"], res["trainer"]
            ratios.append(o["seconds"] / t["seconds"])
            rates.append(o["tokens"] / o["seconds"])
            rates_hf.append(t["tokens"] / t["seconds"])
            build.append(o["build_s"] / (o["seconds"] * args.steps / (args.steps - WARMUP)))
            print(
                f"round {r + 1}: ours {rates[-1]:.0f} tok/s, Trainer {rates_hf[-1]:.0f} tok/s, "
                f"time ours/Trainer {ratios[-1]:.3f}",
                flush=True,
            )
        print(
            f"tiny qwen2 (hidden {args.hidden}, 4 layers), LoRA r16, batch {BATCH}, CPU, {args.steps} steps:"
        )
        print(f"  ours    {statistics.median(rates):.0f} tokens/s (median of {args.rounds})")
        print(f"  Trainer {statistics.median(rates_hf):.0f} tokens/s")
        print(
            f"  time ours / Trainer: median {statistics.median(ratios):.3f} "
            f"(min {min(ratios):.3f}, max {max(ratios):.3f}); target <= 1.1"
        )
        print(
            f"  building {o['samples']} samples: {statistics.median(build) * 100:.1f}% of the training time"
        )


if __name__ == "__main__":
    main()
