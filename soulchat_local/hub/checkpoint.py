"""Catalogue entries published as safetensors checkpoints: download, convert, register.

The SoulChat2.0 models exist only as full fine-tuned checkpoints on ModelScope. `pull`
downloads the files the converter reads (resumable and hash-checked like any pull; a file
the listing gives no hash for is refused, never installed unchecked),
converts them to GGUF with soulchat_local.convert, registers the result and deletes the
checkpoint (unless --keep-checkpoint).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from ..catalogue import CatalogueEntry
from ..errors import UserError
from ..paths import Paths
from ..progress import human_bytes
from ..registry import InstalledModel, Registry
from . import modelscope, remote, space
from .download import download, part_path
from .quants import RemoteFile

DEFAULT_CHECKPOINT_QUANT = "q4_k_m"
# What the converter reads. Weights as safetensors; PyTorch .bin shards only from a repository
# that has no safetensors (SoulChat v1), read by a loader that never runs pickled code.
_WANTED_NAMES = {
    "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
    "tokenizer.model", "ice_text.model", "special_tokens_map.json", "added_tokens.json",
    "vocab.json", "merges.txt", "model.safetensors.index.json",
}
_WANTED_SUFFIXES = (".safetensors", ".tiktoken")
_BIN_INDEX = "pytorch_model.bin.index.json"
# Converting needs room for the f16 intermediate (about the checkpoint's size for a
# bf16 checkpoint) and the quantized output beside the checkpoint itself.
_CONVERT_FACTOR = 1.35


def checkpoint_files(files: list[RemoteFile]) -> list[RemoteFile]:
    top = [f for f in files if "/" not in f.path]
    wanted = [f for f in top if f.path in _WANTED_NAMES or f.path.endswith(_WANTED_SUFFIXES)]
    if any(f.path.endswith(".safetensors") for f in wanted):
        return wanted
    return wanted + [f for f in top if f.path == _BIN_INDEX
                     or (f.path.startswith("pytorch_model") and f.path.endswith(".bin"))]


def _has_weights(files: list[RemoteFile]) -> bool:
    return any(f.path.endswith((".safetensors", ".bin")) for f in files)


def pull_checkpoint(entry: CatalogueEntry, quant: str | None, paths: Paths, *, name: str | None,
                    show_progress: bool | None, log, keep: bool):
    from soulchat_local.convert import convert_checkpoint

    from .pull import PullResult, _check_name, _folder, _installed

    src = entry.source
    quant = (quant or src.get("quant") or DEFAULT_CHECKPOINT_QUANT).lower()
    if entry.architecture == "chatglm":  # refuse a type chatglm.cpp cannot run before downloading
        from soulchat_local.convert.chatglm_convert import parse_types

        parse_types(quant)
    model_name = _check_name(name or f"{entry.name}:{quant}")
    registry = Registry(paths)
    present = _installed(registry, model_name, None)
    if present is not None:
        return PullResult(present.name, "present", present, reason="already installed")
    if remote.offline():
        raise UserError(remote.offline_message(entry.name))

    hub, repo = src.get("hub", "modelscope"), src["repo"]
    if hub == "modelscope":
        listing = modelscope.list_repo(repo, src.get("revision") or "master")
        url_for = modelscope.file_url
    elif hub == "huggingface":
        listing = remote.list_repo(repo, src.get("revision"))
        url_for = remote.file_url
    else:
        raise UserError(f"catalogue entry {entry.name!r} names an unknown hub {hub!r}")
    files = checkpoint_files(listing.files)
    if not _has_weights(files):
        raise UserError(f"{repo} on {hub} has no safetensors (or pytorch_model*.bin) weights to convert")
    missing = modelscope.unverifiable(files)
    if missing:
        raise UserError(
            f"{hub} lists no sha256 for {', '.join(missing[:4])}{' ...' if len(missing) > 4 else ''} "
            f"of {repo}, so the download could not be verified and nothing was fetched; "
            "try again later, or download and check the checkpoint yourself and `soulchat convert` it"
        )

    part_dir = paths.models_dir / ".downloads"
    size = sum(f.size for f in files)
    have = sum(min(part_path(part_dir, f).stat().st_size, f.size)
               for f in files if part_path(part_dir, f).exists())
    ckpt_dir = paths.models_dir / ".checkpoints" / _folder(repo)
    done = sum(f.size for f in files if (ckpt_dir / f.path).is_file()
               and (ckpt_dir / f.path).stat().st_size == f.size)
    need = size - have - done + int(size * _CONVERT_FACTOR)
    margin = space.margin_for(size)
    paths.ensure()
    free = space.free_bytes(paths.models_dir)
    if free < need + margin:
        raise UserError(
            f"not enough disk space in {paths.models_dir}: downloading and converting {entry.name} "
            f"needs about {human_bytes(need)} plus {human_bytes(margin)} to spare, "
            f"{human_bytes(free)} is free; free some space (`soulchat rm MODEL`)"
        )
    if entry.license:
        log(f"{entry.name} is published under: {entry.license}")
    log(f"pulling {entry.name} from {hub} ({repo}): {len(files)} checkpoint files, "
        f"{human_bytes(size)}, then converting to {quant.upper()}")
    headers = remote.auth_headers() if hub == "huggingface" else {"User-Agent": "soulchat-local"}
    record = []
    for index, file in enumerate(files, 1):
        dest = ckpt_dir / file.path
        digest = _verified(dest, file) if dest.is_file() and dest.stat().st_size == file.size else None
        if digest is not None:  # kept from an earlier pull (--keep-checkpoint) and still intact
            record.append({"file": file.path, "size": file.size, "sha256": digest})
            continue
        with remote.hub_errors(repo):
            got = download(url_for(repo, listing.ref or listing.revision, file.path), file,
                           part_dir=part_dir,
                           headers=headers, label=f"[{index}/{len(files)}] {file.path}",
                           show_progress=show_progress)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(got.path, dest)
        record.append({"file": file.path, "size": file.size, "sha256": got.sha256})

    out_dir = paths.models_dir / _folder(repo)
    # No quality report here: it would evaluate an extra F16 copy of a 7B model; model
    # publishers get it from `soulchat convert`.
    outputs = convert_checkpoint(
        ckpt_dir, out_dir, [quant], name=entry.name, register=False, force=True,
        quality_report=False, source_url=f"{_endpoint(hub)}/{repo}",
    )
    out = Path(outputs[0])
    digest = _sha256(out)
    model = InstalledModel(
        name=model_name, path=str(out), size=out.stat().st_size, sha256=digest,
        architecture=_architecture(out), prompt_format=entry.prompt_format,
        system_prompt=entry.system_prompt, sampling=dict(entry.extra.get("sampling") or {}),
        source={"type": "checkpoint", "hub": hub, "endpoint": _endpoint(hub), "repo": repo,
                "revision": listing.revision, "ref": listing.ref or listing.revision,
                "files": record, "quant": quant,
                "file": out.name, "sha256": digest, "size": out.stat().st_size,
                "catalogue": entry.name, "license": entry.license},
        owned=True,
    )
    registry.add(model)
    if not keep:
        shutil.rmtree(ckpt_dir, ignore_errors=True)
    return PullResult(model_name, "pulled", model, reason=f"converted to {quant.upper()}")


def _architecture(path: Path) -> str:
    """The converted file's architecture, read back from its header."""
    from ..chatglm_file import check_chatglm, file_format
    from ..gguf_check import check_gguf

    if file_format(path) == "chatglm":
        check_chatglm(path)
        return "chatglm"
    return check_gguf(path).architecture


def _endpoint(hub: str) -> str:
    return modelscope.endpoint() if hub == "modelscope" else remote.endpoint()


def _verified(path: Path, file: RemoteFile) -> str | None:
    """The sha256 of a file already on disk when it matches the listing's hash, else None.
    A file the listing gives no hash for is never taken as it is."""
    digest = _sha256(path)
    if file.sha256:
        return digest if digest == file.sha256.lower() else None
    if file.blob_id:
        blob = hashlib.sha1(f"blob {file.size}\0".encode())  # noqa: S324 - git's object id
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 22), b""):
                blob.update(chunk)
        return digest if blob.hexdigest() == file.blob_id.lower() else None
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()
