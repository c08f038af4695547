"""Opening the history database: WAL, a busy timeout, secure delete, mode 0600."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..paths import make_private_dir, make_private_file

BUSY_TIMEOUT_S = 10.0


def open_database(path: Path) -> sqlite3.Connection:
    make_private_dir(path.parent)
    make_private_file(path)
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    configure(conn)
    for suffix in ("-wal", "-shm"):
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists():
            sidecar.chmod(0o600)
    return conn


def configure(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a committed message survives a power cut, not only a killed process.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    # Freed pages are overwritten with zeros, so deleted text does not linger.
    conn.execute("PRAGMA secure_delete = ON")
