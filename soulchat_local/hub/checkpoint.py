"""Catalogue entries published as safetensors checkpoints: download, convert, register."""

from __future__ import annotations

from ..errors import UserError


def pull_checkpoint(entry, quant, paths, **_kwargs):
    raise UserError(f"{entry.name} is a checkpoint to convert locally; not available yet")
