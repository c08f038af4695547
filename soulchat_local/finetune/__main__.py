"""`python -m soulchat_local.finetune ...` (and `accelerate launch -m soulchat_local.finetune ...`):
the same command as `soulchat finetune`.
"""

from __future__ import annotations

import argparse
import os
import sys

from soulchat_local.errors import UserError

from .cli import add_arguments, run


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: {message} (see `{self.prog} --help`)\n")
        sys.exit(2)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        prog="python -m soulchat_local.finetune",
        description="Fine-tune a chat model on counselling dialogues (the SoulChat method).",
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except UserError as exc:
        sys.stderr.write("soulchat finetune: " + " ".join(str(exc).split("\n")) + "\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("soulchat finetune: interrupted (continue with --resume)\n")
        return 130
    except Exception as exc:  # noqa: BLE001 - turn bugs into exit 1 without a traceback
        if os.environ.get("SOULCHAT_DEBUG") == "1":
            raise
        sys.stderr.write(
            f"soulchat finetune: internal error: {type(exc).__name__}: {exc} "
            "(run again with SOULCHAT_DEBUG=1 for details)\n"
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
