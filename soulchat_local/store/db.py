"""Opening the history database: WAL, a busy timeout, secure delete, mode 0600, and,
when a passphrase is given, SQLCipher encryption of the whole file (see crypto.py).

A plaintext history is opened with the standard library's sqlite3; an encrypted one
with sqlcipher3, which has the same DB-API.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..paths import make_private_dir, make_private_file
from .crypto import (
    PASSPHRASE_ENV,
    PassphraseNeeded,
    WrongPassphrase,
    is_encrypted_file,
    key_statement,
    passphrase_from_env,
    prompt_passphrase,
    quiet,
    secure_remove,
    sqlcipher,
)

BUSY_TIMEOUT_S = 10.0


def needs_passphrase(path: Path) -> bool:
    """True when the history at `path` exists and is encrypted (ask for the passphrase)."""
    return is_encrypted_file(Path(path))


def history_exists(path: Path) -> bool:
    """False when there is no history yet (the moment to offer a passphrase)."""
    return _has_content(Path(path))


def passphrase_for(path: Path, passphrase: str | None = None, *, ask: bool = False) -> str | None:
    """The passphrase to open `path` with: `passphrase` if given, else SOULCHAT_PASSPHRASE,
    else (with `ask`, for an encrypted history, on a terminal) one typed at a prompt."""
    if passphrase:
        return passphrase
    passphrase = passphrase_from_env()
    if passphrase is None and ask and needs_passphrase(path) and sys.stdin.isatty():
        passphrase = prompt_passphrase()
    return passphrase


def open_database(path: Path, passphrase: str | None = None) -> Any:
    """Open (creating if needed) the history; encrypted when `passphrase` is given.

    A new history created with a passphrase is encrypted. An encrypted history without
    it, or with a wrong one, and a plaintext history with one, are UserErrors (one line,
    exit 2). Returns a DB-API connection (sqlite3 or sqlcipher3).
    """
    path = Path(path)
    make_private_dir(path.parent)
    encrypted = is_encrypted_file(path)
    if encrypted and passphrase is None:
        raise PassphraseNeeded(
            f"the history at {path} is encrypted: set {PASSPHRASE_ENV} to its passphrase "
            "(or answer the app's prompt)"
        )
    if passphrase is not None and not encrypted and _has_content(path):
        raise UserError(
            f"the history at {path} is not encrypted, but a passphrase was given: run "
            f"`soulchat history encrypt` to encrypt it, or unset {PASSPHRASE_ENV}"
        )
    make_private_file(path)
    if passphrase is None:
        conn: Any = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        row_type: Any = sqlite3.Row
    else:
        module = sqlcipher()
        conn = module.connect(
            str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        row_type = module.Row
        _unlock(conn, module, path, passphrase)
    try:
        configure(conn, row_type)
    except BaseException:
        conn.close()
        raise
    for suffix in ("-wal", "-shm"):
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists():
            sidecar.chmod(0o600)
    # In WAL mode a rollback journal is never used; one left by a passphrase change that
    # was killed after its commit still holds pages under the old key (a hot one was
    # rolled back by the first read above).
    secure_remove(path.with_name(path.name + "-journal"))
    return conn


def _has_content(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except FileNotFoundError:
        return False


def _unlock(conn: Any, module: Any, path: Path, passphrase: str) -> None:
    quiet(conn)
    try:
        conn.execute(key_statement(passphrase))
        # The key is only tried when a page is read: read one now.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except module.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):
            raise WrongPassphrase(
                f"the history at {path} cannot be opened: the passphrase is wrong "
                f"(check {PASSPHRASE_ENV}), or the file is damaged"
            ) from None
        raise


def configure(conn: Any, row_type: Any = sqlite3.Row) -> None:
    conn.row_factory = row_type
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a committed message survives a power cut, not only a killed process.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    # Freed pages are overwritten with zeros, so deleted text does not linger.
    conn.execute("PRAGMA secure_delete = ON")
    # Sorts and VACUUM's copy stay in memory, never in a plaintext temporary file.
    conn.execute("PRAGMA temp_store = MEMORY")
