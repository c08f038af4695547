"""PEFT LoRA adapters merged at conversion: the GGUF's weights must equal the reference
merge W + s * B @ A (s = alpha / r, or alpha / sqrt(r) with rsLoRA), and the merged
model's logits must match the reference forward pass on the merged weights.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from soulchat_local.convert import convert_checkpoint
from soulchat_local.convert.archs.base import rope_permute_index

from .conftest import TOKENS, gguf_logits, read_gguf
from .tiny import reference_logits, write_safetensors


def make_adapter(root: Path, base, targets: dict[str, str], r: int, alpha: float, rslora: bool,
                 seed: int = 1) -> dict[str, np.ndarray]:
    """Write a PEFT adapter for `targets` (module path -> short name); returns the merged weights."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    tensors = {}
    merged = dict(base.weights)
    scale = alpha / math.sqrt(r) if rslora else alpha / r
    for module in targets:
        w = base.weights[module + ".weight"]
        a = (rng.standard_normal((r, w.shape[1])) * 0.2).astype(np.float32)
        b = (rng.standard_normal((w.shape[0], r)) * 0.2).astype(np.float32)
        tensors[f"base_model.model.{module}.lora_A.weight"] = a
        tensors[f"base_model.model.{module}.lora_B.weight"] = b
        merged[module + ".weight"] = w + scale * (b.astype(np.float64) @ a.astype(np.float64)).astype(np.float32)
    write_safetensors(root / "adapter_model.safetensors", tensors)
    (root / "adapter_config.json").write_text(json.dumps({
        "peft_type": "LORA", "r": r, "lora_alpha": alpha, "use_rslora": rslora,
        "target_modules": sorted(set(targets.values())), "base_model_name_or_path": str(base.path),
        "fan_in_fan_out": False, "bias": "none", "task_type": "CAUSAL_LM",
    }))
    return merged


@pytest.mark.parametrize("rslora", [False, True])
def test_merged_weights_equal_the_reference_merge(rslora, make_tiny, tmp_path):
    tiny = make_tiny("llama")
    modules = {f"model.layers.{i}.self_attn.{m}": m for i in range(2) for m in ("q_proj", "v_proj")}
    modules["model.layers.1.mlp.down_proj"] = "down_proj"
    merged = make_adapter(tmp_path / "adapter", tiny, modules, r=4, alpha=16, rslora=rslora)
    (path,) = convert_checkpoint(tiny.path, tmp_path / "out", ["f32"], lora=tmp_path / "adapter",
                                 register=False, quality_report=False)
    reader = read_gguf(path)
    assert reader.fields["general.finetune"].contents() == "adapter"
    tensors = {t.name: np.asarray(t.data) for t in reader.tensors}
    q = merged["model.layers.0.self_attn.q_proj.weight"]
    np.testing.assert_allclose(tensors["blk.0.attn_q.weight"], q[rope_permute_index(q.shape[0], 4)], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(tensors["blk.1.attn_v.weight"], merged["model.layers.1.self_attn.v_proj.weight"], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(tensors["blk.1.ffn_down.weight"], merged["model.layers.1.mlp.down_proj.weight"], rtol=1e-6, atol=1e-6)
    # untouched weights are untouched
    np.testing.assert_array_equal(tensors["blk.0.ffn_up.weight"], tiny.weights["model.layers.0.mlp.up_proj.weight"])
    ref = reference_logits(tiny, TOKENS, merged)
    got = gguf_logits(path, TOKENS)
    assert np.abs(got - ref).max() <= 1e-4 * ref.std()
    # and the merge really changed the model
    assert np.abs(reference_logits(tiny, TOKENS) - ref).max() > 10 * 1e-4 * ref.std()


def test_lora_on_a_fused_projection(make_tiny, tmp_path):
    """internlm2's wqkv is merged before it is split into q, k and v."""
    tiny = make_tiny("internlm2")
    merged = make_adapter(tmp_path / "adapter", tiny, {"model.layers.0.attention.wqkv": "wqkv"}, r=8, alpha=8, rslora=False)
    (path,) = convert_checkpoint(tiny.path, tmp_path / "out", ["f32"], lora=tmp_path / "adapter",
                                 register=False, quality_report=False)
    ref = reference_logits(tiny, TOKENS, merged)
    assert np.abs(gguf_logits(path, TOKENS) - ref).max() <= 1e-4 * ref.std()


def test_lora_on_the_embedding(make_tiny, tmp_path):
    """PEFT stores embedding LoRA as lora_embedding_A (r x vocab) and _B (dim x r)."""
    tiny = make_tiny("qwen2")
    rng = np.random.default_rng(3)
    emb = tiny.weights["model.embed_tokens.weight"]
    a = (rng.standard_normal((4, emb.shape[0])) * 0.3).astype(np.float32)
    b = (rng.standard_normal((emb.shape[1], 4)) * 0.3).astype(np.float32)
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    write_safetensors(adapter / "adapter_model.safetensors", {
        "base_model.model.model.embed_tokens.lora_embedding_A": a,
        "base_model.model.model.embed_tokens.lora_embedding_B": b,
    })
    (adapter / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA", "r": 4, "lora_alpha": 8}))
    merged = dict(tiny.weights)
    merged["model.embed_tokens.weight"] = emb + 2.0 * (b.astype(np.float64) @ a).T.astype(np.float32)
    (path,) = convert_checkpoint(tiny.path, tmp_path / "out", ["f32"], lora=adapter, register=False,
                                 quality_report=False)
    got = {t.name: np.asarray(t.data) for t in read_gguf(path).tensors}["token_embd.weight"]
    np.testing.assert_allclose(got, merged["model.embed_tokens.weight"], rtol=1e-6, atol=1e-6)
