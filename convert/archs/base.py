"""What every architecture module provides: hyperparameters and a plan of output tensors.

An architecture reads config.json, checks every source tensor's shape against it, and
returns `TensorJob`s: one per GGUF tensor, each naming the source tensor and (when the
tensor must be split or reordered) which of its rows to take, in output order. The
writer then streams each job block by block; nothing here loads weights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gguf
import numpy as np

from soulchat_local.errors import UserError

from ..checkpoint import Checkpoint


@dataclass
class TensorJob:
    name: str                      # GGUF tensor name, e.g. "blk.0.attn_q.weight"
    source: str | None             # checkpoint tensor name (None: `data` is given)
    shape: tuple[int, ...]         # output shape in numpy order (rows, cols) or (n,)
    index: np.ndarray | None = None  # source rows to take, in output order
    row_fn: Callable[[np.ndarray], np.ndarray] | None = None  # applied to each block of rows
    keep_f32: bool = False         # norms, biases, rope factors stay float32
    data: np.ndarray | None = None  # a small tensor computed at conversion time

    @property
    def n_elements(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1


@dataclass
class Hparams:
    n_vocab: int
    n_embd: int
    n_layer: int
    n_head: int
    n_head_kv: int
    head_dim: int
    n_ff: int
    n_ctx: int
    norm_eps: float
    rope_theta: float
    tied: bool = False
    n_rot: int | None = None      # rotated dimensions per head (default: all)
    extra: dict[str, Any] = field(default_factory=dict)


def cfg(config: dict, *keys: str, default: Any = None, required: bool = True) -> Any:
    """The first of `keys` present in config.json (a missing required key is a user error)."""
    for key in keys:
        if key in config and config[key] is not None:
            return config[key]
    if required and default is None:
        raise UserError(f"config.json has no {keys[0]!r}; the checkpoint's config is incomplete")
    return default


def rope_params(config: dict) -> dict:
    """rope_scaling (transformers 4) or rope_parameters (transformers 5), as one dict."""
    params = dict(config.get("rope_parameters") or {})
    params.update(config.get("rope_scaling") or {})
    return params


def rope_theta(config: dict, default: float = 10000.0) -> float:
    theta = config.get("rope_theta")
    if theta is None:
        theta = rope_params(config).get("rope_theta", default)
    return float(theta)


def transformers_hparams(
    config: dict, store: Any, *, n_ctx_default: int, norm_eps_default: float
) -> Hparams:
    """Hyperparameters under transformers' usual config.json names (Llama, Qwen, GLM-4-hf,
    InternLM2); architectures adjust the result with dataclasses.replace."""
    n_embd = int(cfg(config, "hidden_size"))
    n_head = int(cfg(config, "num_attention_heads"))
    return Hparams(
        n_vocab=int(cfg(config, "vocab_size")),
        n_embd=n_embd,
        n_layer=int(cfg(config, "num_hidden_layers")),
        n_head=n_head,
        n_head_kv=int(cfg(config, "num_key_value_heads", default=n_head)),
        head_dim=int(cfg(config, "head_dim", default=n_embd // n_head)),
        n_ff=int(cfg(config, "intermediate_size")),
        n_ctx=int(cfg(config, "max_position_embeddings", default=n_ctx_default)),
        norm_eps=float(cfg(config, "rms_norm_eps", default=norm_eps_default)),
        rope_theta=rope_theta(config),
        tied=bool(config.get("tie_word_embeddings", False)) and "lm_head.weight" not in store,
    )


def rope_permute_index(n_rows: int, n_head: int) -> np.ndarray:
    """Row order that turns HF's rotate-half q/k layout into llama.cpp's interleaved pairs.

    Within each head HF keeps the first halves of all rotation pairs, then the second
    halves; llama.cpp's "normal" rope wants (x0, y0, x1, y1, ...).
    """
    head_dim = n_rows // n_head
    half = head_dim // 2
    h = np.arange(n_head)[:, None, None]
    i = np.arange(half)[None, :, None]
    j = np.arange(2)[None, None, :]
    return (h * head_dim + j * half + i).reshape(-1)


class Architecture:
    """Base class: subclasses set `gguf_arch` and fill `hp`, `jobs()` and `write_hparams()`."""

    name = ""                      # our name, shown to users and stored in the registry
    gguf_arch: gguf.MODEL_ARCH = gguf.MODEL_ARCH.LLAMA
    tokenizer_pre_hint: str | None = None  # forced tokenizer.ggml.pre (GLM)
    default_chat_template: str | None = None  # used when the checkpoint has none

    def __init__(self, ckpt: Checkpoint) -> None:
        self.ckpt = ckpt
        self.config = ckpt.config
        self.store = ckpt.store
        self.hp = self.read_hparams()
        self._used: set[str] = set()

    @property
    def arch_name(self) -> str:
        return gguf.MODEL_ARCH_NAMES[self.gguf_arch]

    # -- to implement -------------------------------------------------------------
    def read_hparams(self) -> Hparams:
        raise NotImplementedError

    def jobs(self) -> list[TensorJob]:
        raise NotImplementedError

    def write_hparams(self, writer: gguf.GGUFWriter) -> None:
        hp = self.hp
        writer.add_context_length(hp.n_ctx)
        writer.add_embedding_length(hp.n_embd)
        writer.add_block_count(hp.n_layer)
        writer.add_feed_forward_length(hp.n_ff)
        writer.add_head_count(hp.n_head)
        writer.add_head_count_kv(hp.n_head_kv)
        writer.add_layer_norm_rms_eps(hp.norm_eps)
        writer.add_rope_freq_base(hp.rope_theta)
        writer.add_rope_dimension_count(hp.n_rot or hp.head_dim)
        if hp.head_dim != hp.n_embd // hp.n_head:
            writer.add_key_length(hp.head_dim)
            writer.add_value_length(hp.head_dim)
        writer.add_vocab_size(hp.n_vocab)

    # -- helpers for subclasses ---------------------------------------------------
    def expect(self, name: str, shape: tuple[int, ...]) -> str:
        """Check that tensor `name` exists with `shape`; returns the name."""
        if name not in self.store:
            raise UserError(f"the checkpoint has no tensor {name!r} that a {self.name} model needs; is it complete?")
        actual = self.store.ref(name).shape
        if tuple(actual) != tuple(shape):
            raise UserError(
                f"tensor {name} has shape {tuple(actual)} but config.json implies {tuple(shape)}: "
                "the weights and config.json do not belong together"
            )
        self._used.add(name)
        return name

    def job(self, gguf_name: str, source: str, shape: tuple[int, ...], **kw: Any) -> TensorJob:
        self.expect(source, shape)
        out_shape = shape if kw.get("index") is None else (len(kw["index"]), *shape[1:])
        return TensorJob(gguf_name, source, tuple(out_shape), keep_f32=len(shape) == 1, **kw)

    def check_all_used(self, ignore: tuple[str, ...] = ("rotary_emb.inv_freq", "rotary_pos_emb.inv_freq")) -> None:
        """Refuse tensors we would silently drop (an unknown variant of the architecture)."""
        extra = [n for n in self.store.names() if n not in self._used and not n.endswith(ignore)]
        if extra:
            shown = ", ".join(extra[:3]) + (f" and {len(extra) - 3} more" if len(extra) > 3 else "")
            raise UserError(
                f"the checkpoint has tensors a {self.name} model does not use ({shown}); "
                "it is a variant this converter does not support"
            )
