"""A session as Markdown or as the JSON of DESIGN.md (`history export`), and written to a
file (the app's export box). Exports are plaintext by the user's choice, even when the
history is encrypted.

A reasoning model's thinking is exported apart from its reply: a `thinking` field in JSON
(only on replies that have one), a folded <details> block before the reply in Markdown.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .paths import make_private_dir, write_private_text
from .store import MessageRow, Store

SUFFIXES = {"md": ".md", "json": ".json"}

ROLE_NAMES = {"user": "You", "assistant": "Companion", "system": "System"}


def session_json(store: Store, session_id: int) -> dict[str, Any]:
    session = store.session(session_id)
    return {
        "id": session.id,
        "title": session.title,
        "model": session.model,
        "created": session.created,
        "updated": session.updated,
        "messages": [_message_json(m) for m in store.messages(session_id)],
    }


def session_markdown(store: Store, session_id: int) -> str:
    session = store.session(session_id)
    lines = [
        f"# {session.title or 'Untitled session'}",
        "",
        f"Session {session.id} · model {session.model or '-'} · started {session.created}",
        "",
    ]
    for m in store.messages(session_id):
        mark = " *(stopped)*" if m.partial else ""
        lines += [
            f"## {ROLE_NAMES.get(m.role, m.role)} · {m.created[:16].replace('T', ' ')}{mark}",
            "",
        ]
        if m.thinking:
            lines += ["<details><summary>Thinking</summary>", "", m.thinking, "", "</details>", ""]
        lines += [m.content, ""]
    return "\n".join(lines).rstrip() + "\n"


def _message_json(m: MessageRow) -> dict[str, Any]:
    item: dict[str, Any] = {
        "role": m.role,
        "content": m.content,
        "created": m.created,
        "partial": m.partial,
    }
    if m.thinking:
        item["thinking"] = m.thinking
    return item


def session_text(store: Store, session_id: int, fmt: str) -> str:
    """The export in `fmt` ('md' or 'json')."""
    if fmt == "json":
        return json.dumps(session_json(store, session_id), ensure_ascii=False, indent=2) + "\n"
    return session_markdown(store, session_id)


def default_export_dir() -> Path:
    return Path.home() / "soulchat-exports"


def export_name(session_id: int, title: str, fmt: str) -> str:
    slug = re.sub(r"[^\w]+", "-", title, flags=re.UNICODE).strip("-").lower()[:40]
    return f"session-{session_id}{'-' + slug if slug else ''}{SUFFIXES[fmt]}"


def export_path(store: Store, session_id: int, fmt: str, target: str | None) -> Path:
    """Where an export goes (folders are created, nothing is written).

    `target` empty: the default folder; an existing folder or one ending in '/': a file
    named after the session in it; anything else: that file.
    """
    name = export_name(session_id, store.session(session_id).title, fmt)
    if not target or not target.strip():
        folder = default_export_dir()
        make_private_dir(folder)
        return folder / name
    raw = target.strip()
    path = Path(raw).expanduser()
    if path.is_dir() or raw.endswith(("/", "\\")):
        path.mkdir(parents=True, exist_ok=True)
        return path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_export(store: Store, session_id: int, fmt: str, path: Path) -> Path:
    """Write the export to `path` (mode 0600: it is private text) and return it."""
    write_private_text(path, session_text(store, session_id, fmt))
    return path
