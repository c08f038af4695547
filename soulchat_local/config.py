"""config.toml: every key optional; defaults are those of DESIGN.md."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from pathlib import Path

from .errors import UserError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib


@dataclass
class ModelSettings:
    default: str | None = None
    n_ctx: int = 8192
    threads: int = 0  # 0 = physical cores
    gpu_layers: int = -1  # -1 = all layers when offload is supported


@dataclass
class Sampling:
    temperature: float = 0.7
    top_p: float = 0.9
    max_tokens: int = 1024


@dataclass
class Care:
    region: str | None = None  # crisis lines for this region; None: the locale's territory


@dataclass
class CacheSettings:
    prompt_state: bool = True  # keep llama.cpp's prompt state per session on disk
    max_mb: int = 2048  # least recently used states are evicted past this


@dataclass
class Config:
    model: ModelSettings = field(default_factory=ModelSettings)
    sampling: Sampling = field(default_factory=Sampling)
    care: Care = field(default_factory=Care)
    cache: CacheSettings = field(default_factory=CacheSettings)
    explicit: set[str] = field(default_factory=set)  # "section.key" set in config.toml


_SECTIONS = {"model": ModelSettings, "sampling": Sampling, "care": Care, "cache": CacheSettings}
_CHECKS = {
    "n_ctx": lambda v: v >= 256,
    "threads": lambda v: v >= 0,
    "gpu_layers": lambda v: v >= -1,
    "temperature": lambda v: 0 <= v <= 5,
    "top_p": lambda v: 0 < v <= 1,
    "max_tokens": lambda v: v >= 1,
    "max_mb": lambda v: v >= 0,
}


def load_config(path: Path) -> Config:
    """Read `path`; a missing file gives the defaults, a bad one a UserError."""
    if not path.exists():
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"cannot read {path}: {exc}; fix or delete the file") from exc
    config = Config()
    for section, values in raw.items():
        if section not in _SECTIONS or not isinstance(values, dict):
            raise UserError(f"{path}: unknown section [{section}]; known: {', '.join(_SECTIONS)}")
        target = getattr(config, section)
        known = {f.name: f for f in fields(_SECTIONS[section])}
        for key, value in values.items():
            if key not in known:
                raise UserError(f"{path}: unknown key {section}.{key}; known: {', '.join(known)}")
            setattr(target, key, _coerce(path, section, key, value, getattr(target, key)))
            config.explicit.add(f"{section}.{key}")
    return config


def _coerce(path: Path, section: str, key: str, value: object, default: object) -> object:
    if key == "default":
        if not isinstance(value, str) or not value:
            raise UserError(f"{path}: {section}.{key} must be a model name")
        return value
    if key == "region":
        if not (isinstance(value, str) and len(value) == 2 and value.isascii() and value.isalpha()):
            raise UserError(
                f'{path}: {section}.{key} must be a two-letter region code such as "HK", '
                f"not {value!r}"
            )
        return value.upper()
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise UserError(f"{path}: {section}.{key} must be true or false, not {value!r}")
        return value
    expected = float if isinstance(default, float) else int
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UserError(f"{path}: {section}.{key} must be a number, not {value!r}")
    if expected is int and not isinstance(value, int):
        raise UserError(f"{path}: {section}.{key} must be a whole number, not {value!r}")
    value = expected(value)
    if not _CHECKS[key](value):
        raise UserError(f"{path}: {section}.{key} = {value} is out of range")
    return value
