"""A tiny random ChatGLM-6B (GLM v1) checkpoint, written as THUDM publishes it (config.json,
tokenizer_config.json, ice_text.model, safetensors or PyTorch .bin shards), and two numpy
formulations of its forward pass written from the architecture:

- `full_logits`: the whole sequence at once, with the explicit 2D position ids and the
  GLM attention mask (bidirectional over the prompt, causal after it);
- `decode_logits`: the prompt at once, then one token at a time against a key/value
  cache, with rotary positions as complex rotations.

The architecture (ChatGLM-6B's modelling code): x = embedding; per layer
h = LN1(x); x = h * alpha + Attn(h); h = LN2(x); x = h * alpha + MLP(h), alpha =
sqrt(2 * num_layers); q/k/v interleaved per head in query_key_value; each head's first
half rotated by the position id, the second half by the block position id (rotate-half
rotary over head_dim / 2, base 10000); MLP = dense_4h_to_h(gelu_tanh(dense_h_to_4h));
the output head is the word embedding.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .tiny import _pb_field, _pb_varint, stored_values, write_safetensors

N_LAYERS = 28  # chatglm.cpp fixes alpha for 28 layers
DIMS = {"hidden": 64, "heads": 4, "inner": 256}
NORMAL, UNKNOWN, CONTROL, USER, BYTE = 1, 2, 3, 4, 6
WORDS = [
    "用户",
    "心理",
    "咨询",
    "咨询师",
    "心理咨询师",
    "我",
    "你",
    "好",
    "你好",
    "最近",
    "睡不着",
    "工作",
    "家庭",
    "压力",
    "很",
    "大",
    "难过",
    "谢谢",
    "怎么办",
    "？",
    "。",
    "，",
    "！",
    "：",
    "▁hello",
    "▁world",
    "▁I",
    "▁feel",
    "▁tired",
    "▁the",
    "▁night",
    "eop",
    "sop",
    "gMASK",
    "MASK",
    "<",
    ">",
    "[",
    "]",
    "|",
    "▁",
]
CHARS = sorted({ch for w in WORDS for ch in w} | set("abcdefghijklmnopqrstuvwxyz.,!?'0123456789"))
SPECIALS = [
    "<n>",
    "<|tab|>",
    "<|blank_2|>",
    "<|blank_3|>",
    "<|blank_4|>",
    "[MASK]",
    "[gMASK]",
    "[sMASK]",
    "<unused_0>",
    "<sop>",
    "<eop>",
]


@dataclass
class TinyGLM:
    path: Path
    config: dict
    weights: dict[str, np.ndarray]  # as stored (after the dtype round trip)
    pieces: list[str]


def ice_text_model() -> tuple[bytes, list[str]]:
    """A SentencePiece unigram model laid out like ChatGLM-6B's ice_text.model: control
    tokens, byte fallback, the text pieces, then the GLM special pieces at the end."""
    pieces: list[tuple[str, float, int]] = [
        ("<unk>", 0.0, UNKNOWN),
        ("<s>", 0.0, CONTROL),
        ("</s>", 0.0, CONTROL),
        ("<pad>", 0.0, CONTROL),
    ]
    pieces += [(f"<0x{b:02X}>", 0.0, BYTE) for b in range(256)]
    text = list(dict.fromkeys(CHARS + WORDS))
    pieces += [
        (p, -1.0 - 0.5 * len(p) + 0.01 * i if len(p) == 1 else -2.0 - 0.01 * i, NORMAL)
        for i, p in enumerate(text)
    ]
    pieces += [(s, 0.0, USER) for s in SPECIALS]
    body = b""
    for piece, score, kind in pieces:
        msg = (
            _pb_field(1, 2, piece.encode())
            + _pb_field(2, 5, struct.pack("<f", score))
            + _pb_field(3, 0, _pb_varint(kind))
        )
        body += _pb_field(1, 2, msg)
    trainer = _pb_field(3, 0, _pb_varint(1)) + _pb_field(35, 0, _pb_varint(1))
    normalizer = _pb_field(3, 0, _pb_varint(1)) + _pb_field(4, 0, _pb_varint(0))
    body += _pb_field(2, 2, trainer) + _pb_field(3, 2, normalizer)
    return body, [p[0] for p in pieces]


def build(
    root: Path, *, dtype: str = "F32", seed: int = 0, fmt: str = "safetensors", shards: int = 1
) -> TinyGLM:
    """Write the checkpoint under `root`. fmt: "safetensors" or "bin" (torch.save shards)."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    model, pieces = ice_text_model()
    (root / "ice_text.model").write_bytes(model)
    h, nh, ff = DIMS["hidden"], DIMS["heads"], DIMS["inner"]
    vocab = len(pieces) + 9  # padded embedding, as ChatGLM-6B's 130528 rows for 130344 pieces
    ids = {p: i for i, p in enumerate(pieces)}
    config = {
        "architectures": ["ChatGLMModel"],
        "model_type": "chatglm",
        "auto_map": {},
        "vocab_size": vocab,
        "hidden_size": h,
        "num_attention_heads": nh,
        "num_layers": N_LAYERS,
        "inner_hidden_size": ff,
        "layernorm_epsilon": 1e-5,
        "max_sequence_length": 256,
        "position_encoding_2d": True,
        "use_cache": True,
        "pre_seq_len": None,
        "prefix_projection": False,
        "quantization_bit": 0,
        "torch_dtype": {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}[dtype],
        "bos_token_id": ids["<sop>"],
        "eos_token_id": ids["<eop>"],
        "mask_token_id": ids["[MASK]"],
        "gmask_token_id": ids["[gMASK]"],
        "pad_token_id": ids["<pad>"],
    }
    (root / "config.json").write_text(json.dumps(config))
    (root / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "ChatGLMTokenizer",
                "bos_token": "<sop>",
                "eos_token": "<eop>",
                "gmask_token": "[gMASK]",
                "mask_token": "[MASK]",
                "pad_token": "<pad>",
                "unk_token": "<unk>",
                "num_image_tokens": 0,
                "remove_space": False,
            }
        )
    )

    def rand(*shape: int, scale: float = 0.15) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    def norm(n: int) -> np.ndarray:
        return (1.0 + 0.1 * rng.standard_normal(n)).astype(np.float32)

    w: dict[str, np.ndarray] = {"transformer.word_embeddings.weight": rand(vocab, h, scale=1.0)}
    for i in range(N_LAYERS):
        p = f"transformer.layers.{i}."
        w[p + "input_layernorm.weight"] = norm(h)
        w[p + "input_layernorm.bias"] = rand(h, scale=0.05)
        w[p + "attention.query_key_value.weight"] = rand(3 * h, h)
        w[p + "attention.query_key_value.bias"] = rand(3 * h, scale=0.05)
        w[p + "attention.dense.weight"] = rand(h, h)
        w[p + "attention.dense.bias"] = rand(h, scale=0.05)
        w[p + "post_attention_layernorm.weight"] = norm(h)
        w[p + "post_attention_layernorm.bias"] = rand(h, scale=0.05)
        w[p + "mlp.dense_h_to_4h.weight"] = rand(ff, h)
        w[p + "mlp.dense_h_to_4h.bias"] = rand(ff, scale=0.05)
        w[p + "mlp.dense_4h_to_h.weight"] = rand(h, ff, scale=0.08)
        w[p + "mlp.dense_4h_to_h.bias"] = rand(h, scale=0.05)
        w[p + "attention.rotary_emb.inv_freq"] = (
            1.0 / 10000 ** (np.arange(0, h // nh // 2, 2) / (h // nh // 2))
        ).astype(np.float32)
    w["transformer.final_layernorm.weight"] = norm(h)
    w["transformer.final_layernorm.bias"] = rand(h, scale=0.05)
    w["lm_head.weight"] = w["transformer.word_embeddings.weight"]
    names = list(w)
    parts = [names[k::shards] for k in range(shards)]
    if fmt == "safetensors":
        for k, part in enumerate(parts):
            name = (
                "model.safetensors"
                if shards == 1
                else f"model-{k + 1:05d}-of-{shards:05d}.safetensors"
            )
            write_safetensors(root / name, {n: w[n] for n in part}, dtype)
        if shards > 1:
            index = {
                n: f"model-{k + 1:05d}-of-{shards:05d}.safetensors"
                for k, part in enumerate(parts)
                for n in part
            }
            (root / "model.safetensors.index.json").write_text(json.dumps({"weight_map": index}))
    else:
        import torch

        torch_dtype = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}[dtype]
        shared = torch.from_numpy(w["transformer.word_embeddings.weight"]).to(torch_dtype)
        index = {}
        for k, part in enumerate(parts):
            name = (
                "pytorch_model.bin"
                if shards == 1
                else f"pytorch_model-{k + 1:05d}-of-{shards:05d}.bin"
            )
            # the tied head shares the embedding's storage, as save_pretrained leaves it
            state = {
                n: shared
                if n in ("lm_head.weight", "transformer.word_embeddings.weight")
                else torch.from_numpy(w[n]).to(torch_dtype)
                for n in part
            }
            torch.save(state, root / name)
            index.update(dict.fromkeys(part, name))
        if shards > 1:
            (root / "pytorch_model.bin.index.json").write_text(json.dumps({"weight_map": index}))
    stored = {n: stored_values(a, dtype) for n, a in w.items()}
    return TinyGLM(root, config, stored, pieces)


# -- the forward pass ------------------------------------------------------------------


def _layernorm(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * x * (1.0 + 0.044715 * x * x)))


def glm_positions(tokens: list[int], gmask: int, sop: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(position ids, block position ids, context length) of a GLM v1 sequence."""
    context = tokens.index(sop)
    mask_at = tokens.index(gmask)
    n = len(tokens)
    pos = np.arange(n)
    pos[context:] = mask_at
    block = np.zeros(n, dtype=np.int64)
    block[context:] = np.arange(1, n - context + 1)
    return pos, block, context


def _rotate_half_rope(x: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """x: (T, heads, d) rotated by positions `pos` (rotate-half layout, base 10000)."""
    d = x.shape[-1]
    inv = 1.0 / 10000 ** (np.arange(0, d, 2) / d)
    ang = pos[:, None].astype(np.float64) * inv[None, :]
    cos = np.concatenate([np.cos(ang)] * 2, -1)[:, None, :]
    sin = np.concatenate([np.sin(ang)] * 2, -1)[:, None, :]
    rot = np.concatenate([-x[..., d // 2 :], x[..., : d // 2]], -1)
    return x * cos + rot * sin


def _complex_rope(x: np.ndarray, p: int) -> np.ndarray:
    """x: (heads, d) at one position, as complex pairs (x[i], x[i + d/2]) turned by p * freq."""
    d = x.shape[-1]
    inv = 1.0 / 10000 ** (np.arange(0, d, 2) / d)
    z = (x[:, : d // 2] + 1j * x[:, d // 2 :]) * np.exp(1j * p * inv)
    return np.concatenate([z.real, z.imag], -1)


def full_logits(
    tiny: TinyGLM, tokens: list[int], weights: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    """Logits (T, vocab) for the whole sequence in one pass (float64)."""
    W = {n: a.astype(np.float64) for n, a in (weights or tiny.weights).items()}
    c = tiny.config
    nh, L, eps = c["num_attention_heads"], c["num_layers"], c["layernorm_epsilon"]
    hd = c["hidden_size"] // nh
    alpha = (2 * L) ** 0.5
    pos, block, context = glm_positions(tokens, c["gmask_token_id"], c["bos_token_id"])
    T = len(tokens)
    visible = np.tril(np.ones((T, T), dtype=bool))
    visible[:, :context] = True
    x = W["transformer.word_embeddings.weight"][tokens]
    for i in range(L):
        p = f"transformer.layers.{i}."
        h = _layernorm(x, W[p + "input_layernorm.weight"], W[p + "input_layernorm.bias"], eps)
        qkv = (
            h @ W[p + "attention.query_key_value.weight"].T
            + W[p + "attention.query_key_value.bias"]
        )
        q, k, v = np.split(qkv.reshape(T, nh, 3 * hd), 3, -1)
        half = hd // 2
        q = np.concatenate(
            [_rotate_half_rope(q[..., :half], pos), _rotate_half_rope(q[..., half:], block)], -1
        )
        k = np.concatenate(
            [_rotate_half_rope(k[..., :half], pos), _rotate_half_rope(k[..., half:], block)], -1
        )
        scores = np.einsum("qhd,khd->hqk", q, k) / np.sqrt(hd)
        scores = np.where(visible[None], scores, -np.inf)
        probs = np.exp(scores - scores.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        ctx = np.einsum("hqk,khd->qhd", probs, v).reshape(T, nh * hd)
        x = h * alpha + ctx @ W[p + "attention.dense.weight"].T + W[p + "attention.dense.bias"]
        h = _layernorm(
            x, W[p + "post_attention_layernorm.weight"], W[p + "post_attention_layernorm.bias"], eps
        )
        up = _gelu(h @ W[p + "mlp.dense_h_to_4h.weight"].T + W[p + "mlp.dense_h_to_4h.bias"])
        x = h * alpha + up @ W[p + "mlp.dense_4h_to_h.weight"].T + W[p + "mlp.dense_4h_to_h.bias"]
    x = _layernorm(
        x, W["transformer.final_layernorm.weight"], W["transformer.final_layernorm.bias"], eps
    )
    return x @ W["transformer.word_embeddings.weight"].T


def decode_logits(tiny: TinyGLM, prompt: list[int], continuation: list[int]) -> np.ndarray:
    """Logits after the prompt and after each continuation token (float64). Row t predicts
    the token after prompt + continuation[:t].

    The context (the prompt before <sop>) is one block in which every token sees every
    other, so it runs layer by layer over the block; <sop> and each later token then run
    one at a time through all layers against the key/value cache.
    """
    W = {n: a.astype(np.float64) for n, a in tiny.weights.items()}
    c = tiny.config
    nh, L, eps = c["num_attention_heads"], c["num_layers"], c["layernorm_epsilon"]
    hd, half = c["hidden_size"] // nh, c["hidden_size"] // nh // 2
    alpha = (2 * L) ** 0.5
    n = len(prompt)
    assert prompt[-1] == c["bos_token_id"] and prompt[-2] == c["gmask_token_id"]
    context, gmask_at = n - 1, n - 2
    cache_k: list[list[np.ndarray]] = [[] for _ in range(L)]
    cache_v: list[list[np.ndarray]] = [[] for _ in range(L)]

    def ln(x: np.ndarray, name: str) -> np.ndarray:
        return _layernorm(x, W[name + ".weight"], W[name + ".bias"], eps)

    def qkv_at(i: int, h: np.ndarray, position: int, block_position: int) -> tuple[np.ndarray, ...]:
        p = f"transformer.layers.{i}.attention.query_key_value"
        heads = (W[p + ".weight"] @ h + W[p + ".bias"]).reshape(nh, 3 * hd)
        q, k, v = heads[:, :hd], heads[:, hd : 2 * hd], heads[:, 2 * hd :]
        q = np.concatenate(
            [_complex_rope(q[:, :half], position), _complex_rope(q[:, half:], block_position)], -1
        )
        k = np.concatenate(
            [_complex_rope(k[:, :half], position), _complex_rope(k[:, half:], block_position)], -1
        )
        return q, k, v

    def attend(q: np.ndarray, keys: list[np.ndarray], values: list[np.ndarray]) -> np.ndarray:
        out = np.empty(nh * hd)
        for head in range(nh):
            s = np.array([q[head] @ k[head] for k in keys]) / np.sqrt(hd)
            e = np.exp(s - s.max())
            e /= e.sum()
            out[head * hd : (head + 1) * hd] = sum(
                w * v[head] for w, v in zip(e, values, strict=True)
            )
        return out

    def finish(i: int, h: np.ndarray, attn: np.ndarray) -> np.ndarray:
        p = f"transformer.layers.{i}."
        x = h * alpha + W[p + "attention.dense.weight"] @ attn + W[p + "attention.dense.bias"]
        h = ln(x, p + "post_attention_layernorm")
        up = _gelu(W[p + "mlp.dense_h_to_4h.weight"] @ h + W[p + "mlp.dense_h_to_4h.bias"])
        return h * alpha + W[p + "mlp.dense_4h_to_h.weight"] @ up + W[p + "mlp.dense_4h_to_h.bias"]

    xs = [W["transformer.word_embeddings.weight"][t] for t in prompt[:context]]
    for i in range(L):
        hs = [ln(x, f"transformer.layers.{i}.input_layernorm") for x in xs]
        qkvs = [qkv_at(i, h, at, 0) for at, h in enumerate(hs)]
        cache_k[i] = [k for _, k, _ in qkvs]
        cache_v[i] = [v for _, _, v in qkvs]
        xs = [
            finish(i, h, attend(q, cache_k[i], cache_v[i]))
            for h, (q, _, _) in zip(hs, qkvs, strict=True)
        ]

    rows = []
    for t, token in enumerate([prompt[-1], *continuation]):
        x = W["transformer.word_embeddings.weight"][token]
        for i in range(L):
            h = ln(x, f"transformer.layers.{i}.input_layernorm")
            q, k, v = qkv_at(i, h, gmask_at, t + 1)
            cache_k[i].append(k)
            cache_v[i].append(v)
            x = finish(i, h, attend(q, cache_k[i], cache_v[i]))
        x = ln(x, "transformer.final_layernorm")
        rows.append(W["transformer.word_embeddings.weight"] @ x)
    return np.array(rows)


def greedy(
    tiny: TinyGLM, prompt: list[int], n: int, weights: dict[str, np.ndarray] | None = None
) -> list[int]:
    """n greedy tokens after `prompt` by the full-sequence pass (stops after <eop>)."""
    out: list[int] = []
    for _ in range(n):
        token = int(full_logits(tiny, prompt + out, weights)[-1].argmax())
        out.append(token)
        if token == tiny.config["eos_token_id"]:
            break
    return out
