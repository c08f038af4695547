"""`convert_checkpoint`: checkpoint (+ LoRA) -> F16/BF16/F32 GGUF -> quantized files -> quality
report -> local registry. `soulchat convert`, `python -m soulchat_local.convert` and
`soulchat pull` of a checkpoint entry all call this.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
from pathlib import Path

from soulchat_local.errors import UserError
from soulchat_local.progress import Progress

from . import archs, quality
from .archs.chatglm6b import is_glm_v1
from .checkpoint import Checkpoint
from .lora import LoraAdapter
from .quantize import normalise_type, parse_type_list, quantize_gguf
from .vocab import load_vocab
from .writer import FLOAT_TYPES, write_gguf

# Bytes per weight, to check free disk space before starting (K-quants include scales).
_BYTES_PER_WEIGHT = {"f32": 4.0, "f16": 2.0, "bf16": 2.0, "q8_0": 1.07, "q6_k": 0.83, "q5_k_m": 0.72,
                     "q5_k_s": 0.69, "q5_0": 0.69, "q5_1": 0.75, "q4_k_m": 0.62, "q4_k_s": 0.57,
                     "q4_0": 0.57, "q4_1": 0.63}


def output_name(name: str, qtype: str) -> str:
    return f"{name}-{qtype.upper()}.gguf"


def _gguf_type(item: str) -> str:
    key = item.strip().lower()
    return key if key in FLOAT_TYPES else normalise_type(key)


def parse_quants(spec: str | list[str] | None) -> list[str]:
    return parse_type_list(spec, "f16", _gguf_type, "f16,q8_0,q4_k_m")


def default_name(src: Path) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", src.resolve().name).strip("-.")
    return name or "model"


def _check_name(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise UserError(f"--name {name!r} must be letters, digits, '.', '_' or '-' (no spaces or slashes)")
    return name


def _check_space(out_dir: Path, n_weights: int, types: list[str]) -> None:
    need = sum(_BYTES_PER_WEIGHT.get(t, 1.1) for t in types) * n_weights
    free = shutil.disk_usage(out_dir).free
    if free < need * 1.05:
        raise UserError(
            f"not enough disk space in {out_dir}: the outputs need about {need / 2**30:.1f} GB, "
            f"{free / 2**30:.1f} GB is free"
        )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def convert_checkpoint(
    src: Path,
    out_dir: Path,
    quants: list[str] | str | None = None,
    *,
    lora: Path | None = None,
    name: str | None = None,
    register: bool = True,
    force: bool = False,
    quality_report: bool = True,
    progress: bool | None = None,
    log=None,
    source_url: str | None = None,
) -> list[Path]:
    """Convert a local HF checkpoint to one GGUF per entry of `quants`; returns their paths.

    Bad input raises UserError (one line). Files appear only when complete.
    `source_url` (where the checkpoint was published) is written as general.source.url.
    """
    log = log or (lambda msg: print(msg, file=sys.stderr))
    src, out_dir = Path(src), Path(out_dir)
    types = parse_quants(quants)
    ckpt = Checkpoint(src)
    adapter = None
    try:
        if is_glm_v1(ckpt.config):  # chatglm.cpp's format, not GGUF
            from .chatglm_convert import convert_glm_v1

            return convert_glm_v1(ckpt, out_dir, quants, name=_check_name(name) if name else default_name(src),
                                  register=register, force=force, progress=progress, lora=lora)
        arch = archs.detect(ckpt)
        jobs = arch.jobs()
        vocab = load_vocab(ckpt, arch.hp.n_vocab, arch.tokenizer_pre_hint)
        if vocab.chat_template is None and arch.default_chat_template:
            vocab.chat_template = arch.default_chat_template
        if lora is not None:
            adapter = LoraAdapter(Path(lora), ckpt.store, ckpt.config)
        name = _check_name(name) if name else default_name(src)
        if out_dir.exists() and not out_dir.is_dir():
            raise UserError(f"--out {out_dir} is a file; give a directory")
        outputs = {t: out_dir / output_name(name, t) for t in types}
        report_path = out_dir / f"{name}-quality.json"
        clashes = [p for p in outputs.values() if p.exists()]
        if clashes and not force:
            raise UserError(f"{clashes[0]} already exists; pass --force to overwrite")
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create {out_dir}: {exc.strerror or exc}") from exc

        quantized = [t for t in types if t not in FLOAT_TYPES]
        need_f16 = "f16" in types or bool(quantized) or (quality_report and len(types) > 1)
        floats = [t for t in ("f32", "f16", "bf16") if t in types or (t == "f16" and need_f16)]
        n_weights = sum(j.n_elements for j in jobs)
        _check_space(out_dir, n_weights, floats + quantized)
        paths: dict[str, Path] = {}
        scratch: list[Path] = []
        try:
            for ftype in floats:
                path = outputs.get(ftype) or out_dir / f".{name}-{ftype.upper()}.reference.gguf"
                if ftype not in outputs:
                    scratch.append(path)
                total = sum(j.n_elements * (4 if (j.keep_f32 or len(j.shape) < 2 or ftype == "f32") else 2) for j in jobs)
                bar = Progress(total, f"{ftype.upper():>6}", enabled=progress)
                write_gguf(path, ftype, arch, jobs, vocab, lora=adapter,
                           metadata=_metadata(ckpt, name, adapter, n_weights, source_url), on_bytes=bar.update)
                bar.close()
                paths[ftype] = path
            for qtype in quantized:
                base = paths.get("f32") or paths["f16"]
                log(f"quantizing to {qtype.upper()} ...")
                paths[qtype] = quantize_gguf(base, outputs[qtype], qtype, force=True)
            if quality_report and "f16" in paths and len(paths) > 1:
                log("measuring quality on the built-in dialogues ...")
                others = [(t, paths[t]) for t in types if t != "f16"]
                rows = quality.evaluate(paths["f16"], others)
                log(quality.format_table(rows))
                quality.save_report(report_path, rows, str(src))
        finally:
            for p in scratch:
                p.unlink(missing_ok=True)
        result = [outputs[t] for t in types]
        if register:
            _register(result, types, name, arch.name, src, lora)
        return result
    finally:
        if adapter is not None:
            adapter.close()
        ckpt.close()


def _metadata(ckpt: Checkpoint, name: str, adapter: LoraAdapter | None, n_weights: int,
              source_url: str | None):
    import gguf

    def add(writer: gguf.GGUFWriter) -> None:
        try:
            meta = gguf.Metadata.load(None, ckpt.root, name, n_weights)
        except Exception:  # noqa: BLE001 - a malformed model card must not stop a conversion
            meta = gguf.Metadata(name=name)
        meta.name = name
        # gguf's name heuristics read size labels such as "7B" as a fine-tune name
        meta.finetune = adapter.root.resolve().name if adapter is not None else None
        if source_url:
            meta.source_url = source_url
        meta.set_gguf_meta_model(writer)

    return add


def _register(paths: list[Path], types: list[str], name: str, arch: str, src: Path, lora: Path | None) -> None:
    from soulchat_local.paths import get_paths
    from soulchat_local.registry import InstalledModel, Registry

    registry = Registry(get_paths())
    for path, qtype in zip(paths, types, strict=True):
        registry.add(InstalledModel(
            name=f"{name}:{qtype}",
            path=str(path.resolve()),
            size=path.stat().st_size,
            sha256=_sha256(path),
            architecture=arch,
            source={"type": "convert", "checkpoint": str(src.resolve()),
                    "lora": str(Path(lora).resolve()) if lora else None, "quant": qtype},
            owned=False,
        ))
