"""What the user asked `soulchat pull` for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import UserError

_HF_PREFIXES = ("hf.co/", "huggingface.co/", "https://huggingface.co/", "http://huggingface.co/")
_REPO_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class PullSpec:
    """`kind` is "catalogue" (name), "repo" (hf.co/OWNER/REPO) or "file" (hf.co/OWNER/REPO/FILE.gguf)."""

    kind: str
    text: str
    name: str = ""
    repo: str = ""
    file: str = ""
    quant: str | None = None


def parse_spec(text: str) -> PullSpec:
    text = text.strip()
    if not text:
        raise UserError("nothing to pull: give a catalogue name (see `soulchat models`) or hf.co/OWNER/REPO")
    lowered = text.lower()
    for prefix in _HF_PREFIXES:
        if lowered.startswith(prefix):
            return _parse_hf(text, text[len(prefix):])
    if "/" in text:
        raise UserError(
            f"{text!r} is not a catalogue name; for a Hugging Face repository write hf.co/{text}"
        )
    name, _, quant = text.partition(":")
    if not name or (":" in text and not quant):
        raise UserError(f"{text!r} is not NAME or NAME:QUANT")
    return PullSpec("catalogue", text, name=name.lower(), quant=quant or None)


def _parse_hf(text: str, rest: str) -> PullSpec:
    rest = rest.strip("/")
    parts = rest.split("/")
    if len(parts) >= 3 and parts[-1].lower().endswith(".gguf"):
        owner, repo, file = parts[0], parts[1], "/".join(parts[2:])
        _check_repo(text, owner, repo)
        return PullSpec("file", text, repo=f"{owner}/{repo}", file=file)
    if len(parts) != 2:
        raise UserError(
            f"{text!r} is not hf.co/OWNER/REPO[:QUANT] or hf.co/OWNER/REPO/FILE.gguf"
        )
    owner, repo_quant = parts
    repo, _, quant = repo_quant.partition(":")
    if ":" in repo_quant and not quant:
        raise UserError(f"{text!r}: the quant after ':' is empty (e.g. :Q4_K_M)")
    _check_repo(text, owner, repo)
    return PullSpec("repo", text, repo=f"{owner}/{repo}", quant=quant or None)


def _check_repo(text: str, owner: str, repo: str) -> None:
    if not (_REPO_PART.match(owner) and _REPO_PART.match(repo)):
        raise UserError(f"{text!r}: {owner}/{repo} is not a valid repository id")
