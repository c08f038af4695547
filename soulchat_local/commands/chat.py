"""`soulchat chat` (and plain `soulchat`): open the terminal app."""

from __future__ import annotations

import argparse

from ..errors import UserError
from .common import add_model_option, add_session_options

MISSING_TEXTUAL = (
    "the app needs the textual package, which is not installed: "
    "`pipx reinstall soulchat-local` (or pip install 'textual>=1.0,<9'); "
    "`soulchat ask TEXT` works without it"
)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("chat", help="open the app (the default)")
    add_model_option(p)
    add_session_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        from ..tui.app import run_app
    except ImportError as exc:
        if (exc.name or "").split(".")[0] in ("textual", "rich"):
            raise UserError(MISSING_TEXTUAL) from None
        raise

    return run_app(model=args.model, session=args.session, new=args.new)
