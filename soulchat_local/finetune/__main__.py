"""`python -m soulchat_local.finetune ...` (and `accelerate launch -m soulchat_local.finetune ...`):
the same command as `soulchat finetune`.
"""

from __future__ import annotations

import sys

from soulchat_local.cli import Parser, run_command

from .cli import add_arguments, run


def main(argv: list[str] | None = None) -> int:
    parser = Parser(
        prog="python -m soulchat_local.finetune",
        description="Fine-tune a chat model on counselling dialogues (the SoulChat method).",
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run_command(
        lambda: run(args), "soulchat finetune", "interrupted (continue with --resume)"
    )


if __name__ == "__main__":
    sys.exit(main())
