"""InternLM2 (internlm2-chat-7b): llama maths under other names, with a fused `wqkv`.

wqkv's output rows are grouped per key/value head: for each kv head g, its
`n_head / n_head_kv` query heads, then its key head, then its value head
(modeling_internlm2: view(..., n_kv, groups + 2, head_dim)). We pick q, k and v rows
out of it, then apply the same rope reordering as for llama.
"""

from __future__ import annotations

from dataclasses import replace

import gguf
import numpy as np

from .base import Hparams, TensorJob, rope_permute_index, transformers_hparams
from .llama import LlamaLike


def wqkv_indices(n_head: int, n_head_kv: int, head_dim: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    groups = n_head // n_head_kv
    block = (groups + 2) * head_dim
    d = np.arange(head_dim)
    q = [g * block + m * head_dim + d for g in range(n_head_kv) for m in range(groups)]
    k = [g * block + groups * head_dim + d for g in range(n_head_kv)]
    v = [g * block + (groups + 1) * head_dim + d for g in range(n_head_kv)]
    return np.concatenate(q), np.concatenate(k), np.concatenate(v)


class InternLM2(LlamaLike):
    name = "internlm2"
    gguf_arch = gguf.MODEL_ARCH.INTERNLM2

    def read_hparams(self) -> Hparams:
        # InternLM2 keeps its own output matrix ("output.weight") and has no head_dim key.
        hp = transformers_hparams(
            self.config, self.store, n_ctx_default=32768, norm_eps_default=1e-6
        )
        return replace(hp, head_dim=hp.n_embd // hp.n_head, tied=False)

    def layer_jobs(self, i: int) -> list[TensorJob]:
        hp = self.hp
        p = f"model.layers.{i}."
        q_rows, kv_rows = hp.n_head * hp.head_dim, hp.n_head_kv * hp.head_dim
        fused = (q_rows + 2 * kv_rows, hp.n_embd)
        q, k, v = wqkv_indices(hp.n_head, hp.n_head_kv, hp.head_dim)
        q = q[rope_permute_index(q_rows, hp.n_head)]
        k = k[rope_permute_index(kv_rows, hp.n_head_kv)]
        w = p + "attention.wqkv.weight"
        f = p + "feed_forward."
        return [
            self.job(f"blk.{i}.attn_norm.weight", p + "attention_norm.weight", (hp.n_embd,)),
            self.job(f"blk.{i}.attn_q.weight", w, fused, index=q),
            self.job(f"blk.{i}.attn_k.weight", w, fused, index=k),
            self.job(f"blk.{i}.attn_v.weight", w, fused, index=v),
            self.job(f"blk.{i}.attn_output.weight", p + "attention.wo.weight", (hp.n_embd, q_rows)),
            self.job(f"blk.{i}.ffn_norm.weight", p + "ffn_norm.weight", (hp.n_embd,)),
            self.job(f"blk.{i}.ffn_gate.weight", f + "w1.weight", (hp.n_ff, hp.n_embd)),
            self.job(f"blk.{i}.ffn_up.weight", f + "w3.weight", (hp.n_ff, hp.n_embd)),
            self.job(f"blk.{i}.ffn_down.weight", f + "w2.weight", (hp.n_embd, hp.n_ff)),
        ]

    def jobs(self) -> list[TensorJob]:
        hp = self.hp
        jobs = [self.job("token_embd.weight", "model.tok_embeddings.weight", (hp.n_vocab, hp.n_embd))]
        for i in range(hp.n_layer):
            jobs += self.layer_jobs(i)
        jobs.append(self.job("output_norm.weight", "model.norm.weight", (hp.n_embd,)))
        jobs.append(self.job("output.weight", "output.weight", (hp.n_vocab, hp.n_embd)))
        self.check_all_used()
        return jobs
