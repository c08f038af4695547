"""Stream an architecture's tensor plan into one GGUF file (F32, F16 or BF16).

The header, metadata and tensor table are written first (GGUFWriter), then each
tensor's data is produced and written block by block, so at most one block of rows
(~16 MB of float32) is in memory besides the pages being read. The file is written
under a hidden temporary name and renamed only when complete.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import gguf
import numpy as np

from soulchat_local.errors import UserError

from .archs.base import Architecture, TensorJob
from .checkpoint import TensorStore
from .lora import LoraAdapter
from .vocab import Vocab

BLOCK_ELEMENTS = 4 * 1024 * 1024  # float32 elements per block: 16 MB

FLOAT_TYPES = {
    "f32": (gguf.GGMLQuantizationType.F32, gguf.LlamaFileType.ALL_F32),
    "f16": (gguf.GGMLQuantizationType.F16, gguf.LlamaFileType.MOSTLY_F16),
    "bf16": (gguf.GGMLQuantizationType.BF16, gguf.LlamaFileType.MOSTLY_BF16),
}


# GGML type -> (numpy storage dtype, raw_dtype for GGUFWriter: BF16 has no numpy dtype)
_STORAGE = {
    gguf.GGMLQuantizationType.F32: (np.float32, None),
    gguf.GGMLQuantizationType.F16: (np.float16, None),
    gguf.GGMLQuantizationType.BF16: (np.uint16, gguf.GGMLQuantizationType.BF16),
}


def temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


def _to_bf16(block: np.ndarray) -> np.ndarray:
    """float32 -> bfloat16 bits, rounding to nearest even (NaN kept quiet)."""
    bits = block.astype(np.float32).view(np.uint32)
    rounded = ((bits + (0x7FFF + ((bits >> 16) & 1))) >> 16).astype(np.uint16)
    nan = np.isnan(block)
    if nan.any():
        rounded[nan] = 0x7FC0
    return rounded


def tensor_type(job: TensorJob, out: str) -> gguf.GGMLQuantizationType:
    if job.keep_f32 or len(job.shape) < 2:
        return gguf.GGMLQuantizationType.F32
    return FLOAT_TYPES[out][0]


def _encode(block: np.ndarray, kind: gguf.GGMLQuantizationType) -> np.ndarray:
    if kind == gguf.GGMLQuantizationType.F32:
        return block.astype(np.float32, copy=False)
    if kind == gguf.GGMLQuantizationType.F16:
        return block.astype(np.float16)
    return _to_bf16(block)


def _blocks(job: TensorJob, store: TensorStore, lora: LoraAdapter | None):
    """Yield the job's output rows as float32 blocks."""
    if job.data is not None:
        yield job.data.astype(np.float32)
        return
    assert job.source is not None
    rows_total = job.shape[0]
    index = job.index if job.index is not None else np.arange(rows_total)
    per_row = max(1, job.n_elements // max(rows_total, 1))
    step = max(1, BLOCK_ELEMENTS // per_row)
    for start in range(0, rows_total, step):
        rows = index[start:start + step]
        if lora is not None and lora.touches(job.source):
            block = lora.read(job.source, rows, store)
        else:
            block = store.take_rows(job.source, rows)
        if job.row_fn is not None:
            block = job.row_fn(block)
        yield block


def write_gguf(
    path: Path,
    out: str,
    arch: Architecture,
    jobs: list[TensorJob],
    vocab: Vocab,
    *,
    lora: LoraAdapter | None = None,
    metadata: Callable[[gguf.GGUFWriter], None] | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> Path:
    tmp = temp_path(path)
    writer = gguf.GGUFWriter(tmp, arch.arch_name)
    try:
        arch.write_hparams(writer)
        writer.add_file_type(int(FLOAT_TYPES[out][1]))
        if metadata is not None:
            metadata(writer)
        vocab.write(writer)
        kinds = [tensor_type(job, out) for job in jobs]
        for job, kind in zip(jobs, kinds, strict=True):
            np_dtype, raw = _STORAGE[kind]
            writer.add_tensor_info(job.name, job.shape, np.dtype(np_dtype), job.n_elements * np.dtype(np_dtype).itemsize,
                                   raw_dtype=raw)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        assert writer.fout is not None
        fout = writer.fout[0]
        for job, kind in zip(jobs, kinds, strict=True):
            writer.write_padding(fout, fout.tell())
            written = 0
            for block in _blocks(job, arch.store, lora):
                data = _encode(block, kind)
                data.tofile(fout)
                written += data.nbytes
                if on_bytes is not None:
                    on_bytes(data.nbytes)
            expected = job.n_elements * np.dtype(_STORAGE[kind][0]).itemsize
            if written != expected:
                raise RuntimeError(f"tensor {job.name}: wrote {written} bytes, expected {expected}")
            writer.write_padding(fout, written)
        fout.flush()
        os.fsync(fout.fileno())
        writer.close()
        os.replace(tmp, path)
    except OSError as exc:
        _discard(writer, tmp)
        if exc.errno == errno.ENOSPC:
            raise UserError(f"no space left on the device while writing {path}; free some space and retry") from exc
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        _discard(writer, tmp)
        raise
    return path


def _discard(writer: gguf.GGUFWriter, tmp: Path) -> None:
    try:
        if writer.fout is not None:
            for f in writer.fout:
                f.close()
    except OSError:
        pass
    tmp.unlink(missing_ok=True)
