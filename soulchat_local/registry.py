"""The local registry of installed models (registry.json in the data directory)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from .errors import UserError
from .paths import Paths, write_private_text


@dataclass
class InstalledModel:
    name: str
    path: str
    size: int = 0
    sha256: str = ""
    architecture: str = ""
    prompt_format: str = "gguf"
    system_prompt: str = "counsellor"
    source: dict[str, Any] = field(default_factory=dict)
    added: str = ""
    # True when the file lives in our models directory (rm deletes it); False for
    # files imported in place, which rm only forgets.
    owned: bool = False
    # Further files of a split model (-00002-of-0000N.gguf ...), deleted with it when owned.
    extra_files: list[str] = field(default_factory=list)
    # The model card's sampling defaults (temperature, top_p) where the catalogue has them.
    sampling: dict[str, float] = field(default_factory=dict)


class Registry:
    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self.file = paths.registry_file

    def load(self) -> dict[str, InstalledModel]:
        if not self.file.exists():
            return {}
        try:
            raw = json.loads(self.file.read_text(encoding="utf-8"))
            return {name: InstalledModel(**item) for name, item in raw["models"].items()}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UserError(
                f"the model registry {self.file} is damaged ({exc}); "
                "move it away and re-import your models"
            ) from exc

    def get(self, name: str) -> InstalledModel | None:
        return self.load().get(name)

    def add(self, model: InstalledModel) -> None:
        models = self.load()
        if not model.added:
            model.added = datetime.now(timezone.utc).isoformat(timespec="seconds")
        models[model.name] = model
        self._save(models)

    def remove(self, name: str) -> InstalledModel:
        models = self.load()
        if name not in models:
            raise UserError(f"no installed model named {name!r}; see `soulchat models`")
        removed = models.pop(name)
        self._save(models)
        return removed

    def _save(self, models: dict[str, InstalledModel]) -> None:
        self.paths.ensure()
        payload = {"models": {name: asdict(m) for name, m in sorted(models.items())}}
        write_private_text(self.file, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
