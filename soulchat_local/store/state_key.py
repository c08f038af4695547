"""The key that seals the prompt states of an encrypted history.

It is 32 random bytes kept in `prompt-state/key`, a one-row SQLCipher database that is
ATTACHed to the history's own connection without a KEY clause, so SQLCipher encrypts it
with the history's key (no second key derivation, no passphrase handling here). When the
key file does not open with the history's key (another history, a changed passphrase),
the states it sealed cannot be read either: they are removed and a new key is made.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from ..paths import make_private_dir
from .crypto import secure_remove
from .state_files import PlainSeal, Seal, SecretSeal, remove_all

KEY_FILE = "key"
_log = logging.getLogger("soulchat_local.prompt_state")


def seal_for(conn: Any, directory: Path, encrypted: bool) -> Seal | None:
    """How this history's states are sealed; None when they cannot be kept safely."""
    if not encrypted:
        return PlainSeal()
    try:
        import cryptography  # noqa: F401 - AES-GCM for the states of an encrypted history
    except ImportError:
        _log.debug("prompt state off: the cryptography package is not installed")
        return None
    key = _read_key(conn, directory / KEY_FILE)
    if key is None:
        remove_all(directory)
        key = _new_key(conn, directory)
    return SecretSeal(key)


def _read_key(conn: Any, path: Path) -> bytes | None:
    if not path.is_file():
        return None
    try:
        conn.execute("ATTACH DATABASE ? AS prompt_state_key", (str(path),))
    except Exception:  # noqa: BLE001 - any failure: the key is unusable
        return None
    try:
        row = conn.execute("SELECT value FROM prompt_state_key.key").fetchone()
    except Exception:  # noqa: BLE001 - not this history's key file
        _log.debug("prompt state: the key file is not this history's; states rebuilt")
        row = None
    finally:
        conn.execute("DETACH DATABASE prompt_state_key")
    value = row[0] if row else None
    return bytes(value) if isinstance(value, bytes) and len(value) == 32 else None


def _new_key(conn: Any, directory: Path) -> bytes:
    make_private_dir(directory)
    key = os.urandom(32)
    path = directory / KEY_FILE
    tmp = path.with_name(KEY_FILE + ".tmp")
    secure_remove(tmp)
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    conn.execute("ATTACH DATABASE ? AS prompt_state_key", (str(tmp),))
    try:
        conn.execute("PRAGMA prompt_state_key.journal_mode = OFF")
        conn.execute("CREATE TABLE prompt_state_key.key (value BLOB NOT NULL)")
        conn.execute("INSERT INTO prompt_state_key.key VALUES (?)", (key,))
    finally:
        conn.execute("DETACH DATABASE prompt_state_key")
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return key
