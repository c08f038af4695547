"""`soulchat convert SRC --out DIR`: a HF checkpoint (and LoRA) to verified, quantized GGUF."""

from __future__ import annotations

import argparse

from soulchat_local.convert.cli import add_convert_arguments, run_convert


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "convert", help="convert a Hugging Face checkpoint (and LoRA adapter) to GGUF",
        description="Convert a local safetensors checkpoint to GGUF, quantize it, report quality, register it.",
    )
    add_convert_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return run_convert(args)
