"""A session as Markdown or as the JSON of DESIGN.md (`history export`)."""

from __future__ import annotations

from typing import Any

from .store import Store

ROLE_NAMES = {"user": "You", "assistant": "Companion", "system": "System"}


def session_json(store: Store, session_id: int) -> dict[str, Any]:
    session = store.session(session_id)
    return {
        "id": session.id,
        "title": session.title,
        "model": session.model,
        "created": session.created,
        "updated": session.updated,
        "messages": [
            {"role": m.role, "content": m.content, "created": m.created, "partial": m.partial}
            for m in store.messages(session_id)
        ],
    }


def session_markdown(store: Store, session_id: int) -> str:
    session = store.session(session_id)
    lines = [f"# {session.title or 'Untitled session'}", "",
             f"Session {session.id} · model {session.model or '-'} · started {session.created}", ""]
    for m in store.messages(session_id):
        mark = " *(stopped)*" if m.partial else ""
        lines += [f"## {ROLE_NAMES.get(m.role, m.role)} · {m.created[:16].replace('T', ' ')}{mark}",
                  "", m.content, ""]
    return "\n".join(lines).rstrip() + "\n"
