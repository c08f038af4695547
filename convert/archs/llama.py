"""The llama family: Llama-2/3/3.1 (with llama3 rope scaling), Yi-1.5, SmolLM2, Mistral.

HF keeps q/k in rotate-half order; llama.cpp's llama graph uses interleaved rope, so
q_proj and k_proj rows are reordered (see `rope_permute_index`).
"""

from __future__ import annotations

import math

import gguf
import numpy as np

from soulchat_local.errors import UserError

from .base import (
    Architecture,
    Hparams,
    TensorJob,
    rope_params,
    rope_permute_index,
    transformers_hparams,
)


class LlamaLike(Architecture):
    """Decoder layers named like transformers' LlamaModel (qwen2/qwen3 reuse this)."""

    name = "llama"
    gguf_arch = gguf.MODEL_ARCH.LLAMA
    permute_qk = True
    qkv_bias = False
    qk_norm = False

    def read_hparams(self) -> Hparams:
        return transformers_hparams(
            self.config, self.store, n_ctx_default=4096, norm_eps_default=1e-6
        )

    def write_hparams(self, writer: gguf.GGUFWriter) -> None:
        super().write_hparams(writer)
        scaling = rope_params(self.config)
        kind = scaling.get("rope_type", scaling.get("type", "default"))
        if kind == "linear":
            writer.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
            writer.add_rope_scaling_factor(float(scaling["factor"]))
        elif kind == "yarn":
            writer.add_rope_scaling_type(gguf.RopeScalingType.YARN)
            writer.add_rope_scaling_factor(float(scaling["factor"]))
            writer.add_rope_scaling_orig_ctx_len(int(scaling["original_max_position_embeddings"]))
        elif kind not in ("default", "llama3", "dynamic"):
            # dynamic NTK only changes anything beyond the trained context; llama3 is the rope_freqs tensor
            raise UserError(f"rope scaling {kind!r} in config.json is not supported by this converter")

    # -- tensors ----------------------------------------------------------------------
    def attention_jobs(self, i: int) -> list[TensorJob]:
        hp = self.hp
        p = f"model.layers.{i}.self_attn."
        q_rows, kv_rows = hp.n_head * hp.head_dim, hp.n_head_kv * hp.head_dim
        q_idx = rope_permute_index(q_rows, hp.n_head) if self.permute_qk else None
        k_idx = rope_permute_index(kv_rows, hp.n_head_kv) if self.permute_qk else None
        jobs = [
            self.job(f"blk.{i}.attn_q.weight", p + "q_proj.weight", (q_rows, hp.n_embd), index=q_idx),
            self.job(f"blk.{i}.attn_k.weight", p + "k_proj.weight", (kv_rows, hp.n_embd), index=k_idx),
            self.job(f"blk.{i}.attn_v.weight", p + "v_proj.weight", (kv_rows, hp.n_embd)),
            self.job(f"blk.{i}.attn_output.weight", p + "o_proj.weight", (hp.n_embd, q_rows)),
        ]
        if self.qkv_bias:
            jobs += [
                self.job(f"blk.{i}.attn_q.bias", p + "q_proj.bias", (q_rows,), index=q_idx),
                self.job(f"blk.{i}.attn_k.bias", p + "k_proj.bias", (kv_rows,), index=k_idx),
                self.job(f"blk.{i}.attn_v.bias", p + "v_proj.bias", (kv_rows,)),
            ]
        if self.qk_norm:
            jobs += [
                self.job(f"blk.{i}.attn_q_norm.weight", p + "q_norm.weight", (hp.head_dim,)),
                self.job(f"blk.{i}.attn_k_norm.weight", p + "k_norm.weight", (hp.head_dim,)),
            ]
        return jobs

    def mlp_jobs(self, i: int) -> list[TensorJob]:
        hp = self.hp
        p = f"model.layers.{i}.mlp."
        return [
            self.job(f"blk.{i}.ffn_gate.weight", p + "gate_proj.weight", (hp.n_ff, hp.n_embd)),
            self.job(f"blk.{i}.ffn_up.weight", p + "up_proj.weight", (hp.n_ff, hp.n_embd)),
            self.job(f"blk.{i}.ffn_down.weight", p + "down_proj.weight", (hp.n_embd, hp.n_ff)),
        ]

    def layer_jobs(self, i: int) -> list[TensorJob]:
        hp = self.hp
        p = f"model.layers.{i}."
        return [
            self.job(f"blk.{i}.attn_norm.weight", p + "input_layernorm.weight", (hp.n_embd,)),
            *self.attention_jobs(i),
            self.job(f"blk.{i}.ffn_norm.weight", p + "post_attention_layernorm.weight", (hp.n_embd,)),
            *self.mlp_jobs(i),
        ]

    def extra_jobs(self) -> list[TensorJob]:
        return []

    def output_job(self) -> TensorJob | None:
        if self.hp.tied:
            return None
        return self.job("output.weight", "lm_head.weight", (self.hp.n_vocab, self.hp.n_embd))

    def jobs(self) -> list[TensorJob]:
        hp = self.hp
        jobs = [self.job("token_embd.weight", "model.embed_tokens.weight", (hp.n_vocab, hp.n_embd))]
        jobs += self.extra_jobs()
        for i in range(hp.n_layer):
            jobs += self.layer_jobs(i)
        jobs.append(self.job("output_norm.weight", "model.norm.weight", (hp.n_embd,)))
        out = self.output_job()
        if out is not None:
            jobs.append(out)
        self.check_all_used()
        return jobs


def llama3_rope_factors(config: dict, head_dim: int, theta: float) -> np.ndarray | None:
    """Per-frequency divisors for Llama-3.1's rope scaling (GGUF tensor rope_freqs.weight).

    transformers divides low frequencies by `factor`, keeps high ones, and blends in
    between; ggml divides each rope angle by the matching entry of this tensor.
    """
    scaling = rope_params(config)
    if scaling.get("rope_type", scaling.get("type")) != "llama3":
        return None
    factor = float(scaling.get("factor", 8.0))
    low = float(scaling.get("low_freq_factor", 1.0))
    high = float(scaling.get("high_freq_factor", 4.0))
    old_ctx = float(scaling.get("original_max_position_embeddings", 8192))
    freqs = 1.0 / (theta ** (np.arange(0, head_dim, 2, dtype=np.float64) / head_dim))
    wavelen = 2 * math.pi / freqs
    out = np.empty_like(freqs)
    for k, w in enumerate(wavelen):
        if w < old_ctx / high:
            out[k] = 1.0
        elif w > old_ctx / low:
            out[k] = factor
        else:
            smooth = (old_ctx / w - low) / (high - low)
            out[k] = 1.0 / ((1 - smooth) / factor + smooth)
    return out.astype(np.float32)


class Llama(LlamaLike):
    """LlamaForCausalLM and MistralForCausalLM."""

    def extra_jobs(self) -> list[TensorJob]:
        factors = llama3_rope_factors(self.config, self.hp.head_dim, self.hp.rope_theta)
        if factors is None:
            return []
        return [TensorJob("rope_freqs.weight", None, factors.shape, keep_f32=True, data=factors)]
