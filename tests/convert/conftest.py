"""Fixtures for the converter tests: tiny checkpoints and llama.cpp forward passes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from . import tiny as tiny_mod

ARCHS = ("llama", "smollm2", "mistral", "qwen2", "qwen3", "internlm2", "baichuan2", "glm4", "glm4hf")
TOKENS = [5, 17, 33, 100, 7, 250, 3, 42, 60, 61, 2, 99]


@pytest.fixture
def make_tiny(tmp_path: Path):
    def make(arch: str, **kw) -> tiny_mod.Tiny:
        return tiny_mod.build(arch, tmp_path / f"{arch}-ckpt", **kw)

    return make


def gguf_logits(path: Path, tokens: list[int]) -> np.ndarray:
    """llama.cpp's own logits for `tokens` (F32 KV cache, so the file's weights are the only rounding)."""
    from llama_cpp import GGML_TYPE_F32

    from soulchat_local.llama_engine import open_llama

    llm = open_llama(str(path), n_ctx=64, logits_all=True, verbose=False, n_threads=2,
                type_k=GGML_TYPE_F32, type_v=GGML_TYPE_F32, flash_attn=False, n_gpu_layers=0)
    llm.eval(tokens)
    out = np.array(llm.scores[: len(tokens)], dtype=np.float64)
    llm.close()
    return out


def read_gguf(path: Path):
    import gguf

    return gguf.GGUFReader(path)


def field(reader, key: str):
    f = reader.fields.get(key)
    return None if f is None else f.contents()
