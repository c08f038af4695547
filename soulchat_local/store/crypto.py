"""Encryption at rest: the whole history database through SQLCipher (`sqlcipher3`).

SQLCipher encrypts every page of the database and of its WAL with AES-256 (CBC, a
random IV per page write, an HMAC-SHA512 per page) under a key derived from the
passphrase with PBKDF2-HMAC-SHA512 (256,000 iterations, a random salt per database).
See https://www.zetetic.net/sqlcipher/design/ for the format.

This module holds the passphrase handling (environment, terminal prompt), the test
for "is this file encrypted", and turning an existing plaintext history into an
encrypted one (`encrypt_database`).
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..paths import make_private_file

PASSPHRASE_ENV = "SOULCHAT_PASSPHRASE"
SQLITE_HEADER = b"SQLite format 3\x00"
SIDECARS = ("-wal", "-shm", "-journal")


class PassphraseNeeded(UserError):
    """The history is encrypted and no passphrase was given (the app: ask for one)."""


class WrongPassphrase(UserError):
    """The passphrase does not open the history (the app: ask again)."""


def passphrase_from_env() -> str | None:
    """SOULCHAT_PASSPHRASE, or None when it is unset or empty."""
    value = os.environ.get(PASSPHRASE_ENV)
    return value if value else None


def is_encrypted_file(path: Path) -> bool:
    """True when `path` holds data that is not a plaintext SQLite database.

    An SQLCipher file starts with its random salt instead of the SQLite header; a
    missing or empty file is a history still to be created, not an encrypted one.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return False
    return bool(head) and head != SQLITE_HEADER


def check_passphrase(passphrase: str) -> str:
    if not passphrase:
        raise UserError("the passphrase is empty: choose one of at least one character")
    if "\x00" in passphrase:
        raise UserError("the passphrase contains a NUL character: choose another")
    return passphrase


def key_statement(passphrase: str, schema: str = "main") -> str:
    """`PRAGMA key` for a passphrase, quoted as an SQL string literal."""
    return f"PRAGMA {schema}.key = {_literal(passphrase)}"


def _literal(passphrase: str) -> str:
    return "'" + check_passphrase(passphrase).replace("'", "''") + "'"


# sqlcipher3 is a base dependency only where it has binary wheels (pyproject.toml's
# markers: Linux x86_64, macOS arm64, Windows amd64); elsewhere it is the `encrypt` extra
# and builds against the system's SQLCipher library.
MISSING_SQLCIPHER = (
    "encryption needs the sqlcipher3 package, not installed here: "
    "`pipx inject soulchat-local sqlcipher3` (or pip install 'soulchat-local[encrypt]'; "
    "on this platform it builds against SQLCipher, e.g. apt install libsqlcipher-dev)"
)


class SqlcipherMissing(UserError):
    """sqlcipher3 is not installed (the app: say how to get it)."""


def sqlcipher() -> Any:
    try:
        import sqlcipher3
    except ImportError as exc:
        raise SqlcipherMissing(MISSING_SQLCIPHER) from exc
    return sqlcipher3


def has_sqlcipher() -> bool:
    try:
        sqlcipher()
    except SqlcipherMissing:
        return False
    return True


def quiet(conn: Any) -> None:
    """SQLCipher logs a failed key as `ERROR CORE` lines on stderr; we say it in one line."""
    conn.execute("PRAGMA cipher_log_level = NONE")


def prompt_passphrase(prompt: str = "history passphrase: ") -> str:
    """Ask once on the terminal (input hidden); a user error without a terminal."""
    if not sys.stdin.isatty():
        raise UserError(f"the history is encrypted: set {PASSPHRASE_ENV} or run this in a terminal")
    try:
        return check_passphrase(getpass.getpass(prompt))
    except EOFError:
        raise UserError("no passphrase given") from None


def prompt_new_passphrase() -> str:
    """Ask twice on the terminal; both answers must match."""
    if not sys.stdin.isatty():
        raise UserError(f"set {PASSPHRASE_ENV} to the passphrase, or run this in a terminal")
    try:
        first = check_passphrase(getpass.getpass("new history passphrase: "))
        second = getpass.getpass("the same passphrase again: ")
    except EOFError:
        raise UserError("no passphrase given") from None
    if first != second:
        raise UserError("the two passphrases differ: nothing was changed, try again")
    return first


def secure_remove(path: Path) -> None:
    """Overwrite a file with zeros, flush it to disk, then delete it.

    On copy-on-write file systems and SSDs the old blocks may survive elsewhere on
    the device; the README says so. At the file level nothing readable is left.
    """
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return
    try:
        overwrite(fd)
    finally:
        os.close(fd)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def overwrite(fd: int) -> None:
    size = os.fstat(fd).st_size
    block = b"\x00" * 65536
    os.lseek(fd, 0, os.SEEK_SET)
    left = size
    while left > 0:
        left -= os.write(fd, block[: min(left, len(block))])
    os.fsync(fd)


def encrypt_database(path: Path, passphrase: str) -> int:
    """Turn the plaintext history at `path` into an encrypted one; returns the sessions.

    The copy is made with sqlcipher_export into a new file next to it, checked, and
    swapped in with one rename; then the old plaintext (and its WAL and shared-memory
    files) is overwritten and removed. Another process using the history at the same
    time is refused: its writes would go to the old file.
    """
    check_passphrase(passphrase)
    if is_encrypted_file(path):
        raise UserError(f"the history at {path} is already encrypted")
    module = sqlcipher()
    tmp = path.with_name(path.name + ".encrypting")
    for leftover in [tmp] + [tmp.with_name(tmp.name + s) for s in SIDECARS]:
        secure_remove(leftover)  # from an earlier attempt that was interrupted
    make_private_file(tmp)
    sidecar_fds = _open_sidecars(path)
    conn = module.connect(path, timeout=2.0, isolation_level=None)
    try:
        quiet(conn)
        # Leaving WAL mode needs every other connection gone: a cheap in-use check
        # that also folds the WAL into the main file.
        try:
            mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        except module.OperationalError:
            mode = "busy"
        if str(mode).lower() != "delete":
            raise UserError(
                "the history is in use by another soulchat (the app or a command): "
                "close it and run `soulchat history encrypt` again"
            )
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        sessions = _count_sessions(conn)
        conn.execute("COMMIT")
        conn.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(tmp), passphrase))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute(f"PRAGMA encrypted.user_version = {version}")
        conn.execute("DETACH DATABASE encrypted")
        _verify(module, tmp, passphrase, sessions)
        # Keep a handle on the plaintext inode so it can be wiped after the rename.
        old_fd = os.open(path, os.O_RDWR)
        try:
            os.replace(tmp, path)
            fsync_dir(path.parent)
            overwrite(old_fd)
        finally:
            os.close(old_fd)
    except BaseException:
        conn.close()
        secure_remove(tmp)
        _close_all(sidecar_fds, wipe=False)
        raise
    conn.close()
    # SQLite deleted the WAL and shm files when it left WAL mode; wipe their inodes.
    _close_all(sidecar_fds, wipe=True)
    for suffix in SIDECARS:
        secure_remove(path.with_name(path.name + suffix))
    # The prompt states were written in the clear: they go, and are rebuilt sealed.
    from .state_files import remove_all, state_dir

    remove_all(state_dir(path))
    return sessions


def change_passphrase(path: Path, old: str, new: str) -> int:
    """Re-encrypt the history at `path` from passphrase `old` to `new`; returns the sessions.

    SQLCipher's `PRAGMA rekey` rewrites every page in one transaction. It runs with a
    rollback journal (not the WAL) so that it is atomic: the journal keeps each page as
    it was on disk (under the old key); a kill or power cut before the commit leaves the
    journal behind, and the next open, whatever passphrase it is given, puts those pages
    back first, so the old passphrase opens it; after the commit only the new one does.
    The journal is then overwritten and removed, leaving no copy under the old key.
    """
    check_passphrase(old)
    check_passphrase(new)
    if not is_encrypted_file(path):
        raise UserError(
            f"the history at {path} is not encrypted: `soulchat history encrypt` sets a passphrase"
        )
    module = sqlcipher()
    journal = path.with_name(path.name + "-journal")
    conn = module.connect(str(path), timeout=2.0, isolation_level=None)
    try:
        quiet(conn)
        conn.execute(key_statement(old))
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except module.DatabaseError:
            raise WrongPassphrase(
                f"the current passphrase does not open the history at {path}: nothing was changed"
            ) from None
        # the read above rolled back any journal a killed change left: what is left of
        # one now holds pages under an older key, and goes
        secure_remove(journal)
        try:  # leaving WAL mode needs every other connection gone (and folds the WAL in)
            mode = conn.execute("PRAGMA journal_mode = PERSIST").fetchone()[0]
        except module.OperationalError:
            mode = "busy"
        if str(mode).lower() != "persist":
            raise UserError(
                "the history is in use by another soulchat (the app or a command): "
                "close it and run `soulchat history passphrase` again"
            )
        conn.execute("PRAGMA synchronous = FULL")
        sessions = _count_sessions(conn)
        conn.execute(f"PRAGMA rekey = {_literal(new)}")
    finally:
        conn.close()
    try:
        _verify(module, path, new, sessions)
    except UserError:
        raise UserError(
            f"the history at {path} failed its check after the passphrase change; "
            "try the old and the new passphrase, and keep a copy of the file"
        ) from None
    secure_remove(journal)  # PERSIST left it, zeroed header, old pages inside
    # The prompt states and their key file are sealed under the old passphrase: they go too.
    from .state_files import remove_all, state_dir

    remove_all(state_dir(path))
    return sessions


def _count_sessions(conn: Any) -> int:
    has_sessions = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'"
    ).fetchone()
    return int(conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]) if has_sessions else 0


def _verify(module: Any, path: Path, passphrase: str, sessions: int) -> None:
    check = module.connect(path)
    try:
        quiet(check)
        check.execute(key_statement(passphrase))
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
        copied = _count_sessions(check)
    finally:
        check.close()
    if result != "ok" or copied != sessions:
        raise UserError(
            f"the encrypted copy of the history failed its check ({result}, {copied} of "
            f"{sessions} sessions); the plaintext history was left as it was"
        )


def _open_sidecars(path: Path) -> list[int]:
    fds = []
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            fds.append(os.open(path.with_name(path.name + suffix), os.O_RDWR))
    return fds


def _close_all(fds: list[int], *, wipe: bool) -> None:
    for fd in fds:
        try:
            if wipe:
                overwrite(fd)
        finally:
            os.close(fd)


def fsync_dir(directory: Path) -> None:
    """Make a rename or an unlink in `directory` durable (POSIX; a no-op elsewhere)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
