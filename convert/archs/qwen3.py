"""Qwen3 (dense): per-head RMS norms on q and k, explicit head_dim, no biases, NEOX rope."""

from __future__ import annotations

import gguf

from .llama import LlamaLike


class Qwen3(LlamaLike):
    name = "qwen3"
    gguf_arch = gguf.MODEL_ARCH.QWEN3
    permute_qk = False
    qk_norm = True
