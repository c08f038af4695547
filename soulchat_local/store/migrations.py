"""Schema migrations, numbered; PRAGMA user_version records how far a database is.

Add a migration by appending a function to MIGRATIONS; never edit one that shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def run(conn: sqlite3.Connection, *statements: str) -> None:
    # One statement at a time: executescript() would commit the migration's transaction.
    for statement in statements:
        conn.execute(statement)


def m001_sessions_and_messages(conn: sqlite3.Connection) -> None:
    run(
        conn,
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL DEFAULT '',
            model TEXT NOT NULL DEFAULT '',
            system_prompt TEXT,
            settings TEXT NOT NULL DEFAULT '{}',
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )""",
        """
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
            content TEXT NOT NULL,
            model TEXT,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            partial INTEGER NOT NULL DEFAULT 0,
            finish_reason TEXT
        )""",
        "CREATE INDEX messages_by_session ON messages (session_id, id)",
    )


# SQLite's trigram tokenizer came with 3.34.0 (2020-12-01, https://sqlite.org/releaselog/3_34_0.html).
TRIGRAM_SQLITE = (3, 34, 0)


def sqlite_version(conn: sqlite3.Connection) -> tuple[int, ...]:
    """The SQLite library behind `conn` (sqlcipher3 bundles its own)."""
    return tuple(
        int(part) for part in conn.execute("SELECT sqlite_version()").fetchone()[0].split(".")
    )


def has_full_text_index(conn: sqlite3.Connection) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages_fts'"
        ).fetchone()
        is not None
    )


def create_full_text_index(conn: sqlite3.Connection) -> bool:
    """The search index, when this SQLite has the trigram tokenizer; False when it has not
    (search then scans the messages, and the index is made once SQLite is new enough)."""
    if sqlite_version(conn) < TRIGRAM_SQLITE:
        return False
    # The trigram tokenizer matches any substring of 3+ characters, which works for
    # Chinese (no spaces between words) as well as English.
    run(
        conn,
        """
        CREATE VIRTUAL TABLE messages_fts USING fts5(
            content, content='messages', content_rowid='id', tokenize='trigram'
        )""",
        """
        CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
            INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
        END""",
        """
        CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, content)
                VALUES ('delete', old.id, old.content);
        END""",
        """
        CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, content)
                VALUES ('delete', old.id, old.content);
            INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
        END""",
        # Index the messages written before the index.
        "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')",
    )
    return True


def m002_full_text_search(conn: sqlite3.Connection) -> None:
    create_full_text_index(conn)


def m003_message_thinking(conn: sqlite3.Connection) -> None:
    """A reasoning model's thinking, kept apart from the reply it led to (not searched)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(messages)")}
    if "thinking" not in columns:  # self-contained: safe whatever order migrations merge in
        run(conn, "ALTER TABLE messages ADD COLUMN thinking TEXT NOT NULL DEFAULT ''")


MIGRATIONS: list[Migration] = [
    m001_sessions_and_messages,
    m002_full_text_search,
    m003_message_thinking,
]


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database up to date; each step in its own transaction. Returns the version."""
    version = schema_version(conn)
    if version > len(MIGRATIONS):
        from ..errors import UserError

        raise UserError(
            f"the history database is from a newer soulchat-local (schema {version}); "
            "upgrade the program"
        )
    for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) >= number:  # another process got there first
                conn.execute("COMMIT")
                continue
            migration(conn)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    _catch_up_full_text_index(conn)
    return schema_version(conn)


def _catch_up_full_text_index(conn: sqlite3.Connection) -> None:
    """A history migrated under an SQLite without trigrams gets its index once it can."""
    if has_full_text_index(conn) or sqlite_version(conn) < TRIGRAM_SQLITE:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if not has_full_text_index(conn):  # another process got there first
            create_full_text_index(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
