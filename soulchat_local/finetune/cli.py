"""Arguments of `soulchat finetune` and `python -m soulchat_local.finetune` (the same command).
Light to import: torch, transformers, peft and accelerate are imported in `run` only.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

from soulchat_local.errors import UserError

CONFIGS = ("ddp", "zero3", "fsdp")
TRAIN_EXTRA = "soulchat finetune needs the train extra: pip install 'soulchat-local[train]'"


def config_path(name: str) -> Path:
    """An example accelerate config shipped with the package."""
    return Path(__file__).with_name("configs") / f"{name}.yaml"


def _positive(kind):
    def parse(value: str):
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a {kind.__name__}") from None
        if number <= 0:
            raise argparse.ArgumentTypeError("must be greater than 0")
        return number

    return parse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "data",
        type=Path,
        metavar="DATA",
        nargs="?",
        help="dialogues: a .json/.jsonl file or a folder (SoulChatCorpus, PsyDTCorpus, "
        "ShareGPT, `soulchat history export`, SoulChat v1 text)",
    )
    p.add_argument(
        "--base",
        type=Path,
        metavar="SRC",
        help="local Hugging Face checkpoint of an instruct/chat model",
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="run folder: checkpoints, adapter or model, log, gguf/",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--lora",
        dest="lora",
        action="store_true",
        default=True,
        help="train a LoRA adapter (default)",
    )
    mode.add_argument(
        "--full", dest="lora", action="store_false", help="full fine-tuning of every weight"
    )
    p.add_argument(
        "--epochs",
        type=_positive(int),
        default=3,
        metavar="N",
        help="passes over the data (default 3)",
    )
    p.add_argument(
        "--lr",
        type=_positive(float),
        metavar="F",
        help="peak learning rate (default 1e-4 LoRA, 1e-5 full)",
    )
    p.add_argument(
        "--cutoff",
        type=_positive(int),
        default=4096,
        metavar="N",
        help="longest sample in tokens; longer dialogues drop their oldest turns (default 4096)",
    )
    p.add_argument(
        "--batch-size",
        type=_positive(int),
        default=8,
        metavar="N",
        help="samples per optimizer step, over all processes (default 8)",
    )
    p.add_argument(
        "--micro-batch",
        type=_positive(int),
        default=1,
        metavar="N",
        help="samples per forward pass on each process (default 1)",
    )
    p.add_argument(
        "--max-steps", type=_positive(int), metavar="N", help="stop after N optimizer steps"
    )
    p.add_argument(
        "--seed",
        type=int,
        default=42,
        help="seed of data order, LoRA init and dropout (default 42)",
    )
    p.add_argument(
        "--save-every",
        type=int,
        default=100,
        metavar="N",
        help="checkpoint every N steps (0: never; default 100)",
    )
    p.add_argument(
        "--resume", action="store_true", help="continue the run in --out from its last checkpoint"
    )
    p.add_argument(
        "--precision",
        choices=("auto", "bf16", "fp16", "fp32"),
        default="auto",
        help="auto: bf16 on GPUs that have it, else fp16; fp32 on the CPU",
    )
    p.add_argument(
        "--no-gradient-checkpointing",
        dest="gradient_checkpointing",
        action="store_false",
        help="faster, but keeps every activation in memory",
    )
    p.add_argument("--lora-rank", type=_positive(int), default=16, metavar="R", help="default 16")
    p.add_argument(
        "--lora-alpha", type=_positive(float), default=32.0, metavar="A", help="default 32"
    )
    p.add_argument("--lora-dropout", type=float, default=0.05, metavar="P", help="default 0.05")
    p.add_argument(
        "--lora-target",
        metavar="NAMES",
        help="comma-separated module names (default: every linear layer of the blocks)",
    )
    p.add_argument(
        "--export",
        metavar="TYPES",
        help="after training: convert to GGUF (e.g. q4_k_m,q8_0), report quality, register",
    )
    p.add_argument(
        "--name",
        metavar="NAME",
        help="registered model name for --export (default: --out's folder name)",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="build the samples and show them; no training"
    )
    p.add_argument("--json", action="store_true", help="with --dry-run: one JSON object on stdout")
    p.add_argument(
        "--config-path",
        choices=CONFIGS,
        metavar="NAME",
        help=f"print the path of an example accelerate config ({', '.join(CONFIGS)}) and exit",
    )


def run(args: argparse.Namespace) -> int:
    if args.config_path:
        print(config_path(args.config_path))
        return 0
    missing = [
        flag for flag, value in (("DATA", args.data), ("--base", args.base)) if value is None
    ]
    if not args.dry_run and args.out is None:
        missing.append("--out")
    if missing:
        raise UserError(f"finetune needs {', '.join(missing)} (see `soulchat finetune --help`)")
    if args.json and not args.dry_run:
        raise UserError("--json goes with --dry-run")
    if any(
        importlib.util.find_spec(m) is None for m in ("torch", "transformers", "peft", "accelerate")
    ):
        raise UserError(TRAIN_EXTRA)
    from .run import finetune

    report = finetune(args)
    if report is not None:
        sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
    return 0
