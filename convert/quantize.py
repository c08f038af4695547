"""Quantization with llama.cpp's own C quantizer (llama_model_quantize via llama-cpp-python)."""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable
from pathlib import Path

from soulchat_local.errors import UserError
from soulchat_local.gguf_check import check_gguf

from .native_log import capture_stderr

# Types whose llama.cpp quantizer refuses to run without an importance matrix
# (tensor_requires_imatrix in llama.cpp src/llama-quant.cpp); we do not compute one.
NEEDS_IMATRIX = {"iq1_s", "iq1_m", "iq2_xxs", "iq2_xs", "iq2_s", "iq2_m", "iq3_xxs", "iq3_xs", "q2_k_s"}
# llama-cpp-python lists LLAMA_FTYPE_MOSTLY_NVFP4, but its llama_model_quantize answers
# "invalid output file type 39": the quantizer does not offer it. Q2_0 files use a
# tensor type (42) the gguf package (0.19) cannot describe, so soulchat's own GGUF
# pre-check could not open them.
NOT_OFFERED = {"nvfp4", "q2_0"}


def available_types() -> dict[str, int]:
    """Every llama_ftype llama-cpp-python exposes, by lower-case name (q4_k_m -> 15)."""
    import llama_cpp

    types = {"f32": llama_cpp.LLAMA_FTYPE_ALL_F32}
    for attr in dir(llama_cpp):
        if attr.startswith("LLAMA_FTYPE_MOSTLY_") and attr[19:].lower() not in NOT_OFFERED:
            types[attr[len("LLAMA_FTYPE_MOSTLY_"):].lower()] = getattr(llama_cpp, attr)
    return types


def normalise_type(name: str) -> str:
    key = name.strip().lower().replace("-", "_")
    types = available_types()
    if key not in types:
        usable = ", ".join(sorted(t for t in types if t not in NEEDS_IMATRIX))
        raise UserError(f"unknown quantization type {name!r}; choose from: {usable}")
    if key in NEEDS_IMATRIX:
        raise UserError(
            f"{key} needs an importance matrix, which this converter does not compute; "
            "choose a K-quant such as q4_k_m or q3_k_m instead"
        )
    return key


def parse_type_list(
    spec: str | list[str] | None, default: str, type_of: Callable[[str], str], example: str
) -> list[str]:
    """A --quant value ("f16,q4_k_m" or a list) as type names, each once, in the order given;
    type_of names one item or raises UserError."""
    items = spec.split(",") if isinstance(spec, str) else list(spec or [default])
    out: list[str] = []
    for item in items:
        if not item.strip():
            continue
        key = type_of(item)
        if key not in out:
            out.append(key)
    if not out:
        raise UserError(f"--quant is empty; give e.g. {example}")
    return out


def quantize_gguf(src: Path, dst: Path, qtype: str, *, force: bool = False, threads: int = 0) -> Path:
    """Quantize GGUF `src` into `dst`; written to a temporary name, renamed when complete."""
    src, dst = Path(src), Path(dst)
    key = normalise_type(qtype)
    if not src.is_file():
        raise UserError(f"{src} does not exist; give the path of a .gguf file")
    check_gguf(src)
    if dst.exists() and not force:
        raise UserError(f"{dst} already exists; pass --force to overwrite it")
    if dst.resolve() == src.resolve():
        raise UserError("the output must be a different file from the input")
    if not dst.parent.is_dir():
        raise UserError(f"the folder {dst.parent} does not exist")
    import llama_cpp

    tmp = dst.with_name(f".{dst.name}.partial")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = available_types()[key]
    params.nthread = threads or (os.cpu_count() or 1)
    try:
        with capture_stderr() as log:
            rc = llama_cpp.llama_model_quantize(str(src).encode(), str(tmp).encode(), ctypes.byref(params))
        if rc != 0 or not tmp.exists():
            raise UserError(
                f"llama.cpp could not quantize {src.name} to {key}: {log.last_error() or 'no reason given'}"
            )
        check_gguf(tmp)  # the program must be able to open what it wrote
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)
    return dst
