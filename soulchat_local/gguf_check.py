"""A GGUF header pre-check, run before llama.cpp ever opens a file.

llama.cpp trusts a file's header; a random, empty, truncated or absurd .gguf can crash
it or make it allocate without bound. This reader walks the header with a bound on every
count and length, and checks that the file is long enough for the tensor data it
declares. It returns the few metadata values the program needs.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UserError

MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)
MAX_TENSORS = 1_000_000
MAX_KV = 100_000
MAX_DIMS = 4
DEFAULT_ALIGNMENT = 32

# GGUF value types: id -> struct format of a scalar (strings and arrays handled apart).
_SCALARS = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
_U64 = struct.Struct("<Q")
_STRING, _ARRAY = 8, 9
_UINT32 = 4
# Arrays longer than this are skipped, not kept (token lists, merges, scores).
_KEEP_ARRAY_MAX = 64


class GGUFError(UserError):
    pass


@dataclass
class GGUFInfo:
    path: Path
    version: int
    n_tensors: int
    metadata: dict[str, Any] = field(default_factory=dict)
    data_offset: int = 0
    data_size: int = 0
    file_size: int = 0

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", ""))

    @property
    def name(self) -> str:
        return str(self.metadata.get("general.name", ""))

    @property
    def chat_template(self) -> str | None:
        value = self.metadata.get("tokenizer.chat_template")
        return value if isinstance(value, str) else None

    @property
    def context_length(self) -> int:
        value = self.metadata.get(f"{self.architecture}.context_length", 0)
        return int(value) if isinstance(value, int) else 0


class _Reader:
    def __init__(self, buf: mmap.mmap | bytes, path: Path) -> None:
        self.buf = buf
        self.pos = 0
        self.size = len(buf)
        self.path = path

    def fail(self, why: str) -> GGUFError:
        return GGUFError(f"{self.path} is not a usable GGUF model: {why}")

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > self.size:
            raise self.fail(f"the header is truncated (needs {n} bytes at offset {self.pos})")
        chunk = self.buf[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self) -> bytes:
        length = self.unpack("<Q")
        if length > self.size - self.pos:
            raise self.fail(f"a string of {length} bytes runs past the end of the file")
        return self.take(length)

    def value(self, vtype: int, depth: int = 0) -> Any:
        if vtype in _SCALARS:
            return self.unpack(_SCALARS[vtype])
        if vtype == _STRING:
            return self.string().decode("utf-8", errors="replace")
        if vtype == _ARRAY and depth == 0:
            item_type = self.unpack("<I")
            count = self.unpack("<Q")
            min_item = struct.calcsize(_SCALARS[item_type]) if item_type in _SCALARS else 8
            if item_type not in _SCALARS and item_type != _STRING:
                raise self.fail(f"array of unknown value type {item_type}")
            if count * min_item > self.size - self.pos:
                raise self.fail(f"an array of {count} items runs past the end of the file")
            if count > _KEEP_ARRAY_MAX:
                if item_type == _STRING:
                    self.skip_strings(count)
                else:
                    self.take(count * min_item)
                return None
            return [self.value(item_type, depth + 1) for _ in range(count)]
        raise self.fail(f"unknown value type {vtype}")

    def skip_strings(self, count: int) -> None:
        """Step over `count` strings by their lengths, without copying or decoding them
        (a vocabulary is tens of thousands of strings)."""
        buf, pos, size = self.buf, self.pos, self.size
        length_at = _U64.unpack_from
        for _ in range(count):
            if pos + 8 > size:
                self.pos = pos
                raise self.fail(f"the header is truncated (needs 8 bytes at offset {pos})")
            (length,) = length_at(buf, pos)
            pos += 8
            if length > size - pos:
                raise self.fail(f"a string of {length} bytes runs past the end of the file")
            pos += length
        self.pos = pos


def check_gguf(path: Path | str) -> GGUFInfo:
    """Validate the header of `path`; raise GGUFError (a UserError) when it is unusable."""
    path = Path(path)
    if not path.is_file():
        raise GGUFError(f"model file not found: {path}")
    try:
        with open(path, "rb") as handle:
            size = path.stat().st_size
            if size < 24:
                raise GGUFError(f"{path} is not a usable GGUF model: only {size} bytes")
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                return _parse(_Reader(buf, path), size)
    except OSError as exc:
        raise GGUFError(f"cannot read model file {path}: {exc.strerror or exc}") from exc


def _parse(reader: _Reader, size: int) -> GGUFInfo:
    if reader.take(4) != MAGIC:
        raise reader.fail("it does not start with the GGUF magic bytes")
    version = reader.unpack("<I")
    if version not in SUPPORTED_VERSIONS:
        raise reader.fail(f"GGUF version {version} is not supported (2 or 3 are)")
    n_tensors = reader.unpack("<Q")
    n_kv = reader.unpack("<Q")
    if n_tensors == 0 or n_tensors > MAX_TENSORS:
        raise reader.fail(f"it declares {n_tensors} tensors")
    if n_kv > MAX_KV:
        raise reader.fail(f"it declares {n_kv} metadata keys")
    info = GGUFInfo(path=reader.path, version=version, n_tensors=n_tensors, file_size=size)
    for _ in range(n_kv):
        key = reader.string().decode("utf-8", errors="replace")
        vtype = reader.unpack("<I")
        info.metadata[key] = reader.value(vtype)
        if (
            key == "general.alignment" and vtype != _UINT32
        ):  # the spec's type; llama.cpp refuses others
            raise reader.fail("general.alignment is not a 32-bit unsigned integer")
    data_end = 0
    type_sizes = _type_sizes()
    for _ in range(n_tensors):
        name = reader.string().decode("utf-8", errors="replace")
        n_dims = reader.unpack("<I")
        if not 1 <= n_dims <= MAX_DIMS:
            raise reader.fail(f"tensor {name!r} has {n_dims} dimensions")
        dims = [reader.unpack("<Q") for _ in range(n_dims)]
        ggml_type = reader.unpack("<I")
        offset = reader.unpack("<Q")
        if ggml_type not in type_sizes:
            raise reader.fail(f"tensor {name!r} has unknown type {ggml_type}")
        block, block_bytes = type_sizes[ggml_type]
        elements = 1
        for dim in dims:
            if dim == 0 or dim > 2**40:
                raise reader.fail(f"tensor {name!r} has dimension {dim}")
            elements *= dim
        if dims[0] % block:
            raise reader.fail(f"tensor {name!r} rows do not fill whole blocks")
        data_end = max(data_end, offset + elements // block * block_bytes)
    alignment = info.metadata.get("general.alignment", DEFAULT_ALIGNMENT)
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise reader.fail(f"general.alignment {alignment!r} is not a power of two")
    info.data_offset = -(-reader.pos // alignment) * alignment
    info.data_size = data_end
    if info.data_offset + data_end > size:
        missing = info.data_offset + data_end - size
        raise reader.fail(
            f"the file is truncated: its tensors need {missing} more bytes (download it again)"
        )
    return info


def _type_sizes() -> dict[int, tuple[int, int]]:
    return GGML_TYPE_SIZES


# ggml type id -> (elements per block, bytes per block), as in ggml.h / gguf-py's
# GGML_QUANT_SIZES (tests check the two agree). Kept here so that the chat path
# need not import gguf (and numpy with it) to check a header.
GGML_TYPE_SIZES: dict[int, tuple[int, int]] = {
    0: (1, 4),
    1: (1, 2),
    2: (32, 18),
    3: (32, 20),
    6: (32, 22),
    7: (32, 24),
    8: (32, 34),
    9: (32, 40),
    10: (256, 84),
    11: (256, 110),
    12: (256, 144),
    13: (256, 176),
    14: (256, 210),
    15: (256, 292),
    16: (256, 66),
    17: (256, 74),
    18: (256, 98),
    19: (256, 50),
    20: (32, 18),
    21: (256, 110),
    22: (256, 82),
    23: (256, 136),
    24: (1, 1),
    25: (1, 2),
    26: (1, 4),
    27: (1, 8),
    28: (1, 8),
    29: (256, 56),
    30: (1, 2),
    34: (256, 54),
    35: (256, 66),
    39: (32, 17),
    40: (64, 36),
    41: (128, 18),
}
