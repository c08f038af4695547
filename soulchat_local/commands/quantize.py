"""`soulchat quantize IN.gguf OUT.gguf --type Q4_K_M`: llama.cpp's quantizer on a GGUF file."""

from __future__ import annotations

import argparse

from soulchat_local.convert.cli import add_quantize_arguments, run_quantize


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("quantize", help="quantize an F16/F32/BF16 GGUF with llama.cpp")
    add_quantize_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return run_quantize(args)
