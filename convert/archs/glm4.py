"""GLM-4-9B -> llama.cpp's `chatglm`: the original layout (glm-4-9b-chat, `ChatGLMModel` with a
GLM-4 tokenizer) and transformers' own (`GlmForCausalLM`).

GLM rotates only the first half of each head, in interleaved pairs, which is
llama.cpp's normal rope with n_rot = head_dim / 2, so q/k need no reordering. The
fused query_key_value (rows q, k, v) and dense_h_to_4h (gate, up) are kept fused: the
chatglm graph reads them that way. The original ChatGLM-6B (GLM v1) is refused in
archs/__init__.py.
"""

from __future__ import annotations

from dataclasses import replace

import gguf

from soulchat_local.errors import UserError

from .base import (
    Architecture,
    Hparams,
    TensorJob,
    cfg,
    rope_params,
    transformers_hparams,
)


class GLM4(Architecture):
    name = "glm4"
    gguf_arch = gguf.MODEL_ARCH.CHATGLM
    tokenizer_pre_hint = "chatglm-bpe"

    def read_hparams(self) -> Hparams:
        c = self.config
        n_embd = int(cfg(c, "hidden_size"))
        n_head = int(cfg(c, "num_attention_heads"))
        if not c.get("multi_query_attention", False) and "multi_query_group_num" not in c:
            raise UserError("this ChatGLM config has no grouped-query attention; only GLM-4-9B is supported")
        if c.get("apply_residual_connection_post_layernorm") or not c.get("rmsnorm", True):
            raise UserError("this ChatGLM variant (post-layernorm residual or LayerNorm) is not supported")
        return Hparams(
            n_vocab=int(cfg(c, "padded_vocab_size", "vocab_size")),
            n_embd=n_embd,
            n_layer=int(cfg(c, "num_layers", "num_hidden_layers")),
            n_head=n_head,
            n_head_kv=int(cfg(c, "multi_query_group_num", default=n_head)),
            head_dim=int(cfg(c, "kv_channels", default=n_embd // n_head)),
            n_ff=int(cfg(c, "ffn_hidden_size")),
            n_ctx=int(cfg(c, "seq_length", default=8192)),
            norm_eps=float(cfg(c, "layernorm_epsilon", default=1e-5)),
            rope_theta=10000.0 * float(c.get("rope_ratio", 1.0)),
            tied=False,
            n_rot=int(cfg(c, "kv_channels", default=n_embd // n_head)) // 2,
        )

    def jobs(self) -> list[TensorJob]:
        hp = self.hp
        t = "transformer."
        q_rows, kv_rows = hp.n_head * hp.head_dim, hp.n_head_kv * hp.head_dim
        qkv = q_rows + 2 * kv_rows
        jobs = [self.job("token_embd.weight", t + "embedding.word_embeddings.weight", (hp.n_vocab, hp.n_embd))]
        for i in range(hp.n_layer):
            p = f"{t}encoder.layers.{i}."
            jobs += [
                self.job(f"blk.{i}.attn_norm.weight", p + "input_layernorm.weight", (hp.n_embd,)),
                self.job(f"blk.{i}.attn_qkv.weight", p + "self_attention.query_key_value.weight", (qkv, hp.n_embd)),
            ]
            if self.config.get("add_qkv_bias", True):
                jobs.append(self.job(f"blk.{i}.attn_qkv.bias", p + "self_attention.query_key_value.bias", (qkv,)))
            jobs += [
                self.job(f"blk.{i}.attn_output.weight", p + "self_attention.dense.weight", (hp.n_embd, q_rows)),
                self.job(f"blk.{i}.ffn_norm.weight", p + "post_attention_layernorm.weight", (hp.n_embd,)),
                self.job(f"blk.{i}.ffn_up.weight", p + "mlp.dense_h_to_4h.weight", (2 * hp.n_ff, hp.n_embd)),
                self.job(f"blk.{i}.ffn_down.weight", p + "mlp.dense_4h_to_h.weight", (hp.n_embd, hp.n_ff)),
            ]
        jobs.append(self.job("output_norm.weight", t + "encoder.final_layernorm.weight", (hp.n_embd,)))
        jobs.append(self.job("output.weight", t + "output_layer.weight", (hp.n_vocab, hp.n_embd)))
        self.check_all_used()
        return jobs


class GLM4HF(Architecture):
    """GLM-4-9B in transformers' own layout (`GlmForCausalLM`, e.g. glm-4-9b-chat-hf).

    Same maths as above with llama-style names: q/k/v apart (with biases), gate and up
    fused in gate_up_proj, rope on the first `partial_rotary_factor` of each head.
    """

    name = "glm4"
    gguf_arch = gguf.MODEL_ARCH.CHATGLM

    @property
    def tokenizer_pre_hint(self) -> str:  # type: ignore[override]
        # Same split regex as llama3; "glm4" also skips merges for whole words, "chatglm-bpe" does not.
        data = self.ckpt.json_file("tokenizer.json") or {}
        return "glm4" if (data.get("model") or {}).get("ignore_merges") else "chatglm-bpe"

    def read_hparams(self) -> Hparams:
        c = self.config
        hp = transformers_hparams(c, self.store, n_ctx_default=8192, norm_eps_default=1e-5)
        partial = float(c.get("partial_rotary_factor") or rope_params(c).get("partial_rotary_factor") or 0.5)
        return replace(hp, n_rot=int(hp.head_dim * partial))

    def jobs(self) -> list[TensorJob]:
        hp = self.hp
        q_rows, kv_rows = hp.n_head * hp.head_dim, hp.n_head_kv * hp.head_dim
        bias = bool(self.config.get("attention_bias", True))
        jobs = [self.job("token_embd.weight", "model.embed_tokens.weight", (hp.n_vocab, hp.n_embd))]
        for i in range(hp.n_layer):
            p = f"model.layers.{i}."
            a = p + "self_attn."
            jobs += [
                self.job(f"blk.{i}.attn_norm.weight", p + "input_layernorm.weight", (hp.n_embd,)),
                self.job(f"blk.{i}.attn_q.weight", a + "q_proj.weight", (q_rows, hp.n_embd)),
                self.job(f"blk.{i}.attn_k.weight", a + "k_proj.weight", (kv_rows, hp.n_embd)),
                self.job(f"blk.{i}.attn_v.weight", a + "v_proj.weight", (kv_rows, hp.n_embd)),
            ]
            if bias:
                jobs += [
                    self.job(f"blk.{i}.attn_q.bias", a + "q_proj.bias", (q_rows,)),
                    self.job(f"blk.{i}.attn_k.bias", a + "k_proj.bias", (kv_rows,)),
                    self.job(f"blk.{i}.attn_v.bias", a + "v_proj.bias", (kv_rows,)),
                ]
            jobs += [
                self.job(f"blk.{i}.attn_output.weight", a + "o_proj.weight", (hp.n_embd, q_rows)),
                self.job(f"blk.{i}.ffn_norm.weight", p + "post_attention_layernorm.weight", (hp.n_embd,)),
                self.job(f"blk.{i}.ffn_up.weight", p + "mlp.gate_up_proj.weight", (2 * hp.n_ff, hp.n_embd)),
                self.job(f"blk.{i}.ffn_down.weight", p + "mlp.down_proj.weight", (hp.n_embd, hp.n_ff)),
            ]
        jobs.append(self.job("output_norm.weight", "model.norm.weight", (hp.n_embd,)))
        if not hp.tied:
            jobs.append(self.job("output.weight", "lm_head.weight", (hp.n_vocab, hp.n_embd)))
        self.check_all_used()
        return jobs
