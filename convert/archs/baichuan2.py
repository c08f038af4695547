"""Baichuan2: llama maths with a fused W_pack (q; k; v stacked) and a NormHead lm_head.

Baichuan2's NormHead divides each lm_head row by its L2 norm at inference time.
llama.cpp does not, so we store the normalised rows.

7B uses rope and is written as a `llama` GGUF: llama.cpp's `baichuan` graph applies rope
only when the model has exactly 32 layers, while the llama graph computes the same thing
for any depth. 13B uses ALiBi instead of rope and is written as `baichuan`, whose graph
switches to ALiBi (max bias 8) for 40-layer models, the same rule used here to tell the
two apart (their configs carry no positional-encoding field).
"""

from __future__ import annotations

import gguf
import numpy as np

from .base import Hparams, TensorJob, cfg, rope_permute_index
from .llama import LlamaLike


def normalise_rows(block: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(block.astype(np.float64), axis=1, keepdims=True)
    return (block / np.maximum(norms, 1e-12)).astype(np.float32)


# Baichuan2-Chat ships no chat template; its generation code puts <reserved_106> (id 195)
# before each user turn and <reserved_107> (id 196) before each assistant turn, with the
# system text first. This template writes the same sequence.
CHAT_TEMPLATE = (
    "{% for message in messages %}{% if message['role'] == 'user' %}<reserved_106>{{ message['content'] }}"
    "{% elif message['role'] == 'assistant' %}<reserved_107>{{ message['content'] }}"
    "{% else %}{{ message['content'] }}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}<reserved_107>{% endif %}"
)


class Baichuan2(LlamaLike):
    name = "baichuan2"
    gguf_arch = gguf.MODEL_ARCH.LLAMA
    default_chat_template = CHAT_TEMPLATE

    def read_hparams(self) -> Hparams:
        c = self.config
        n_embd = int(cfg(c, "hidden_size"))
        n_head = int(cfg(c, "num_attention_heads"))
        n_layer = int(cfg(c, "num_hidden_layers"))
        self.alibi = n_layer == 40
        if self.alibi:
            self.gguf_arch = gguf.MODEL_ARCH.BAICHUAN
        return Hparams(
            n_vocab=int(cfg(c, "vocab_size")),
            n_embd=n_embd,
            n_layer=n_layer,
            n_head=n_head,
            n_head_kv=n_head,
            head_dim=n_embd // n_head,
            n_ff=int(cfg(c, "intermediate_size")),
            n_ctx=int(cfg(c, "model_max_length", "max_position_embeddings", default=4096)),
            norm_eps=float(cfg(c, "rms_norm_eps", default=1e-6)),
            rope_theta=10000.0,
            tied=False,
        )

    def attention_jobs(self, i: int) -> list[TensorJob]:
        hp = self.hp
        p = f"model.layers.{i}.self_attn."
        e = hp.n_embd
        # without rope (ALiBi) q and k rows keep their order
        perm = np.arange(e) if self.alibi else rope_permute_index(e, hp.n_head)
        w = p + "W_pack.weight"
        return [
            self.job(f"blk.{i}.attn_q.weight", w, (3 * e, e), index=perm),
            self.job(f"blk.{i}.attn_k.weight", w, (3 * e, e), index=e + perm),
            self.job(f"blk.{i}.attn_v.weight", w, (3 * e, e), index=2 * e + np.arange(e)),
            self.job(f"blk.{i}.attn_output.weight", p + "o_proj.weight", (e, e)),
        ]

    def output_job(self) -> TensorJob:
        return self.job("output.weight", "lm_head.weight", (self.hp.n_vocab, self.hp.n_embd), row_fn=normalise_rows)
