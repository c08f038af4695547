"""A Hugging Face checkpoint directory: config, safetensors (or PyTorch .bin) shards, tensors
read lazily.

Tensor data is never loaded whole: each shard is memory-mapped once, and `rows()`
returns a float32 copy of a block of rows, after which the pages it touched are
dropped again (madvise DONTNEED), so resident memory stays near one block.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soulchat_local.errors import UserError

# safetensors dtype name -> (numpy dtype of the stored element, bytes per element)
_DTYPES = {
    "F32": (np.dtype("<f4"), 4),
    "F16": (np.dtype("<f2"), 2),
    "BF16": (np.dtype("<u2"), 2),
    "F64": (np.dtype("<f8"), 8),
}

_PAGE = mmap.PAGESIZE


@dataclass(frozen=True)
class TensorRef:
    name: str
    dtype: str
    shape: tuple[int, ...]
    file: Path
    offset: int  # absolute byte offset of the data in `file`
    nbytes: int

    @property
    def n_elements(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


def read_json(path: Path, what: str) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"cannot read {what} {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise UserError(f"{what} {path} is not valid JSON ({exc}); re-download it") from exc
    if not isinstance(data, dict):
        raise UserError(f"{what} {path} is not a JSON object; re-download it")
    return data


def parse_safetensors_header(path: Path) -> dict[str, TensorRef]:
    """Read one .safetensors header and check that every tensor's bytes are in the file."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8)
            if len(head) < 8:
                raise UserError(f"{path} is truncated (no safetensors header); re-download it")
            n = int.from_bytes(head, "little")
            if n <= 0 or 8 + n > size:
                raise UserError(f"{path} is truncated or not a safetensors file; re-download it")
            raw = fh.read(n)
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UserError(f"{path} has a damaged safetensors header; re-download it") from exc
    data_start = 8 + n
    tensors: dict[str, TensorRef] = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype = meta["dtype"]
            shape = tuple(int(d) for d in meta["shape"])
            begin, end = (int(x) for x in meta["data_offsets"])
        except (KeyError, TypeError, ValueError) as exc:
            raise UserError(f"{path}: bad header entry for tensor {name!r}; re-download it") from exc
        if dtype not in _DTYPES:
            raise UserError(
                f"{path}: tensor {name!r} has dtype {dtype}; only F32, F16, BF16 and F64 "
                "checkpoints can be converted"
            )
        ref = TensorRef(name, dtype, shape, path, data_start + begin, end - begin)
        if ref.nbytes != ref.n_elements * _DTYPES[dtype][1]:
            raise UserError(f"{path}: tensor {name!r} size does not match its shape; re-download it")
        if ref.offset + ref.nbytes > size:
            raise UserError(
                f"{path} is truncated: tensor {name!r} ends at byte {ref.offset + ref.nbytes} "
                f"but the file has {size}; re-download it"
            )
        tensors[name] = ref
    return tensors


def read_header(path: Path) -> dict[str, TensorRef]:
    """The tensors of one weights file: safetensors, or a PyTorch .bin read without pickled code."""
    if path.suffix == ".bin":
        from .torch_pickle import read_torch_zip

        return read_torch_zip(path)
    return parse_safetensors_header(path)


class TensorStore:
    """All tensors of one or more safetensors files, read block by block."""

    def __init__(self, files: list[Path]) -> None:
        self.tensors: dict[str, TensorRef] = {}
        for file in files:
            for name, ref in read_header(file).items():
                if name in self.tensors:
                    raise UserError(f"tensor {name!r} appears in two shards ({file}); re-download the checkpoint")
                self.tensors[name] = ref
        self._maps: dict[Path, mmap.mmap] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.tensors

    def names(self) -> list[str]:
        return list(self.tensors)

    def ref(self, name: str) -> TensorRef:
        try:
            return self.tensors[name]
        except KeyError:
            raise UserError(f"the checkpoint has no tensor {name!r}; is it complete?") from None

    def _map(self, file: Path) -> mmap.mmap:
        mm = self._maps.get(file)
        if mm is None:
            with open(file, "rb") as fh:
                mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            self._maps[file] = mm
        return mm

    def rows(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Rows [start, stop) of a tensor (the first axis) as a new float32 array."""
        ref = self.ref(name)
        np_dtype, width = _DTYPES[ref.dtype]
        rows_total = ref.shape[0] if ref.shape else 1
        stop = rows_total if stop is None else stop
        row_elems = ref.n_elements // rows_total if rows_total else 0
        first = ref.offset + start * row_elems * width
        count = (stop - start) * row_elems
        mm = self._map(ref.file)
        raw = np.frombuffer(mm, dtype=np_dtype, count=count, offset=first)
        if ref.dtype == "BF16":
            out = raw.astype(np.uint32)
            out <<= 16
            out = out.view(np.float32)
        else:
            out = raw.astype(np.float32)
        del raw
        self._drop(mm, first, count * width)
        shape = ((stop - start), *ref.shape[1:]) if ref.shape else ()
        return out.reshape(shape)

    def take_rows(self, name: str, index: np.ndarray) -> np.ndarray:
        """Rows picked by `index` (any order)."""
        index = np.asarray(index, dtype=np.int64)
        if index.size == 0:
            ref = self.ref(name)
            return np.zeros((0, *ref.shape[1:]), dtype=np.float32)
        low, high = int(index.min()), int(index.max()) + 1
        if high - low <= 2 * index.size:  # a reordering within a compact span: read it once
            block = self.rows(name, low, high)
            return block if np.array_equal(index, np.arange(low, high)) else block[index - low]
        breaks = np.flatnonzero(np.diff(index) != 1) + 1
        parts = [self.rows(name, int(run[0]), int(run[-1]) + 1) for run in np.split(index, breaks)]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    @staticmethod
    def _drop(mm: mmap.mmap, offset: int, length: int) -> None:
        if not hasattr(mm, "madvise") or length <= 0:
            return
        begin = offset - offset % _PAGE
        end = min(offset + length, len(mm))
        with contextlib.suppress(OSError, ValueError):
            mm.madvise(mmap.MADV_DONTNEED, begin, end - begin)

    def close(self) -> None:
        for mm in self._maps.values():
            with contextlib.suppress(BufferError):
                mm.close()
        self._maps.clear()


class Checkpoint:
    """A local checkpoint directory: config.json, weights (single or sharded), tokenizer files."""

    def __init__(self, root: Path) -> None:
        root = Path(root)
        if not root.exists():
            raise UserError(f"{root} does not exist; give the path of a checkpoint directory")
        if not root.is_dir():
            raise UserError(f"{root} is not a directory; give the checkpoint directory that holds config.json")
        if not os.access(root, os.R_OK | os.X_OK):
            raise UserError(f"{root} is not readable; check its permissions")
        self.root = root
        config_path = root / "config.json"
        if not config_path.exists():
            raise UserError(f"{root} has no config.json; is it a Hugging Face checkpoint directory?")
        self.config = read_json(config_path, "config")
        self.files = self._weight_files()
        self.store = TensorStore(self.files)

    def _weight_files(self) -> list[Path]:
        files = self._listed("model.safetensors.index.json")
        if files:
            return files
        files = sorted(self.root.glob("*.safetensors"))
        if files:
            return files
        # PyTorch shards, read with a loader that never runs pickled code (torch_pickle.py)
        files = self._listed("pytorch_model.bin.index.json") or sorted(self.root.glob("pytorch_model*.bin"))
        if files:
            return files
        if any(self.root.glob("*.bin")) or any(self.root.glob("*.pt")):
            raise UserError(
                f"{self.root} has no model weights this program reads (*.safetensors, pytorch_model*.bin); "
                "save the model with model.save_pretrained(dir)"
            )
        raise UserError(f"{self.root} has no *.safetensors weights")

    def _listed(self, index_name: str) -> list[Path]:
        """The shards a *.index.json names, in order (empty when there is no index)."""
        index = self.root / index_name
        if index.exists():
            weight_map = read_json(index, "shard index").get("weight_map")
            if not isinstance(weight_map, dict) or not weight_map:
                raise UserError(f"{index} has no weight_map; re-download the checkpoint")
            files = []
            for name in dict.fromkeys(weight_map.values()):
                path = self.root / str(name)
                if not path.exists():
                    raise UserError(f"shard {name} listed in {index.name} is missing; re-download it")
                files.append(path)
            return files
        return []

    def file(self, name: str) -> Path | None:
        path = self.root / name
        return path if path.exists() else None

    def json_file(self, name: str) -> dict | None:
        path = self.file(name)
        return read_json(path, name) if path else None

    @property
    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.files)

    def close(self) -> None:
        self.store.close()
