"""`soulchat convert` of a ChatGLM-6B checkpoint: one chatglm.cpp model file per type asked
for, straight from the checkpoint's floats (no F16 intermediate), then the local registry.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from soulchat_local.errors import UserError
from soulchat_local.progress import Progress

from .archs.chatglm6b import ChatGLM6B
from .chatglm_writer import TYPES, write_chatglm
from .checkpoint import Checkpoint
from .quantize import parse_type_list

# bytes per weight of each type, to check free space first
_BYTES_PER_WEIGHT = {
    "f32": 4.0,
    "f16": 2.0,
    "q8_0": 1.07,
    "q5_1": 0.75,
    "q5_0": 0.69,
    "q4_1": 0.63,
    "q4_0": 0.57,
}
ARCHITECTURE = "chatglm"
PROMPT_FORMAT = "soulchat-v1"


def output_name(name: str, qtype: str) -> str:
    return f"{name}-{qtype.upper()}.ggml"


def _chatglm_type(item: str) -> str:
    key = item.strip().lower().replace("-", "_")
    if key not in TYPES:
        raise UserError(
            f"ChatGLM-6B models run in chatglm.cpp, whose files can be {', '.join(TYPES)}; not {item!r}"
        )
    return key


def parse_types(spec: str | list[str] | None) -> list[str]:
    return parse_type_list(spec, "q4_0", _chatglm_type, "q4_0 or f16,q8_0")


def convert_glm_v1(
    ckpt: Checkpoint,
    out_dir: Path,
    quants: list[str] | str | None,
    *,
    name: str,
    register: bool,
    force: bool,
    progress: bool | None,
    lora: Path | None = None,
) -> list[Path]:
    if lora is not None:
        raise UserError(
            "--lora cannot be merged into a ChatGLM-6B model here; merge it with PEFT first"
        )
    types = parse_types(quants)
    arch = ChatGLM6B(ckpt)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"--out {out_dir} is a file; give a directory")
    outputs = {t: out_dir / output_name(name, t) for t in types}
    clashes = [p for p in outputs.values() if p.exists()]
    if clashes and not force:
        raise UserError(f"{clashes[0]} already exists; pass --force to overwrite")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {out_dir}: {exc.strerror or exc}") from exc
    n_weights = sum(t.n_elements for t in arch.tensors)
    need = sum(_BYTES_PER_WEIGHT[t] for t in types) * n_weights
    free = shutil.disk_usage(out_dir).free
    if free < need * 1.05:
        raise UserError(
            f"not enough disk space in {out_dir}: the outputs need about {need / 2**30:.1f} GB, "
            f"{free / 2**30:.1f} GB is free"
        )
    for qtype, path in outputs.items():
        bar = Progress(n_weights * 4, f"{qtype.upper():>6}", enabled=progress)
        write_chatglm(path, arch, qtype, on_bytes=bar.update)
        bar.close()
    result = [outputs[t] for t in types]
    if register:
        _register(result, types, name, ckpt.root)
    return result


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def _register(paths: list[Path], types: list[str], name: str, src: Path) -> None:
    from soulchat_local.paths import get_paths
    from soulchat_local.registry import InstalledModel, Registry

    registry = Registry(get_paths())
    for path, qtype in zip(paths, types, strict=True):
        registry.add(
            InstalledModel(
                name=f"{name}:{qtype}",
                path=str(path.resolve()),
                size=path.stat().st_size,
                sha256=sha256(path),
                architecture=ARCHITECTURE,
                prompt_format=PROMPT_FORMAT,
                system_prompt="none",
                source={
                    "type": "convert",
                    "checkpoint": str(src.resolve()),
                    "lora": None,
                    "quant": qtype,
                },
                owned=False,
            )
        )
