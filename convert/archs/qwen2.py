"""Qwen2 (Qwen2-7B-Instruct and family): llama layout with q/k/v biases, NEOX rope (no reorder)."""

from __future__ import annotations

import gguf

from .llama import LlamaLike


class Qwen2(LlamaLike):
    name = "qwen2"
    gguf_arch = gguf.MODEL_ARCH.QWEN2
    permute_qk = False
    qkv_bias = True
