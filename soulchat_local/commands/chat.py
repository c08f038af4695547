"""`soulchat chat` (and plain `soulchat`): open the terminal app."""

from __future__ import annotations

import argparse

from .common import add_model_option, add_session_options


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("chat", help="open the app (the default)")
    add_model_option(p)
    add_session_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..tui.app import run_app

    return run_app(model=args.model, session=args.session, new=args.new)
