"""`python -m soulchat_local.convert SRC --out DIR ...`: the same as `soulchat convert`."""

from __future__ import annotations

import sys

from soulchat_local.cli import Parser, run_command

from .cli import add_convert_arguments, run_convert


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m soulchat_local.convert",
                    description="Convert a Hugging Face checkpoint (and LoRA adapter) to GGUF.")
    add_convert_arguments(parser)
    args = parser.parse_args(argv)
    return run_command(lambda: run_convert(args), "soulchat convert")


if __name__ == "__main__":
    sys.exit(main())
