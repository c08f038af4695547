"""Small pieces shared by the subcommands."""

from __future__ import annotations

import argparse
import sys

from ..config import Config, load_config
from ..errors import UserError
from ..message_check import check_message
from ..paths import Paths, get_paths


def load_settings() -> tuple[Paths, Config]:
    paths = get_paths()
    return paths, load_config(paths.config_file)


def add_model_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-m", "--model", metavar="MODEL",
        help="catalogue name, installed name or path to a .gguf (default: see README)",
    )


def add_session_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--session", type=int, metavar="ID", help="continue session ID")
    group.add_argument("--new", action="store_true", help="start a new session")


def confirm(question: str, assume_yes: bool) -> bool:
    """Ask only on a terminal; without one (scripts, CI) the command acts."""
    if assume_yes or not sys.stdin.isatty():
        return True
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def read_message(text: str) -> str:
    """The TEXT argument, or standard input for '-'; empty, too long or binary is a user
    error (message_check)."""
    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise UserError("the message is empty: type something, or pipe text with `-`")
    return check_message(text)
