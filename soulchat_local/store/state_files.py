"""llama.cpp's saved prompt states on disk: one file each, in prompt-state/ beside the history.

A file is the magic bytes, then sealed chunks, each a 64-bit length and its bytes. The
first chunk holds a JSON header (what the state is for) and the token ids it covers; the
others hold the state bytes llama.cpp wrote. With a plaintext history a chunk is sealed
with a CRC-32 (a file cut short or damaged is refused, never loaded); with an encrypted
history with AES-256-GCM under a random key that is kept in a small SQLCipher file,
encrypted with the history's own key (see `state_key`). The chunk's number is bound into
its seal, so chunks cannot be reordered or dropped unnoticed.

Files are written under a temporary name, fsynced and renamed; only `*.state` files are
read. Removing one overwrites it first (`secure_remove`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import struct
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..paths import PRIVATE_FILE_MODE, make_private_dir
from .crypto import fsync_dir, secure_remove

STATE_DIR = "prompt-state"
SUFFIX = ".state"
TMP_SUFFIX = ".tmp"
MAGIC = b"SCPSTAT1"
CHUNK_BYTES = 64 << 20
_LENGTH = struct.Struct("<Q")
_NAME = re.compile(r"^[a-z0-9-]{1,80}$")


class StateError(Exception):
    """A state file that must not be trusted (cut short, damaged, foreign)."""


def state_dir(history_db: Path) -> Path:
    return Path(history_db).parent / STATE_DIR


# -- seals ------------------------------------------------------------------------------
class PlainSeal:
    """A CRC-32 over the chunk's number and bytes: catches damage, not tampering (whoever
    can write these files can write the history too)."""

    encrypted = False

    def seal(self, index: int, data: memoryview) -> list[Any]:
        return [data, zlib.crc32(data, _index_crc(index)).to_bytes(4, "little")]

    def read_into(self, handle: Any, index: int, length: int, into: memoryview) -> int:
        """Read a chunk of `length` sealed bytes into `into`; returns the data's length."""
        n = length - 4
        if n < 0 or n > len(into):
            raise StateError(f"chunk {index} has a bad length")
        if handle.readinto(into[:n]) != n:
            raise StateError("the file is cut short")
        crc = handle.read(4)
        if len(crc) != 4 or zlib.crc32(into[:n], _index_crc(index)) != int.from_bytes(
            crc, "little"
        ):
            raise StateError(f"chunk {index} fails its checksum")
        return n


class SecretSeal:
    """AES-256-GCM with a random nonce per chunk; the chunk number is authenticated."""

    encrypted = True

    def __init__(self, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self.aead = AESGCM(key)

    def seal(self, index: int, data: memoryview) -> list[Any]:
        nonce = os.urandom(12)
        return [nonce, self.aead.encrypt(nonce, data, MAGIC + index.to_bytes(8, "little"))]

    def read_into(self, handle: Any, index: int, length: int, into: memoryview) -> int:
        from cryptography.exceptions import InvalidTag

        sealed = handle.read(length)
        if len(sealed) != length or length < 12 + 16:
            raise StateError("the file is cut short")
        view = memoryview(sealed)
        try:
            data = self.aead.decrypt(view[:12], view[12:], MAGIC + index.to_bytes(8, "little"))
        except (InvalidTag, ValueError):
            raise StateError(f"chunk {index} does not decrypt with this history's key") from None
        if len(data) > len(into):
            raise StateError(f"chunk {index} has a bad length")
        into[: len(data)] = data
        return len(data)


Seal = PlainSeal | SecretSeal


def _index_crc(index: int) -> int:
    return zlib.crc32(index.to_bytes(8, "little"))


# -- one file ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Header:
    name: str
    meta: dict[str, Any]
    tokens: list[int]
    size: int  # the file's size in bytes


class StateFiles:
    """The prompt-state directory of one history."""

    def __init__(self, directory: Path, seal: Seal) -> None:
        self.directory = directory
        self.seal = seal

    def path(self, name: str) -> Path:
        if not _NAME.match(name):
            raise ValueError(f"bad state name {name!r}")
        return self.directory / (name + SUFFIX)

    def names(self) -> list[str]:
        try:
            return sorted(p.name[: -len(SUFFIX)] for p in self.directory.glob("*" + SUFFIX))
        except OSError:
            return []

    # -- writing --------------------------------------------------------------------------
    def write(self, name: str, meta: dict[str, Any], tokens: list[int], payload: Any) -> int:
        """Write a state atomically (temporary file, fsync, rename); returns its size."""
        import array

        make_private_dir(self.directory)
        target = self.path(name)
        tmp = target.with_name(target.name + TMP_SUFFIX)
        body = memoryview(payload).cast("B")
        head = json.dumps({**meta, "n_tokens": len(tokens), "payload_bytes": len(body)}).encode()
        first = _LENGTH.pack(len(head)) + head + array.array("i", tokens).tobytes()
        chunks = [memoryview(first)] + [
            body[at : at + CHUNK_BYTES] for at in range(0, len(body), CHUNK_BYTES)
        ]
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_FILE_MODE)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC)
                for index, chunk in enumerate(chunks):
                    pieces = self.seal.seal(index, chunk)
                    handle.write(_LENGTH.pack(sum(len(memoryview(p)) for p in pieces)))
                    for piece in pieces:
                        handle.write(piece)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            secure_remove(tmp)
            raise
        fsync_dir(self.directory)
        return target.stat().st_size

    # -- reading --------------------------------------------------------------------------
    def header(self, name: str) -> Header | None:
        """The header and tokens of a state, None when there is none; StateError when the
        file is not one this history wrote."""
        import array

        path = self.path(name)
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            return None
        with handle:
            size = os.fstat(handle.fileno()).st_size
            if handle.read(len(MAGIC)) != MAGIC:
                raise StateError("not a prompt-state file")
            first = self._first_chunk(handle, size)
            (head_len,) = _LENGTH.unpack_from(first, 0)
            if head_len > len(first) - 8:
                raise StateError("a damaged header")
            try:
                meta = json.loads(bytes(first[8 : 8 + head_len]))
            except ValueError:
                raise StateError("a damaged header") from None
            ids = array.array("i")
            ids.frombytes(first[8 + head_len :])
        if not isinstance(meta, dict) or meta.get("n_tokens") != len(ids):
            raise StateError("the header does not match its tokens")
        return Header(name, meta, ids.tolist(), size)

    def payload(self, header: Header) -> bytearray:
        """The state bytes of a file whose header was read; StateError if anything is off."""
        want = header.meta.get("payload_bytes")
        if not isinstance(want, int) or want <= 0:
            raise StateError("no state bytes")
        out = bytearray(want)
        view = memoryview(out)
        filled = 0
        with open(self.path(header.name), "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size != header.size or handle.read(len(MAGIC)) != MAGIC:
                raise StateError("the file changed while it was read")
            self._first_chunk(handle, size)
            index = 1
            while filled < want:
                length = self._length(handle, size)
                filled += self.seal.read_into(handle, index, length, view[filled:])
                index += 1
            if handle.read(1):
                raise StateError("trailing bytes")
        return out

    def _first_chunk(self, handle: Any, size: int) -> memoryview:
        length = self._length(handle, size)
        if length > 1 << 28:
            raise StateError("a header too large to be one")
        first = memoryview(bytearray(length))
        return first[: self.seal.read_into(handle, 0, length, first)]

    @staticmethod
    def _length(handle: Any, size: int) -> int:
        raw = handle.read(8)
        if len(raw) < 8:
            raise StateError("the file is cut short")
        (length,) = _LENGTH.unpack(raw)
        if length > size - handle.tell():
            raise StateError("the file is cut short")
        return length

    # -- housekeeping ---------------------------------------------------------------------
    def touch(self, name: str) -> None:
        """Mark a state as just used (eviction goes by modification time)."""
        with contextlib.suppress(OSError):
            os.utime(self.path(name))

    def remove(self, name: str) -> None:
        secure_remove(self.path(name))

    def remove_where(self, doomed: Callable[[str], bool]) -> int:
        gone = 0
        for name in self.names():
            if doomed(name):
                self.remove(name)
                gone += 1
        return gone

    def sweep_temporary(self) -> None:
        """Files left by a write that was killed: never read, overwritten and removed."""
        try:
            leftovers = list(self.directory.glob("*" + TMP_SUFFIX))
        except OSError:
            return
        for path in leftovers:
            secure_remove(path)

    def evict(self, max_bytes: int, keep: Iterable[str] = ()) -> list[str]:
        """Remove the least recently used states until the rest fit in `max_bytes`; the
        ones in `keep` go last."""
        kept = set(keep)
        entries = []
        for name in self.names():
            try:
                stat = self.path(name).stat()
            except OSError:
                continue
            entries.append((name in kept, stat.st_mtime_ns, name, stat.st_size))
        total = sum(entry[3] for entry in entries)
        removed = []
        for _, _, name, size in sorted(entries):
            if total <= max_bytes:
                break
            self.remove(name)
            total -= size
            removed.append(name)
        return removed


def directory_usage(directory: Path) -> tuple[int, int]:
    """(files, bytes) of the states in `directory`, for `soulchat doctor`."""
    try:
        sizes = [p.stat().st_size for p in directory.glob("*" + SUFFIX)]
    except OSError:
        return 0, 0
    return len(sizes), sum(sizes)


def session_state_name(session_id: int, identity: str) -> str:
    return f"s{session_id}-{identity}"


def session_of(name: str) -> int | None:
    """The session a state belongs to; None for shared ones (system prompts)."""
    head = name.split("-", 1)[0]
    return int(head[1:]) if head[:1] == "s" and head[1:].isdigit() else None


def remove_session_states(directory: Path, session_id: int) -> None:
    """Overwrite and remove the states of one session (every model's)."""
    try:
        paths = list(directory.glob(f"s{session_id}-*{SUFFIX}"))
    except OSError:
        return
    for path in paths:
        if session_of(path.name[: -len(SUFFIX)]) == session_id:
            secure_remove(path)


def remove_all(directory: Path) -> None:
    """Overwrite and remove every state and the key file (the history's states go with it)."""
    if not directory.is_dir():
        return
    for path in directory.iterdir():
        if path.is_file():
            secure_remove(path)
