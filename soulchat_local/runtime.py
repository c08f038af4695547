"""Opening what a chat needs: settings, the history store, the model's engine."""

from __future__ import annotations

from dataclasses import replace

from .config import Config, Sampling
from .engine import Engine
from .resolve import ModelRef
from .store import Store
from .store.db import passphrase_for


def open_store(paths, passphrase: str | None = None, *, ask: bool = False) -> Store:  # noqa: ANN001
    """The history, encrypted with `passphrase`, else SOULCHAT_PASSPHRASE when set; `ask`:
    prompt on the terminal for the passphrase of an encrypted history (CLI commands)."""
    paths.ensure()
    return Store(paths.history_db, passphrase=passphrase_for(paths.history_db, passphrase, ask=ask))


def load_engine(model: ModelRef, config: Config) -> Engine:
    """The engine for the model file's format: llama.cpp for GGUF, chatglm.cpp for
    ChatGLM-6B (SoulChat v1) files."""
    from .chatglm_file import file_format

    if file_format(model.path) == "chatglm":
        from .chatglm_engine import ChatGLMEngine

        return ChatGLMEngine(model, config.model)
    from .llama_engine import LlamaEngine

    return LlamaEngine(model, config.model, cache=config.cache)


def sampling_for(config: Config, model: ModelRef | None) -> Sampling:
    """config.toml's [sampling], with the model card's defaults for the keys it leaves unset
    (SoulChat v1: temperature 0.95, top_p 0.75)."""
    if model is None:
        return config.sampling
    changes = {
        key: float(value)
        for key, value in model.sampling.items()
        if key in ("temperature", "top_p") and f"sampling.{key}" not in config.explicit
    }
    return replace(config.sampling, **changes)


def sampling_with(
    base: Sampling,
    *,
    temperature: float | None = None,
    top_p: float | None = None,
    max_tokens: int | None = None,
) -> Sampling:
    changes = {
        key: value
        for key, value in (
            ("temperature", temperature), ("top_p", top_p), ("max_tokens", max_tokens)
        )
        if value is not None
    }
    return replace(base, **changes)
