"""Write chatglm.cpp's model file for a ChatGLM-6B checkpoint (layout: soulchat_local.chatglm_file).

2-D weights are stored in the file's type (F32, F16 or a ggml block quantization, made
by gguf-py's numpy quantizers, bit for bit ggml's), 1-D ones (norms, biases) as F32, as
chatglm.cpp's loader expects. Tensors stream block by block from the checkpoint, and the
file is written under a hidden name and renamed only when complete.
"""

from __future__ import annotations

import errno
import os
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np

from soulchat_local.chatglm_file import (
    ALIGN,
    CONFIG_FIELDS,
    CONFIG_STRUCT,
    CONFIG_VERSION,
    MAGIC,
    MODEL_CHATGLM,
    TYPE_IDS,
)
from soulchat_local.errors import UserError

from .archs.chatglm6b import ChatGLM6B, Tensor
from .checkpoint import TensorStore

TYPES = ("f32", "f16", "q8_0", "q5_1", "q5_0", "q4_1", "q4_0")
ROWS_ELEMENTS = 4 * 1024 * 1024  # float32 elements converted at a time: 16 MB


def header(arch: ChatGLM6B, qtype: str) -> bytes:
    hp = arch.hp
    values = {
        **hp,
        "dtype": TYPE_IDS[qtype.upper()],
        "num_key_value_heads": hp["num_attention_heads"],
        "num_virtual_tokens": 0,
        "rope_theta": 10000.0,
    }
    config = CONFIG_STRUCT.pack(*(values[f] for f in CONFIG_FIELDS))
    head = MAGIC + struct.pack("<ii", MODEL_CHATGLM, CONFIG_VERSION) + config
    return head + struct.pack("<i", len(arch.proto)) + arch.proto


def encode_rows(block: np.ndarray, qtype: str) -> bytes:
    """Rows of float32 weights in a ggml type's storage."""
    if qtype == "f32":
        return np.ascontiguousarray(block, dtype="<f4").tobytes()
    if qtype == "f16":
        return np.ascontiguousarray(block, dtype="<f2").tobytes()
    import gguf

    return gguf.quants.quantize(block, gguf.GGMLQuantizationType[qtype.upper()]).tobytes()


def write_chatglm(
    path: Path, arch: ChatGLM6B, qtype: str, on_bytes: Callable[[int], None] | None = None
) -> Path:
    if qtype not in TYPES:
        raise UserError(f"chatglm.cpp files can be {', '.join(TYPES)}; not {qtype}")
    tmp = path.with_name(f".{path.name}.partial")
    try:
        with open(tmp, "wb") as fh:
            fh.write(header(arch, qtype))
            for tensor in arch.tensors:
                _write_tensor(
                    fh,
                    arch.ckpt.store,
                    tensor,
                    qtype if len(tensor.shape) == 2 else "f32",
                    on_bytes,
                )
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise UserError(f"no space left on the device while writing {path}") from exc
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _write_tensor(
    fh,
    store: TensorStore,
    tensor: Tensor,
    qtype: str,
    on_bytes: Callable[[int], None] | None,
) -> None:
    name = tensor.name.encode()
    dims = tensor.shape
    fh.write(struct.pack("<i", len(name)) + name)
    fh.write(struct.pack(f"<i{len(dims)}ii", len(dims), *dims, TYPE_IDS[qtype.upper()]))
    fh.write(b"\0" * (-fh.tell() % ALIGN))
    rows = dims[0]
    per_row = tensor.n_elements // rows
    step = max(1, ROWS_ELEMENTS // per_row)
    for start in range(0, rows, step):
        block = store.rows(tensor.name, start, min(rows, start + step))
        fh.write(encode_rows(block, qtype))
        if on_bytes is not None:
            on_bytes(block.size * 4)
