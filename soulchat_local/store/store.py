"""Sessions and messages: the only code that reads or writes the history tables."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import UserError
from .crypto import passphrase_from_env
from .db import open_database
from .migrations import has_full_text_index, migrate
from .state_files import StateFiles, remove_all, remove_session_states, state_dir

TITLE_LENGTH = 40


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class SessionRow:
    id: int
    title: str
    model: str
    system_prompt: str | None
    settings: dict[str, Any]
    created: str
    updated: str
    messages: int


@dataclass(frozen=True)
class MessageRow:
    id: int
    session_id: int
    role: str
    content: str
    model: str | None
    created: str
    updated: str
    prompt_tokens: int | None
    completion_tokens: int | None
    partial: bool
    finish_reason: str | None
    thinking: str = ""  # a reasoning model's thinking before this reply


@dataclass(frozen=True)
class SearchHit:
    session_id: int
    session_title: str
    message_id: int
    role: str
    snippet: str
    created: str


def make_title(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1] + "…"


class Store:
    """Thread-safe: the app streams replies from a worker thread."""

    def __init__(self, path: Path, *, passphrase: str | None = None) -> None:
        """`passphrase` (default: SOULCHAT_PASSPHRASE) opens or creates an encrypted history."""
        self.path = path
        passphrase = passphrase or passphrase_from_env()
        self.conn = open_database(path, passphrase)
        self._lock = threading.RLock()
        with self._lock:
            migrate(self.conn)
            # False on an SQLite older than 3.34 (no trigram tokenizer): search scans
            self.indexed = has_full_text_index(self.conn)
        # open_database refuses an encrypted history without a passphrase. Reading the
        # file's header here instead would be a hazard: closing any descriptor of the
        # file drops every POSIX lock this process holds on it, SQLite's among them, and
        # another process closing the history would then delete the WAL under this one.
        self.encrypted = passphrase is not None
        self.state_dir = state_dir(path)
        self._states: StateFiles | None | bool = False  # False: not opened yet

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def prompt_states(self) -> StateFiles | None:
        """llama.cpp's saved prompt states of this history, sealed as the history is
        (see state_files.py); None when they cannot be kept safely here."""
        if self._states is False:
            from .state_key import seal_for

            with self._lock:
                seal = seal_for(self.conn, self.state_dir, self.encrypted)
            self._states = StateFiles(self.state_dir, seal) if seal is not None else None
        return self._states  # type: ignore[return-value]

    def session_ids(self) -> set[int]:
        with self._lock:
            return {row[0] for row in self.conn.execute("SELECT id FROM sessions")}

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    # -- sessions ---------------------------------------------------------------
    def create_session(
        self,
        model: str,
        *,
        title: str = "",
        system_prompt: str | None = None,
        settings: dict[str, Any] | None = None,
    ) -> int:
        stamp = now()
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (title, model, system_prompt, settings, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (title, model, system_prompt, json.dumps(settings or {}), stamp, stamp),
            )
            return int(cursor.lastrowid)

    def session(self, session_id: int) -> SessionRow:
        with self._lock:
            row = self.conn.execute(
                f"{_SESSION_SELECT} WHERE s.id = ? GROUP BY s.id", (session_id,)
            ).fetchone()
        if row is None:
            raise UserError(
                f"no session {session_id}; see `soulchat history list` for the sessions there are"
            )
        return _session(row)

    def sessions(self) -> list[SessionRow]:
        """Newest first (by last activity)."""
        with self._lock:
            rows = self.conn.execute(
                f"{_SESSION_SELECT} GROUP BY s.id ORDER BY s.updated DESC, s.id DESC"
            ).fetchall()
        return [_session(row) for row in rows]

    def latest_session(self) -> SessionRow | None:
        sessions = self.sessions()
        return sessions[0] if sessions else None

    def update_session(
        self,
        session_id: int,
        *,
        title: str | None = None,
        model: str | None = None,
        system_prompt: str | None = None,
        settings: dict[str, Any] | None = None,
    ) -> None:
        self.session(session_id)
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = title
        if model is not None:
            changes["model"] = model
        if system_prompt is not None:
            changes["system_prompt"] = system_prompt
        if settings is not None:
            changes["settings"] = json.dumps(settings)
        if not changes:
            return
        assignments = ", ".join(f"{column} = ?" for column in changes)
        with self.transaction() as conn:
            conn.execute(
                f"UPDATE sessions SET {assignments}, updated = ? WHERE id = ?",
                (*changes.values(), now(), session_id),
            )

    # -- messages ---------------------------------------------------------------
    def add_message(
        self,
        session_id: int,
        role: str,
        content: str,
        *,
        model: str | None = None,
        partial: bool = False,
        prompt_tokens: int | None = None,
        thinking: str = "",
    ) -> int:
        """Insert and commit (durably) before returning."""
        stamp = now()
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO messages (session_id, role, content, model, created, updated,"
                " prompt_tokens, partial, thinking) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, role, content, model, stamp, stamp, prompt_tokens, int(partial),
                 thinking),
            )
            if role == "user":
                conn.execute(
                    "UPDATE sessions SET title = ? WHERE id = ? AND title = ''",
                    (make_title(content), session_id),
                )
            conn.execute("UPDATE sessions SET updated = ? WHERE id = ?", (stamp, session_id))
            return int(cursor.lastrowid)

    def update_message(
        self,
        message_id: int,
        content: str,
        *,
        partial: bool | None = None,
        completion_tokens: int | None = None,
        prompt_tokens: int | None = None,
        finish_reason: str | None = None,
        thinking: str | None = None,
    ) -> None:
        stamp = now()
        with self.transaction() as conn:
            conn.execute(
                "UPDATE messages SET content = ?, updated = ?,"
                " partial = COALESCE(?, partial),"
                " completion_tokens = COALESCE(?, completion_tokens),"
                " prompt_tokens = COALESCE(?, prompt_tokens),"
                " finish_reason = COALESCE(?, finish_reason),"
                " thinking = COALESCE(?, thinking) WHERE id = ?",
                (
                    content, stamp, None if partial is None else int(partial),
                    completion_tokens, prompt_tokens, finish_reason, thinking, message_id,
                ),
            )
            conn.execute(
                "UPDATE sessions SET updated = ? WHERE id ="
                " (SELECT session_id FROM messages WHERE id = ?)",
                (stamp, message_id),
            )

    def messages(self, session_id: int) -> list[MessageRow]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT * FROM messages WHERE session_id = ? ORDER BY id", (session_id,)
            ).fetchall()
        return [_message(row) for row in rows]

    def delete_messages_from(self, session_id: int, message_id: int) -> int:
        """Delete message `message_id` and every later one of the session (edit, regenerate).

        The session's prompt states go too: they hold the words being deleted."""
        remove_session_states(self.state_dir, session_id)
        with self.transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM messages WHERE session_id = ? AND id >= ?", (session_id, message_id)
            )
            return cursor.rowcount

    # -- search -----------------------------------------------------------------
    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        query = text.strip()
        if not query:
            raise UserError("nothing to search for: give some text")
        with self._lock:
            if len(query) >= 3 and self.indexed:
                rows = self.conn.execute(
                    "SELECT m.id, m.session_id, m.role, m.created, m.content, s.title"
                    " FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"
                    " JOIN sessions s ON s.id = m.session_id"
                    " WHERE messages_fts MATCH ? ORDER BY m.id DESC LIMIT ?",
                    ('"' + query.replace('"', '""') + '"', limit),
                ).fetchall()
            else:  # trigrams need 3 characters (and SQLite 3.34); else scan: a diary is small
                escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                rows = self.conn.execute(
                    "SELECT m.id, m.session_id, m.role, m.created, m.content, s.title"
                    " FROM messages m JOIN sessions s ON s.id = m.session_id"
                    " WHERE m.content LIKE ? ESCAPE '\\' ORDER BY m.id DESC LIMIT ?",
                    (f"%{escaped}%", limit),
                ).fetchall()
        return [
            SearchHit(r["session_id"], r["title"], r["id"], r["role"],
                      _excerpt(r["content"], query), r["created"])
            for r in rows
        ]

    # -- deletion ---------------------------------------------------------------
    def delete_session(self, session_id: int) -> None:
        self.session(session_id)
        remove_session_states(self.state_dir, session_id)
        with self.transaction() as conn:
            conn.execute("DELETE FROM messages WHERE session_id = ?", (session_id,))
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        self.scrub()

    def forget_all(self) -> int:
        remove_all(self.state_dir)
        self._states = False  # its key went too
        with self.transaction() as conn:
            count = conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
            conn.execute("DELETE FROM messages")
            conn.execute("DELETE FROM sessions")
        self.scrub()
        return int(count)

    def scrub(self) -> None:
        """Leave no readable trace of deleted text: rebuild the full-text index (its
        segments keep deleted terms until merged), vacuum, and empty the WAL."""
        with self._lock:
            if self.indexed:
                self.conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')")
            self.conn.execute("VACUUM")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


_SESSION_SELECT = (
    "SELECT s.*, COUNT(m.id) AS message_count FROM sessions s"
    " LEFT JOIN messages m ON m.session_id = s.id"
)


def _session(row: sqlite3.Row) -> SessionRow:
    return SessionRow(
        id=row["id"], title=row["title"], model=row["model"],
        system_prompt=row["system_prompt"], settings=json.loads(row["settings"] or "{}"),
        created=row["created"], updated=row["updated"], messages=row["message_count"],
    )


def _message(row: sqlite3.Row) -> MessageRow:
    return MessageRow(
        id=row["id"], session_id=row["session_id"], role=row["role"], content=row["content"],
        model=row["model"], created=row["created"], updated=row["updated"],
        prompt_tokens=row["prompt_tokens"], completion_tokens=row["completion_tokens"],
        partial=bool(row["partial"]), finish_reason=row["finish_reason"],
        thinking=row["thinking"],
    )


def _excerpt(text: str, query: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    at = max(flat.lower().find(query.lower()), 0)
    start = max(0, at - width // 2)
    end = at + len(query)
    piece = flat[start:at] + "[" + flat[at:end] + "]" + flat[end : max(end, start + width)]
    return ("…" if start else "") + piece + ("…" if max(end, start + width) < len(flat) else "")
