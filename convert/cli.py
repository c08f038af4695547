"""Arguments and entry points shared by `soulchat convert`, `soulchat quantize` and
`python -m soulchat_local.convert`. Light to import: the work is imported in `run_*`.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_convert_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("src", type=Path, metavar="SRC", help="checkpoint directory (config.json, *.safetensors or pytorch_model*.bin, tokenizer)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write NAME-QUANT.gguf files")
    p.add_argument("--quant", default="f16", metavar="TYPES",
                   help="comma-separated output types: f32, f16, bf16 and every llama.cpp type "
                        "(q8_0, q6_k, q5_k_m, q4_k_m, ...); default f16. ChatGLM-6B (SoulChat v1) checkpoints "
                        "become chatglm.cpp files: f32, f16, q8_0, q5_1, q5_0, q4_1, q4_0")
    p.add_argument("--lora", type=Path, metavar="DIR", help="PEFT LoRA adapter to merge first")
    p.add_argument("--name", metavar="NAME", help="model name for files and registry (default: SRC's folder name)")
    p.add_argument("--register", action=argparse.BooleanOptionalAction, default=True,
                   help="add the outputs to the local model registry (default: yes)")
    p.add_argument("--force", action="store_true", help="overwrite existing output files")
    p.add_argument("--no-quality", dest="quality", action="store_false",
                   help="skip the perplexity / KL quality report")
    p.add_argument("--source-url", metavar="URL", help="where the checkpoint is published (general.source.url)")


def run_convert(args: argparse.Namespace) -> int:
    from .pipeline import convert_checkpoint

    paths = convert_checkpoint(
        args.src, args.out, args.quant, lora=args.lora, name=args.name,
        register=args.register, force=args.force, quality_report=args.quality, source_url=args.source_url,
    )
    for path in paths:
        print(path)
    return 0


def add_quantize_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", type=Path, metavar="IN", help="F32/F16/BF16 .gguf file")
    p.add_argument("output", type=Path, metavar="OUT", help="quantized .gguf to write")
    p.add_argument("--type", required=True, metavar="T", help="llama.cpp type, e.g. Q4_K_M, Q5_K_M, Q8_0")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")


def run_quantize(args: argparse.Namespace) -> int:
    from .quantize import quantize_gguf

    print(quantize_gguf(args.input, args.output, args.type, force=args.force))
    return 0
