"""chatglm.cpp's model file (ChatGLM-6B, GLM v1): its layout, and a check run before
chatglm.cpp opens one.

The layout (chatglm.cpp's loader, `Pipeline::Pipeline` and `ModelLoader::read_state_dict`):
the magic b"ggml", int32 model type (1 = ChatGLM-6B), int32 config version (2), the
ConfigRecordV2 (13 little-endian 4-byte fields, see CONFIG_FIELDS), int32 length and
the serialized SentencePiece model, then tensors to the end of the file, each as int32
name length, name, int32 ndim, the dims outermost first, int32 ggml type, padding to a
16-byte file offset and the data. chatglm.cpp trusts all of it (a short file is read past
its end), so `check_chatglm` walks every record with bounds before it is loaded.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError

MAGIC = b"ggml"
MODEL_CHATGLM = 1
CONFIG_VERSION = 2
ALIGN = 16
CONFIG_FIELDS = (
    "dtype",
    "vocab_size",
    "hidden_size",
    "num_attention_heads",
    "num_key_value_heads",
    "num_hidden_layers",
    "intermediate_size",
    "norm_eps",
    "num_virtual_tokens",
    "rope_theta",
    "max_length",
    "eos_token_id",
    "pad_token_id",
)
CONFIG_STRUCT = struct.Struct("<7ifif3i")

# ggml type id -> (name, elements per block, bytes per block); the types chatglm.cpp reads.
GGML_TYPES = {
    0: ("F32", 1, 4),
    1: ("F16", 1, 2),
    2: ("Q4_0", 32, 18),
    3: ("Q4_1", 32, 20),
    6: ("Q5_0", 32, 22),
    7: ("Q5_1", 32, 24),
    8: ("Q8_0", 32, 34),
}
TYPE_IDS = {name: tid for tid, (name, _, _) in GGML_TYPES.items()}
_MAX_TENSORS = 10_000
_MAX_NAME = 512


class ChatGLMFileError(UserError):
    pass


@dataclass
class ChatGLMInfo:
    path: Path
    config: dict[str, float | int]
    tokenizer_proto: bytes
    tensors: dict[str, tuple[tuple[int, ...], str]] = field(default_factory=dict)

    @property
    def dtype(self) -> str:
        return GGML_TYPES[int(self.config["dtype"])][0]

    @property
    def context_length(self) -> int:
        return int(self.config["max_length"])


def file_format(path: Path) -> str:
    """ "gguf", "chatglm" (chatglm.cpp's file) or "" by the first four bytes."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return ""
    if head[:4] == b"GGUF":
        return "gguf"
    if head[:4] == MAGIC and len(head) == 8 and struct.unpack("<i", head[4:])[0] == MODEL_CHATGLM:
        return "chatglm"
    return ""


def tensor_nbytes(shape: tuple[int, ...], type_id: int) -> int:
    _, block, size = GGML_TYPES[type_id]
    n = 1
    for d in shape:
        n *= d
    return n // block * size


def check_chatglm(path: Path) -> ChatGLMInfo:
    """Read and bound-check the whole file's structure; raise ChatGLMFileError if unusable."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, 2)
            if size < 12 + CONFIG_STRUCT.size:
                raise ChatGLMFileError(f"{path} is not a usable chatglm.cpp model: it is truncated")
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                return _walk(path, buf, size)
    except OSError as exc:
        raise ChatGLMFileError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _walk(path: Path, buf: mmap.mmap, size: int) -> ChatGLMInfo:
    def fail(why: str) -> ChatGLMFileError:
        return ChatGLMFileError(f"{path} is not a usable chatglm.cpp model: {why}")

    if buf[:4] != MAGIC:
        raise fail("bad magic")
    model_type, version = struct.unpack_from("<ii", buf, 4)
    if model_type != MODEL_CHATGLM:
        raise fail(f"model type {model_type} is not ChatGLM-6B (1)")
    if version != CONFIG_VERSION:
        raise fail(f"config version {version} (only {CONFIG_VERSION} is read)")
    config = dict(zip(CONFIG_FIELDS, CONFIG_STRUCT.unpack_from(buf, 12), strict=True))
    if config["dtype"] not in GGML_TYPES:
        raise fail(f"unknown weight type {config['dtype']}")
    for key in (
        "vocab_size",
        "hidden_size",
        "num_attention_heads",
        "num_hidden_layers",
        "intermediate_size",
        "max_length",
    ):
        if not 0 < int(config[key]) < 1 << 24:
            raise fail(f"{key} = {config[key]} is out of range")
    if config["hidden_size"] % config["num_attention_heads"]:
        raise fail("hidden_size is not a multiple of num_attention_heads")
    pos = 12 + CONFIG_STRUCT.size
    (proto_size,) = struct.unpack_from("<i", buf, pos)
    pos += 4
    if not 0 < proto_size <= size - pos:
        raise fail("the tokenizer is truncated")
    proto = bytes(buf[pos : pos + proto_size])
    pos += proto_size
    tensors: dict[str, tuple[tuple[int, ...], str]] = {}
    while pos < size:
        if len(tensors) >= _MAX_TENSORS or pos + 8 > size:
            raise fail(f"a tensor record at offset {pos} is truncated")
        (name_len,) = struct.unpack_from("<i", buf, pos)
        if not 0 < name_len <= _MAX_NAME or pos + 4 + name_len + 4 > size:
            raise fail(f"a tensor name at offset {pos} is damaged")
        name = bytes(buf[pos + 4 : pos + 4 + name_len]).decode("utf-8", errors="replace")
        pos += 4 + name_len
        (ndim,) = struct.unpack_from("<i", buf, pos)
        if not 0 < ndim <= 4 or pos + 4 + 4 * ndim + 4 > size:
            raise fail(f"tensor {name!r} has a damaged shape")
        shape = struct.unpack_from(f"<{ndim}i", buf, pos + 4)
        (type_id,) = struct.unpack_from("<i", buf, pos + 4 + 4 * ndim)
        pos += 4 + 4 * ndim + 4
        if type_id not in GGML_TYPES or any(d <= 0 for d in shape):
            raise fail(f"tensor {name!r} has an unknown type or a bad shape")
        if shape[-1] % GGML_TYPES[type_id][1]:
            raise fail(f"tensor {name!r}: rows are not whole quantization blocks")
        pos = (pos + ALIGN - 1) // ALIGN * ALIGN
        nbytes = tensor_nbytes(shape, type_id)
        if pos + nbytes > size:
            raise fail(f"tensor {name!r} is truncated; re-create or re-download the file")
        tensors[name] = (tuple(shape), GGML_TYPES[type_id][0])
        pos += nbytes
    _check_tensors(config, tensors, fail)
    return ChatGLMInfo(path, config, proto, tensors)


def expected_tensors(config: dict) -> dict[str, tuple[int, ...]]:
    """Every tensor chatglm.cpp's ChatGLM-6B model loads, with its shape (outermost first)."""
    h, ff, vocab = (
        int(config["hidden_size"]),
        int(config["intermediate_size"]),
        int(config["vocab_size"]),
    )
    shapes = {"transformer.word_embeddings.weight": (vocab, h)}
    for i in range(int(config["num_hidden_layers"])):
        p = f"transformer.layers.{i}."
        shapes.update(
            {
                p + "input_layernorm.weight": (h,),
                p + "input_layernorm.bias": (h,),
                p + "attention.query_key_value.weight": (3 * h, h),
                p + "attention.query_key_value.bias": (3 * h,),
                p + "attention.dense.weight": (h, h),
                p + "attention.dense.bias": (h,),
                p + "post_attention_layernorm.weight": (h,),
                p + "post_attention_layernorm.bias": (h,),
                p + "mlp.dense_h_to_4h.weight": (ff, h),
                p + "mlp.dense_h_to_4h.bias": (ff,),
                p + "mlp.dense_4h_to_h.weight": (h, ff),
                p + "mlp.dense_4h_to_h.bias": (h,),
            }
        )
    shapes["transformer.final_layernorm.weight"] = (h,)
    shapes["transformer.final_layernorm.bias"] = (h,)
    return shapes


def _check_tensors(config: dict, tensors: dict, fail) -> None:  # noqa: ANN001
    dtype = GGML_TYPES[int(config["dtype"])][0]
    for name, shape in expected_tensors(config).items():
        got = tensors.get(name)
        if got is None:
            raise fail(f"tensor {name!r} is missing")
        want_type = dtype if len(shape) == 2 else "F32"
        if got != (shape, want_type):
            raise fail(f"tensor {name!r} is {got[1]} {got[0]}, expected {want_type} {shape}")
