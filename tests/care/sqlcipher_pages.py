"""Decrypt the raw pages of an SQLCipher 4 database or WAL, free pages and slack included.

SQLCipher itself only hands out live rows, so to prove that deleted text is gone from an
encrypted history, tests decrypt every page byte for byte. Format (SQLCipher 4 defaults,
https://www.zetetic.net/sqlcipher/design/): 4096-byte pages; the first 16 bytes of the
file are the salt; key = PBKDF2-HMAC-SHA512(passphrase, salt, 256000 iterations, 32
bytes); each page ends with 80 reserved bytes, a 16-byte IV then a 64-byte HMAC; the
rest is AES-256-CBC (page 1 from byte 16 on).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 80
SALT = 16
WAL_HEADER = 32
FRAME_HEADER = 24


def derive_key(passphrase: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode(), salt, 256_000, 32)


def decrypt_page(raw: bytes, key: bytes, first: bool) -> bytes:
    start = SALT if first else 0
    body = raw[start : PAGE - RESERVE]
    iv = raw[PAGE - RESERVE : PAGE - RESERVE + 16]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(body) + decryptor.finalize()


def decrypt_database(path: Path, passphrase: str, salt: bytes | None = None) -> bytes:
    data = path.read_bytes()
    salt = salt or data[:SALT]
    key = derive_key(passphrase, salt)
    return b"".join(
        decrypt_page(data[at : at + PAGE], key, first=at == 0)
        for at in range(0, len(data) - PAGE + 1, PAGE)
    )


def decrypt_wal(path: Path, passphrase: str, salt: bytes) -> bytes:
    """Every frame of a WAL file, decrypted (stale frames past the last commit too)."""
    data = path.read_bytes() if path.exists() else b""
    key = derive_key(passphrase, salt)
    out = []
    at = WAL_HEADER
    while at + FRAME_HEADER + PAGE <= len(data):
        page_number = int.from_bytes(data[at : at + 4], "big")
        raw = data[at + FRAME_HEADER : at + FRAME_HEADER + PAGE]
        out.append(decrypt_page(raw, key, first=page_number == 1))
        at += FRAME_HEADER + PAGE
    return b"".join(out)
