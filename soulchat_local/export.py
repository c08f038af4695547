"""A session as Markdown or as the JSON of DESIGN.md (`history export`).

A reasoning model's thinking is exported apart from its reply: a `thinking` field in JSON
(only on replies that have one), a folded <details> block before the reply in Markdown.
"""

from __future__ import annotations

from typing import Any

from .store import MessageRow, Store

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
