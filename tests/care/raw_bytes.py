"""What is on disk for a history: the raw bytes of the database and every file beside it."""

from __future__ import annotations

from pathlib import Path

from .sqlcipher_pages import SALT, decrypt_database, decrypt_wal

SIDECARS = ("-wal", "-shm", "-journal")


def history_files(db: Path) -> list[Path]:
    """The database, its WAL, shared memory and journal files, and anything else next to
    it whose name starts with the database's (temporary copies)."""
    return sorted(p for p in db.parent.iterdir() if p.name.startswith(db.name) and p.is_file())


def raw(db: Path) -> bytes:
    return b"".join(path.read_bytes() for path in history_files(db))


def readable(db: Path, passphrase: str | None) -> bytes:
    """Everything someone holding the passphrase (if any) could read from the files:
    plaintext files as they are; an encrypted database and WAL decrypted page by page,
    free pages, unused space in pages and stale WAL frames included."""
    if passphrase is None:
        return raw(db)
    salt = db.read_bytes()[:SALT]
    parts = [decrypt_database(db, passphrase)]
    for path in history_files(db):
        if path == db:
            continue
        if path.name.endswith("-wal"):
            parts.append(decrypt_wal(path, passphrase, salt))
        else:
            parts.append(path.read_bytes())
    return b"".join(parts)


def trigrams(text: str) -> set[bytes]:
    """The terms FTS5's trigram tokenizer stores for `text` (it folds case)."""
    folded = text.lower()
    return {folded[i : i + 3].encode() for i in range(len(folded) - 2)}
