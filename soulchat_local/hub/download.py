"""A resumable download: HTTP Range from a `.part` file, then a hash check.

huggingface_hub's own download starts again from zero after a failure, so this small
layer sits on its URL, auth headers and HTTP client instead. A `.part` file is named
after the content hash it should end with, so bytes of one file are never resumed into
another. `download` returns the verified `.part`; the caller renames it into place
(os.replace, atomic) once every file of the model has arrived.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..paths import PRIVATE_FILE_MODE, make_private_dir
from ..progress import Progress, human_bytes
from . import remote
from .quants import RemoteFile

CHUNK = 1 << 20
RETRIES = 3  # reconnects within one run, each continuing where the last one stopped
BACKOFF_S = 0.5


@dataclass
class Fetched:
    path: Path
    sha256: str
    size: int
    resumed_from: int  # bytes already on disk from an earlier, interrupted run
    fetched: int  # bytes this run received over the network


class Interrupted(UserError):
    """The connection failed for good; the `.part` file keeps what arrived."""


class Corrupt(UserError):
    """The bytes do not hash to what the hub announced; the download was deleted."""


def part_path(part_dir: Path, file: RemoteFile) -> Path:
    key = file.sha256 or file.blob_id or hashlib.sha256(file.path.encode()).hexdigest()
    return part_dir / f"{key}.part"


def download(
    url: str,
    file: RemoteFile,
    *,
    part_dir: Path,
    headers: dict[str, str],
    label: str,
    show_progress: bool | None = None,
    retries: int = RETRIES,
) -> Fetched:
    make_private_dir(part_dir)
    part = part_path(part_dir, file)
    with _exclusive(part, label):
        return _download(url, file, part, headers=headers, label=label,
                         show_progress=show_progress, retries=retries)


def _download(url: str, file: RemoteFile, part: Path, *, headers: dict[str, str], label: str,
              show_progress: bool | None, retries: int) -> Fetched:
    have = part.stat().st_size if part.exists() else 0
    if have > file.size:
        part.unlink()
        have = 0
    resumed_from = have
    hasher = _Hasher(file)
    hasher.feed_file(part, have)
    bar = Progress(file.size, label, start=have, enabled=show_progress)
    failures = 0
    try:
        while have < file.size:
            try:
                have = _fetch(url, part, have, file.size, headers, hasher, bar)
            except _Restart:
                part.unlink(missing_ok=True)
                hasher.reset()
                have = 0
                continue
            except remote.transport_errors() as exc:
                have = part.stat().st_size if part.exists() else 0
                failures += 1
                if failures > retries:
                    raise Interrupted(
                        f"the download of {label} stopped at {human_bytes(have)} of "
                        f"{human_bytes(file.size)} ({remote.network_message(exc)}); "
                        "run the same command again to resume"
                    ) from exc
                time.sleep(BACKOFF_S * failures)
    finally:
        bar.close()
    digest = hasher.check()
    if digest is None:
        part.unlink(missing_ok=True)
        expected = file.sha256 or file.blob_id
        raise Corrupt(
            f"{label} is corrupt: its hash does not match the hub's ({expected[:12]}...); "
            "the download was deleted and nothing was installed; pull again"
        )
    if part.exists():
        os.chmod(part, PRIVATE_FILE_MODE)
    else:  # an empty file: nothing was ever written
        part.touch(mode=PRIVATE_FILE_MODE)
    reused = 0 if hasher.restarted else resumed_from
    return Fetched(part, digest, file.size, reused, fetched=bar.done - resumed_from)


@contextmanager
def _exclusive(part: Path, label: str) -> Iterator[None]:
    """One writer per `.part` file: a second pull of the same file stops instead of
    appending to it at the same time (POSIX locks; elsewhere nothing is locked)."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    lock = part.with_suffix(".lock")
    fd = os.open(lock, os.O_CREAT | os.O_RDWR, PRIVATE_FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise UserError(f"another `soulchat pull` is downloading {label} right now; "
                            "wait for it to finish") from exc
        yield
    finally:
        os.close(fd)
        lock.unlink(missing_ok=True)


class _Restart(Exception):
    """The server cannot continue the `.part` file: start from byte 0."""


def _fetch(url: str, part: Path, have: int, size: int, headers: dict[str, str],
           hasher: _Hasher, bar: Progress) -> int:
    """One request from byte `have`; returns how many bytes `part` holds afterwards."""
    from huggingface_hub.utils import hf_raise_for_status

    request_headers = dict(headers)
    if have:
        request_headers["Range"] = f"bytes={have}-"
    with remote.session().stream("GET", url, headers=request_headers, timeout=_timeout(),
                                 follow_redirects=True) as response:
        if have and response.status_code == 416:
            raise _Restart
        hf_raise_for_status(response)
        if response.status_code == 206 and not _range_starts_at(response, have):
            raise _Restart
        mode = "ab"
        if have and response.status_code != 206:
            # The server ignored the range and sends the whole file: take it from byte 0.
            mode, have = "wb", 0
            hasher.reset()
        with open(part, mode) as out:
            os.chmod(part, PRIVATE_FILE_MODE)
            for chunk in response.iter_bytes(CHUNK):
                if have + len(chunk) > size:
                    raise UserError(
                        f"{url} sent more than the {size} bytes the hub announced; pull again later"
                    )
                out.write(chunk)
                hasher.update(chunk)
                have += len(chunk)
                bar.update(len(chunk))
            out.flush()
            os.fsync(out.fileno())
    return have


def _range_starts_at(response, offset: int) -> bool:
    value = response.headers.get("Content-Range", "")
    try:
        return int(value.split()[1].split("-")[0]) == offset
    except (IndexError, ValueError):
        return False


def _timeout():
    import importlib

    module = importlib.import_module(type(remote.session()).__module__.split(".")[0])
    return module.Timeout(60.0, connect=15.0)


class _Hasher:
    """sha256 for LFS files; git's blob sha1 for small files kept in git."""

    def __init__(self, file: RemoteFile) -> None:
        self.file = file
        self.reset()

    def reset(self) -> None:
        """Start over from byte 0 (nothing from an earlier run is reused)."""
        self.restarted = hasattr(self, "h")
        file = self.file
        if file.sha256:
            self.h = hashlib.sha256()
        else:
            self.h = hashlib.sha1()  # noqa: S324 - git's object id, not a security hash
            self.h.update(f"blob {file.size}\0".encode())
        self.sha256 = hashlib.sha256()

    def update(self, data: bytes) -> None:
        self.h.update(data)
        if not self.file.sha256:
            self.sha256.update(data)

    def feed_file(self, path: Path, length: int) -> None:
        if not length:
            return
        with open(path, "rb") as handle:
            left = length
            while left:
                chunk = handle.read(min(CHUNK * 8, left))
                if not chunk:
                    break
                self.update(chunk)
                left -= len(chunk)

    def check(self) -> str | None:
        """The content's sha256 when the hash matches what the hub announced, else None."""
        if self.file.sha256:
            digest = self.h.hexdigest()
            return digest if digest == self.file.sha256.lower() else None
        if self.file.blob_id and self.h.hexdigest() != self.file.blob_id.lower():
            return None
        return self.sha256.hexdigest()
