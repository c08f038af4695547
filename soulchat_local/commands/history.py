"""`soulchat history`: list, show, export, search and delete past sessions."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from ..export import session_json, session_markdown
from .common import confirm, load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("history", help="past sessions: list, show, export, search, rm")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="sessions, newest first")
    listing.add_argument("--json", action="store_true")
    show = sub.add_parser("show", help="print one session")
    show.add_argument("id", type=int, metavar="ID")
    show.add_argument("--json", action="store_true")
    export = sub.add_parser("export", help="a session as Markdown or JSON")
    export.add_argument("id", type=int, metavar="ID")
    export.add_argument("--format", choices=("md", "json"), default="md")
    search = sub.add_parser("search", help="full-text search over every message")
    search.add_argument("text", metavar="TEXT")
    search.add_argument("--json", action="store_true")
    rm = sub.add_parser("rm", help="delete a session for good")
    rm.add_argument("id", type=int, metavar="ID")
    rm.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    forget = sub.add_parser("forget", help="delete every session for good")
    forget.add_argument("--all", action="store_true", required=True, dest="everything")
    forget.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    sub.add_parser(
        "encrypt", help="encrypt the history with a passphrase (SOULCHAT_PASSPHRASE or asked)"
    )
    sub.add_parser(
        "passphrase",
        help="set or change the history's passphrase (the current one is needed to change it)",
        description="On a terminal: asks for the current passphrase (unless SOULCHAT_PASSPHRASE "
        "holds it) and the new one twice. Without a terminal: the current passphrase comes from "
        "SOULCHAT_PASSPHRASE and the new one from the first line of stdin.",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..runtime import open_store

    paths, _ = load_settings()
    if args.action == "encrypt":
        return _encrypt(paths)
    if args.action == "passphrase":
        return _change_passphrase(paths)
    store = open_store(paths, ask=True)
    try:
        return ACTIONS[args.action](store, args)
    finally:
        store.close()


def _list(store, args) -> int:  # noqa: ANN001
    sessions = store.sessions()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": s.id,
                        "title": s.title,
                        "model": s.model,
                        "created": s.created,
                        "updated": s.updated,
                        "messages": s.messages,
                    }
                    for s in sessions
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not sessions:
        print("no sessions yet: start one with `soulchat` or `soulchat ask TEXT`")
    for s in sessions:
        print(
            f"{s.id:>5}  {s.updated[:16].replace('T', ' ')}  {s.messages:>4} msgs  "
            f"{s.model:20.20}  {s.title}"
        )
    return 0


def _show(store, args) -> int:  # noqa: ANN001
    return _print_session(store, args.id, "json" if args.json else "md")


def _export(store, args) -> int:  # noqa: ANN001
    return _print_session(store, args.id, args.format)


def _print_session(store, session_id: int, fmt: str) -> int:  # noqa: ANN001
    if fmt == "json":
        print(json.dumps(session_json(store, session_id), ensure_ascii=False, indent=2))
    else:
        print(session_markdown(store, session_id), end="")
    return 0


def _search(store, args) -> int:  # noqa: ANN001
    hits = store.search(args.text)
    if args.json:
        print(json.dumps([asdict(hit) for hit in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print(f"no message contains {args.text!r}")
    for hit in hits:
        print(f"session {hit.session_id} ({hit.session_title}) {hit.role}: {hit.snippet}")
    return 0


def _rm(store, args) -> int:  # noqa: ANN001
    session = store.session(args.id)
    if not confirm(f"delete session {session.id} ({session.title!r}) for good?", args.yes):
        print("kept")
        return 0
    store.delete_session(session.id)
    print(f"deleted session {session.id}")
    return 0


def _forget(store, args) -> int:  # noqa: ANN001
    if not confirm("delete ALL sessions for good?", args.yes):
        print("kept")
        return 0
    count = store.forget_all()
    print(f"deleted {count} sessions")
    return 0


def _encrypt(paths) -> int:  # noqa: ANN001
    from ..runtime import open_store
    from ..store.crypto import (
        encrypt_database,
        passphrase_from_env,
        prompt_new_passphrase,
        sqlcipher,
    )
    from ..store.db import needs_passphrase

    path = paths.ensure().history_db
    if needs_passphrase(path):
        print(f"the history at {path} is already encrypted")
        return 0
    sqlcipher()  # before asking for a passphrase: one line on how to get it
    passphrase = passphrase_from_env() or prompt_new_passphrase()
    if not path.exists() or path.stat().st_size == 0:
        open_store(paths, passphrase).close()
        print(f"created an encrypted history at {path}")
    else:
        count = encrypt_database(path, passphrase)
        print(f"encrypted the history at {path} ({count} sessions); the plaintext is wiped")
    print("keep the passphrase safe: without it the history cannot be read or recovered")
    return 0


def _change_passphrase(paths) -> int:  # noqa: ANN001
    import sys

    from ..errors import UserError
    from ..store.crypto import (
        PASSPHRASE_ENV,
        change_passphrase,
        check_passphrase,
        passphrase_from_env,
        prompt_new_passphrase,
        prompt_passphrase,
        sqlcipher,
    )
    from ..store.db import needs_passphrase

    path = paths.ensure().history_db
    if not needs_passphrase(path):
        return _encrypt(paths)  # no passphrase yet: setting one is encrypting
    sqlcipher()
    old = passphrase_from_env()
    if sys.stdin.isatty():
        old = old or prompt_passphrase("current history passphrase: ")
        new = prompt_new_passphrase()
    else:
        if old is None:
            raise UserError(
                f"without a terminal, set {PASSPHRASE_ENV} to the current passphrase and give "
                "the new one on stdin"
            )
        new = check_passphrase(sys.stdin.readline().rstrip("\r\n"))
    if new == old:
        raise UserError("the new passphrase is the same as the current one: nothing was changed")
    count = change_passphrase(path, old, new)
    print(f"changed the passphrase of the history at {path} ({count} sessions)")
    if passphrase_from_env():
        print(f"{PASSPHRASE_ENV} still holds the old passphrase: set it to the new one")
    print("keep the passphrase safe: without it the history cannot be read or recovered")
    return 0


ACTIONS = {
    "list": _list,
    "show": _show,
    "export": _export,
    "search": _search,
    "rm": _rm,
    "forget": _forget,
}
