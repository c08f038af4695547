"""`soulchat finetune`: dialogues -> samples -> training -> (optionally) registered GGUF files."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from soulchat_local.errors import UserError

from .export import check_quants, export
from .model import check_base, load_tokenizer
from .samples import build_samples, show
from .schedule import accumulation
from .train import TrainConfig, check_run, train


def finetune(args: argparse.Namespace) -> dict[str, Any] | None:
    from soulchat_local.convert.pipeline import default_name
    from soulchat_local.corpus import load_dialogues

    # cheap checks first: a typo should not wait for torch to import
    base = check_base(args.base)
    quants = check_quants(args.export) if args.export else None
    name = args.name or (default_name(args.out) if args.out else None)
    data = load_dialogues(args.data)

    from accelerate import PartialState

    state = PartialState()
    main = state.is_main_process
    accumulation(args.batch_size, args.micro_batch, state.num_processes)

    def log(msg: str) -> None:
        if main:
            print(msg, file=sys.stderr, flush=True)

    if data.bad_count:
        log(data.describe_bad())
    if not data.dialogues:
        raise UserError(f"{args.data} holds no usable dialogue")
    tokenizer = load_tokenizer(base)
    samples, stats = build_samples([d.messages for d in data.dialogues], tokenizer, args.cutoff)
    if stats.skipped_targets:
        log(
            f"{stats.skipped_targets} counsellor turn(s) do not fit --cutoff {args.cutoff} "
            "even with only the turn before them; they are left out"
        )
    if stats.per_turn:
        log(
            f"the chat template re-renders earlier turns, so {stats.per_turn} dialogue(s) "
            "became one sample per counsellor turn"
        )
    report = {
        "dialogues": stats.dialogues,
        "samples": stats.samples,
        "tokens": stats.tokens,
        "trained_tokens": stats.trained_tokens,
        "bad_records": data.bad_count,
        "skipped_turns": stats.skipped_targets,
        "first": show(samples[0], tokenizer) if samples else [],
    }
    if args.dry_run:
        if args.json:
            return report
        print(
            f"{stats.dialogues} dialogues -> {stats.samples} samples, {stats.tokens} tokens, "
            f"{stats.trained_tokens} trained ({stats.trained_tokens / max(stats.tokens, 1):.0%})"
        )
        for run in report["first"]:
            print(("[trained] " if run["trained"] else "[masked]  ") + repr(run["text"]))
        return None
    cfg = TrainConfig(
        base=base,
        out=args.out,
        lora=args.lora,
        epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        micro_batch=args.micro_batch,
        seed=args.seed,
        save_every=args.save_every,
        resume=args.resume,
        precision=args.precision,
        gradient_checkpointing=args.gradient_checkpointing,
        lora_rank=args.lora_rank,
        lora_alpha=args.lora_alpha,
        lora_dropout=args.lora_dropout,
        lora_target=[t.strip() for t in args.lora_target.split(",") if t.strip()]
        if args.lora_target
        else None,
        max_steps=args.max_steps,
    )
    check_run(cfg, samples)
    log(
        f"{stats.samples} samples ({stats.trained_tokens} trained tokens of {stats.tokens}) "
        f"from {stats.dialogues} dialogues; {'LoRA' if cfg.lora else 'full fine-tuning'}"
    )
    result = train(cfg, samples, tokenizer)
    log(
        f"saved {result.weights} ({result.steps} steps, last loss {result.losses[-1]:.4f})"
        if result.losses
        else f"saved {result.weights}"
    )
    if quants and main:
        paths = export(
            base, result.weights, lora=cfg.lora, quants=quants, out_dir=cfg.out / "gguf", name=name
        )
        for path, qtype in zip(paths, quants, strict=True):
            log(f"registered {name}:{qtype}  {path}")
        log(f"talk to it: soulchat -m {name}:{quants[0]}")
    return None
