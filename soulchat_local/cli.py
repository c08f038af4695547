"""`soulchat`: the argparse tree. Each subcommand lives in soulchat_local/commands/.

Every command module exposes `register(subparsers)`, which adds its parser and sets
`func` to a `run(args) -> int`. Heavy libraries are imported inside `run`, never here,
so `soulchat --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .errors import UserError

# Order is the order of `soulchat --help`.
COMMAND_MODULES = (
    "chat",
    "ask",
    "models",
    "pull",
    "import_model",
    "rm",
    "convert",
    "quantize",
    "history",
    "doctor",
    "assess",
    "eval",
    "finetune",
)


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: {message} (see `{self.prog} --help`)\n")
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="soulchat",
        description="A private, offline counselling companion. Run with no command to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"soulchat-local {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f".commands.{name}", __package__).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(args_list or ["chat"])
    return run_command(lambda: args.func(args), "soulchat")


def run_command(
    command: Callable[[], int | None], prog: str, interrupted: str = "interrupted"
) -> int:
    """Run a command as every entry point does: a user error is one line on stderr and
    its exit code, a bug is one line and exit 1 (a traceback only with SOULCHAT_DEBUG=1)."""
    try:
        return int(command() or 0)
    except UserError as exc:
        _print_error(prog, str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write(f"{prog}: {interrupted}\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the one place that turns bugs into exit 1
        if os.environ.get("SOULCHAT_DEBUG") == "1":
            raise
        _print_error(
            prog,
            f"internal error: {type(exc).__name__}: {exc} "
            "(run again with SOULCHAT_DEBUG=1 for details)",
        )
        return 1


def _print_error(prog: str, message: str) -> None:
    sys.stderr.write(f"{prog}: " + " ".join(message.split("\n")) + "\n")
    sys.stderr.flush()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
