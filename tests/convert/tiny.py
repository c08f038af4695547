"""Tiny random checkpoints of every supported architecture, written the way their
publishers write them (config.json, safetensors, tokenizer files), plus a numpy
reference forward pass that follows each architecture's modelling code.
"""

from __future__ import annotations

import base64
import json
import math
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from gguf.vocab import bytes_to_unicode

# -- safetensors writer (the format: 8-byte header length, JSON header, raw data) --------

_ST_DTYPE = {np.dtype("float32"): "F32", np.dtype("float16"): "F16"}


def write_safetensors(path: Path, tensors: dict[str, np.ndarray], dtype: str = "F32") -> None:
    header: dict = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name, arr in tensors.items():
        if dtype == "BF16":
            bits = np.ascontiguousarray(arr, dtype=np.float32).view(np.uint32)
            data = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2").tobytes()
        else:
            data = np.ascontiguousarray(arr, dtype=np.float16 if dtype == "F16" else np.float32).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(raw)))
        fh.write(raw)
        for b in blobs:
            fh.write(b)


def stored_values(arr: np.ndarray, dtype: str) -> np.ndarray:
    """What a tensor holds after a round trip through `dtype` (the reference uses these)."""
    if dtype == "F16":
        return arr.astype(np.float16).astype(np.float32)
    if dtype == "BF16":
        bits = arr.astype(np.float32).view(np.uint32)
        return (((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16).astype(np.uint32).view(np.float32)
    return arr.astype(np.float32)


# -- tokenizers ---------------------------------------------------------------------------

TRAIN_TEXT = (
    "hello world, the counsellor listens. I feel tired and the night is long. "
    "we talk about the work and the family. 12345 67 "
    "你好，我最近睡不着。我们聊聊工作和家庭。"
)


def train_bpe(text: str, n_merges: int) -> tuple[list[bytes], list[tuple[bytes, bytes]]]:
    """A minimal byte-level BPE trainer: most frequent adjacent pair, repeatedly (within words)."""
    words = [w.encode() for w in text.replace("\u3002", " \u3002 ").split(" ") if w]
    seqs = [[bytes([b]) for b in w] for w in words]
    merges: list[tuple[bytes, bytes]] = []
    for _ in range(n_merges):
        counts: dict[tuple[bytes, bytes], int] = {}
        for s in seqs:
            for a, b in zip(s, s[1:], strict=False):
                counts[(a, b)] = counts.get((a, b), 0) + 1
        if not counts:
            break
        pair = max(counts, key=lambda p: (counts[p], p))
        merges.append(pair)
        for s in seqs:
            i = 0
            while i < len(s) - 1:
                if (s[i], s[i + 1]) == pair:
                    s[i:i + 2] = [s[i] + s[i + 1]]
                i += 1
    tokens = [bytes([b]) for b in range(256)] + [a + b for a, b in merges]
    return tokens, merges


LLAMA3_REGEX = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
QWEN2_REGEX = LLAMA3_REGEX.replace(r"\p{N}{1,3}", r"\p{N}")

CHATML = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] "
    "+ '<|im_end|>' + '\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def bpe_tokenizer_json(style: str, specials: list[str], bos: str | None) -> dict:
    """A byte-level BPE tokenizer.json; `style` picks the pre-tokenizer (llama3, qwen2, smollm)."""
    enc = bytes_to_unicode()
    tokens, merges = train_bpe(TRAIN_TEXT, 60)
    as_text = ["".join(enc[b] for b in t) for t in tokens]
    vocab = {t: i for i, t in enumerate(dict.fromkeys(as_text))}
    merge_strs = ["".join(enc[x] for x in a) + " " + "".join(enc[x] for x in b) for a, b in merges]
    added = [{"id": len(vocab) + k, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for k, s in enumerate(specials)]
    if style in ("llama3", "qwen2"):
        regex = LLAMA3_REGEX if style == "llama3" else QWEN2_REGEX
        pre = {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": regex}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]}
    else:
        pre = {"type": "Sequence", "pretokenizers": [
            {"type": "Digits", "individual_digits": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}]}
    post: dict = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True}
    if bos is not None:
        bos_id = next(a["id"] for a in added if a["content"] == bos)
        post = {"type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                         {"Sequence": {"id": "B", "type_id": 1}}],
                "special_tokens": {bos: {"id": bos, "ids": [bos_id], "tokens": [bos]}}}
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": None, "pre_tokenizer": pre, "post_processor": post,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                  "ignore_merges": style == "llama3", "vocab": vocab, "merges": merge_strs},
    }


def _pb_varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _pb_field(number: int, wire: int, payload: bytes) -> bytes:
    key = _pb_varint((number << 3) | wire)
    if wire == 2:
        return key + _pb_varint(len(payload)) + payload
    return key + payload


def spm_model(specials: list[str], add_dummy_prefix: bool = True) -> tuple[bytes, list[str]]:
    """A SentencePiece BPE model (protobuf) with byte fallback; returns (bytes, pieces)."""
    pieces: list[tuple[str, float, int]] = [("<unk>", 0.0, 2), ("<s>", 0.0, 3), ("</s>", 0.0, 3)]
    pieces += [(f"<0x{b:02X}>", 0.0, 6) for b in range(256)]
    words = ["▁", "e", "l", "o", "h", "w", "r", "d", "t", "a", "n", "s", "▁the", "▁hello", "▁world",
             "▁I", "▁feel", "▁tired", "▁night", "▁work", "ll", "he", "or", "你", "好", "▁你好", "我", "睡"]
    # every prefix of a word is a piece too, as SentencePiece BPE training leaves them
    full = list(dict.fromkeys(w[:n] for w in words for n in range(1, len(w) + 1)))
    pieces += [(w, -float(k), 1) for k, w in enumerate(full)]
    pieces += [(s, 0.0, 4) for s in specials]
    pieces.append(("\x00", -100.0, 1))  # InternLM2's vocabulary has a NUL piece
    body = b""
    for text, score, kind in pieces:
        msg = _pb_field(1, 2, text.encode()) + _pb_field(2, 5, struct.pack("<f", score)) + _pb_field(3, 0, _pb_varint(kind))
        body += _pb_field(1, 2, msg)
    trainer = _pb_field(3, 0, _pb_varint(2)) + _pb_field(35, 0, _pb_varint(1))
    normalizer = _pb_field(3, 0, _pb_varint(int(add_dummy_prefix))) + _pb_field(4, 0, _pb_varint(0))
    body += _pb_field(2, 2, trainer) + _pb_field(3, 2, normalizer)
    return body, [p[0] for p in pieces]


def tiktoken_model() -> tuple[bytes, int]:
    tokens, _ = train_bpe(TRAIN_TEXT, 60)
    lines = [f"{base64.b64encode(t).decode()} {i}" for i, t in enumerate(tokens)]
    return ("\n".join(lines) + "\n").encode(), len(tokens)


# -- checkpoints --------------------------------------------------------------------------

@dataclass
class Tiny:
    path: Path
    arch: str
    config: dict
    weights: dict[str, np.ndarray]     # as stored (after dtype round trip)
    n_vocab: int
    dtype: str = "F32"
    extra: dict = field(default_factory=dict)


DIMS = {"hidden": 64, "heads": 4, "kv": 2, "ff": 96, "layers": 2}


def _rand(rng: np.random.Generator, *shape: int, scale: float = 0.15) -> np.ndarray:
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def _norm(rng: np.random.Generator, n: int) -> np.ndarray:
    return (1.0 + 0.1 * rng.standard_normal(n)).astype(np.float32)


def build(arch: str, root: Path, *, dtype: str = "F32", seed: int = 0, shards: int = 1,
          dims: dict | None = None) -> Tiny:
    """Write a tiny checkpoint of `arch` under `root` and return what it holds."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    d = {**DIMS, **(dims or {})}
    h, nh, nkv, ff, nl = d["hidden"], d["heads"], d["kv"], d["ff"], d["layers"]
    hd = h // nh
    w: dict[str, np.ndarray] = {}
    tcfg: dict = {}
    config: dict

    if arch in ("llama", "smollm2", "qwen2", "qwen3"):
        style = {"llama": "llama3", "smollm2": "smollm", "qwen2": "qwen2", "qwen3": "qwen2"}[arch]
        if arch == "llama":
            specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"]
            bos, eos = "<|begin_of_text|>", "<|eot_id|>"
        else:
            specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
            bos, eos = None, "<|im_end|>"
        tj = bpe_tokenizer_json(style, specials, bos)
        (root / "tokenizer.json").write_text(json.dumps(tj, ensure_ascii=False))
        n_tok = len(tj["model"]["vocab"]) + len(specials)
        tcfg = {"eos_token": eos, "chat_template": CHATML}
        if bos:
            tcfg["bos_token"] = bos
        n_vocab = n_tok + 7  # padded embedding, as Qwen ships
        cls = {"llama": "LlamaForCausalLM", "smollm2": "LlamaForCausalLM",
               "qwen2": "Qwen2ForCausalLM", "qwen3": "Qwen3ForCausalLM"}[arch]
        mtype = {"llama": "llama", "smollm2": "llama", "qwen2": "qwen2", "qwen3": "qwen3"}[arch]
        if arch == "qwen3":
            hd = 24  # head_dim != hidden / heads, as in real Qwen3
        tied = arch in ("smollm2", "qwen3")
        config = {"architectures": [cls], "model_type": mtype, "hidden_size": h, "intermediate_size": ff,
                  "num_hidden_layers": nl, "num_attention_heads": nh, "num_key_value_heads": nkv,
                  "head_dim": hd, "rms_norm_eps": 1e-5, "rope_theta": 10000.0 if arch != "qwen2" else 1e6,
                  "max_position_embeddings": 256, "vocab_size": n_vocab, "tie_word_embeddings": tied,
                  "hidden_act": "silu", "attention_bias": False, "torch_dtype": "float32",
                  "bos_token_id": tj["added_tokens"][0]["id"], "eos_token_id": tj["added_tokens"][-1]["id"]}
        if arch == "llama":
            config["rope_scaling"] = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                      "high_freq_factor": 4.0, "original_max_position_embeddings": 64}
            config["rope_theta"] = 500000.0
        if arch in ("qwen2", "qwen3"):
            config["use_sliding_window"] = False
        w["model.embed_tokens.weight"] = _rand(rng, n_vocab, h, scale=0.5)
        for i in range(nl):
            p = f"model.layers.{i}."
            w[p + "input_layernorm.weight"] = _norm(rng, h)
            w[p + "self_attn.q_proj.weight"] = _rand(rng, nh * hd, h)
            w[p + "self_attn.k_proj.weight"] = _rand(rng, nkv * hd, h)
            w[p + "self_attn.v_proj.weight"] = _rand(rng, nkv * hd, h)
            w[p + "self_attn.o_proj.weight"] = _rand(rng, h, nh * hd)
            if arch == "qwen2":
                w[p + "self_attn.q_proj.bias"] = _rand(rng, nh * hd)
                w[p + "self_attn.k_proj.bias"] = _rand(rng, nkv * hd)
                w[p + "self_attn.v_proj.bias"] = _rand(rng, nkv * hd)
            if arch == "qwen3":
                w[p + "self_attn.q_norm.weight"] = _norm(rng, hd)
                w[p + "self_attn.k_norm.weight"] = _norm(rng, hd)
            w[p + "post_attention_layernorm.weight"] = _norm(rng, h)
            w[p + "mlp.gate_proj.weight"] = _rand(rng, ff, h)
            w[p + "mlp.up_proj.weight"] = _rand(rng, ff, h)
            w[p + "mlp.down_proj.weight"] = _rand(rng, h, ff)
        w["model.norm.weight"] = _norm(rng, h)
        if not tied:
            w["lm_head.weight"] = _rand(rng, n_vocab, h)

    elif arch in ("mistral", "internlm2", "baichuan2"):
        specials = ["<|im_start|>", "<|im_end|>"] if arch == "internlm2" else ["<reserved_106>", "<reserved_107>"]
        model, pieces = spm_model(specials, add_dummy_prefix=arch != "baichuan2")
        (root / "tokenizer.model").write_bytes(model)
        n_tok = len(pieces)
        n_vocab = n_tok + 3
        tcfg = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "add_bos_token": True,
                "added_tokens_decoder": {str(pieces.index(s)): {"content": s, "special": True} for s in specials}}
        if arch == "internlm2":
            tcfg["chat_template"] = CHATML
        if arch == "mistral":
            config = {"architectures": ["MistralForCausalLM"], "model_type": "mistral", "hidden_size": h,
                      "intermediate_size": ff, "num_hidden_layers": nl, "num_attention_heads": nh,
                      "num_key_value_heads": nkv, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
                      "max_position_embeddings": 256, "vocab_size": n_vocab, "tie_word_embeddings": False,
                      "sliding_window": None, "hidden_act": "silu", "torch_dtype": "float32",
                      "bos_token_id": 1, "eos_token_id": 2}
            names = ("model.embed_tokens.weight", "model.norm.weight", "lm_head.weight")
        elif arch == "internlm2":
            config = {"architectures": ["InternLM2ForCausalLM"], "model_type": "internlm2", "hidden_size": h,
                      "intermediate_size": ff, "num_hidden_layers": nl, "num_attention_heads": nh,
                      "num_key_value_heads": nkv, "rms_norm_eps": 1e-5, "rope_theta": 1000000.0,
                      "max_position_embeddings": 256, "vocab_size": n_vocab, "bias": False,
                      "rope_scaling": None, "bos_token_id": 1, "eos_token_id": 2}
            names = ("model.tok_embeddings.weight", "model.norm.weight", "output.weight")
        else:
            nkv = nh
            config = {"architectures": ["BaichuanForCausalLM"], "model_type": "baichuan", "hidden_size": h,
                      "intermediate_size": ff, "num_hidden_layers": nl, "num_attention_heads": nh,
                      "rms_norm_eps": 1e-6, "model_max_length": 256, "vocab_size": n_vocab,
                      "tie_word_embeddings": False, "bos_token_id": 1, "eos_token_id": 2}
            names = ("model.embed_tokens.weight", "model.norm.weight", "lm_head.weight")
        w[names[0]] = _rand(rng, n_vocab, h, scale=0.5)
        for i in range(nl):
            p = f"model.layers.{i}."
            if arch == "internlm2":
                w[p + "attention_norm.weight"] = _norm(rng, h)
                w[p + "attention.wqkv.weight"] = _rand(rng, (nh + 2 * nkv) * hd, h)
                w[p + "attention.wo.weight"] = _rand(rng, h, nh * hd)
                w[p + "ffn_norm.weight"] = _norm(rng, h)
                w[p + "feed_forward.w1.weight"] = _rand(rng, ff, h)
                w[p + "feed_forward.w3.weight"] = _rand(rng, ff, h)
                w[p + "feed_forward.w2.weight"] = _rand(rng, h, ff)
                continue
            w[p + "input_layernorm.weight"] = _norm(rng, h)
            if arch == "baichuan2":
                w[p + "self_attn.W_pack.weight"] = _rand(rng, 3 * h, h)
            else:
                w[p + "self_attn.q_proj.weight"] = _rand(rng, nh * hd, h)
                w[p + "self_attn.k_proj.weight"] = _rand(rng, nkv * hd, h)
                w[p + "self_attn.v_proj.weight"] = _rand(rng, nkv * hd, h)
            w[p + "self_attn.o_proj.weight"] = _rand(rng, h, nh * hd)
            w[p + "post_attention_layernorm.weight"] = _norm(rng, h)
            w[p + "mlp.gate_proj.weight"] = _rand(rng, ff, h)
            w[p + "mlp.up_proj.weight"] = _rand(rng, ff, h)
            w[p + "mlp.down_proj.weight"] = _rand(rng, h, ff)
        w[names[1]] = _norm(rng, h)
        w[names[2]] = _rand(rng, n_vocab, h, scale=1.0)  # NormHead rescales baichuan's anyway

    elif arch == "glm4hf":
        specials = ["<|endoftext|>", "[MASK]", "[gMASK]", "[sMASK]", "<sop>", "<eop>", "<|system|>",
                    "<|user|>", "<|assistant|>", "<|observation|>"]
        tj = bpe_tokenizer_json("llama3", specials, None)
        (root / "tokenizer.json").write_text(json.dumps(tj, ensure_ascii=False))
        n_tok = len(tj["model"]["vocab"]) + len(specials)
        tcfg = {"eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
                "chat_template": "[gMASK]<sop>{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}{% endfor %}"}
        n_vocab = n_tok + 6
        hd = 16
        config = {"architectures": ["GlmForCausalLM"], "model_type": "glm", "hidden_size": h,
                  "intermediate_size": ff, "num_hidden_layers": nl, "num_attention_heads": nh,
                  "num_key_value_heads": nkv, "head_dim": hd, "partial_rotary_factor": 0.5,
                  "rms_norm_eps": 1.5625e-07, "rope_theta": 10000.0, "max_position_embeddings": 256,
                  "vocab_size": n_vocab, "attention_bias": True, "tie_word_embeddings": False,
                  "hidden_act": "silu", "pad_token_id": len(tj["model"]["vocab"]),
                  "eos_token_id": len(tj["model"]["vocab"])}
        w["model.embed_tokens.weight"] = _rand(rng, n_vocab, h, scale=0.5)
        for i in range(nl):
            p = f"model.layers.{i}."
            w[p + "input_layernorm.weight"] = _norm(rng, h)
            w[p + "self_attn.q_proj.weight"] = _rand(rng, nh * hd, h)
            w[p + "self_attn.q_proj.bias"] = _rand(rng, nh * hd)
            w[p + "self_attn.k_proj.weight"] = _rand(rng, nkv * hd, h)
            w[p + "self_attn.k_proj.bias"] = _rand(rng, nkv * hd)
            w[p + "self_attn.v_proj.weight"] = _rand(rng, nkv * hd, h)
            w[p + "self_attn.v_proj.bias"] = _rand(rng, nkv * hd)
            w[p + "self_attn.o_proj.weight"] = _rand(rng, h, nh * hd)
            w[p + "post_attention_layernorm.weight"] = _norm(rng, h)
            w[p + "mlp.gate_up_proj.weight"] = _rand(rng, 2 * ff, h)
            w[p + "mlp.down_proj.weight"] = _rand(rng, h, ff)
        w["model.norm.weight"] = _norm(rng, h)
        w["lm_head.weight"] = _rand(rng, n_vocab, h)

    elif arch == "glm4":
        model, n_tok = tiktoken_model()
        (root / "tokenizer.model").write_bytes(model)
        specials = ["<|endoftext|>", "[MASK]", "[gMASK]", "[sMASK]", "<sop>", "<eop>", "<|system|>",
                    "<|user|>", "<|assistant|>", "<|observation|>"]
        tcfg = {"eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
                "added_tokens_decoder": {str(n_tok + k): {"content": s, "special": True} for k, s in enumerate(specials)},
                "chat_template": "[gMASK]<sop>{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}{% endfor %}"
                                 "{% if add_generation_prompt %}<|assistant|>{% endif %}"}
        n_vocab = n_tok + len(specials) + 6
        hd = 16
        config = {"architectures": ["ChatGLMModel"], "model_type": "chatglm", "hidden_size": h,
                  "ffn_hidden_size": ff, "num_layers": nl, "num_attention_heads": nh, "kv_channels": hd,
                  "multi_query_attention": True, "multi_query_group_num": nkv, "layernorm_epsilon": 1.5625e-07,
                  "seq_length": 256, "padded_vocab_size": n_vocab, "rope_ratio": 500, "add_qkv_bias": True,
                  "add_bias_linear": False, "rmsnorm": True, "post_layer_norm": True,
                  "apply_residual_connection_post_layernorm": False, "original_rope": True,
                  "eos_token_id": [n_tok, n_tok + 7], "pad_token_id": n_tok}
        t = "transformer."
        w[t + "embedding.word_embeddings.weight"] = _rand(rng, n_vocab, h, scale=0.5)
        w[t + "rotary_pos_emb.inv_freq"] = (1.0 / (10000 ** (np.arange(0, hd // 2, 2) / (hd // 2)))).astype(np.float32)
        for i in range(nl):
            p = f"{t}encoder.layers.{i}."
            w[p + "input_layernorm.weight"] = _norm(rng, h)
            w[p + "self_attention.query_key_value.weight"] = _rand(rng, (nh + 2 * nkv) * hd, h)
            w[p + "self_attention.query_key_value.bias"] = _rand(rng, (nh + 2 * nkv) * hd)
            w[p + "self_attention.dense.weight"] = _rand(rng, h, nh * hd)
            w[p + "post_attention_layernorm.weight"] = _norm(rng, h)
            w[p + "mlp.dense_h_to_4h.weight"] = _rand(rng, 2 * ff, h)
            w[p + "mlp.dense_4h_to_h.weight"] = _rand(rng, h, ff)
        w[t + "encoder.final_layernorm.weight"] = _norm(rng, h)
        w[t + "output_layer.weight"] = _rand(rng, n_vocab, h)
    else:
        raise ValueError(arch)

    (root / "config.json").write_text(json.dumps(config, indent=1))
    (root / "tokenizer_config.json").write_text(json.dumps(tcfg, ensure_ascii=False, indent=1))
    names = list(w)
    if shards == 1:
        write_safetensors(root / "model.safetensors", w, dtype)
    else:
        per = math.ceil(len(names) / shards)
        weight_map = {}
        for s in range(shards):
            fname = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            part = {n: w[n] for n in names[s * per:(s + 1) * per]}
            write_safetensors(root / fname, part, dtype)
            weight_map.update({n: fname for n in part})
        (root / "model.safetensors.index.json").write_text(json.dumps({"metadata": {}, "weight_map": weight_map}))
    stored = {n: stored_values(a, dtype) for n, a in w.items()}
    return Tiny(root, arch, config, stored, n_vocab, dtype)


# -- numpy reference forward passes -------------------------------------------------------

def _rms(x: np.ndarray, g: np.ndarray, eps: float) -> np.ndarray:
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * g


def _rotate_half(x: np.ndarray, pos: np.ndarray, theta: float, factors: np.ndarray | None = None) -> np.ndarray:
    """HF rope: x (T, H, D), pairs (i, i + D/2)."""
    d = x.shape[-1]
    inv = 1.0 / theta ** (np.arange(0, d, 2) / d)
    if factors is not None:
        inv = inv / factors
    ang = pos[:, None] * inv[None, :]
    cos = np.concatenate([np.cos(ang)] * 2, -1)[:, None, :]
    sin = np.concatenate([np.sin(ang)] * 2, -1)[:, None, :]
    x1, x2 = x[..., : d // 2], x[..., d // 2:]
    return x * cos + np.concatenate([-x2, x1], -1) * sin


def _glm_rope(x: np.ndarray, pos: np.ndarray, theta: float) -> np.ndarray:
    """GLM rope: the first half of each head rotated in interleaved pairs (x0, x1), (x2, x3), ..."""
    d = x.shape[-1]
    rot = d // 2
    inv = 1.0 / theta ** (np.arange(0, rot, 2) / rot)
    ang = pos[:, None] * inv[None, :]
    cos, sin = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
    xr = x[..., :rot].reshape(*x.shape[:-1], rot // 2, 2)
    a, b = xr[..., 0], xr[..., 1]
    out = np.stack([a * cos - b * sin, b * cos + a * sin], -1).reshape(*x.shape[:-1], rot)
    return np.concatenate([out, x[..., rot:]], -1)


def alibi_slopes(n: int) -> list[float]:
    """Baichuan2-13B's _get_interleave: ALiBi head slopes, interleaved for non-powers of two."""
    def power_of_2(m: int) -> list[float]:
        start = 2 ** (-(2 ** -(math.log2(m) - 3)))
        return [start * start**i for i in range(m)]

    if math.log2(n).is_integer():
        return power_of_2(n)
    closest = 2 ** math.floor(math.log2(n))
    return power_of_2(closest) + alibi_slopes(2 * closest)[0::2][: n - closest]


def _attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, alibi: bool = False) -> np.ndarray:
    T, H, D = q.shape
    groups = H // k.shape[1]
    k = np.repeat(k, groups, axis=1)
    v = np.repeat(v, groups, axis=1)
    scores = np.einsum("thd,shd->hts", q, k) / math.sqrt(D)
    if alibi:  # bias slope * key position (softmax ignores the per-row constant)
        scores = scores + np.asarray(alibi_slopes(H))[:, None, None] * np.arange(T)[None, None, :]
    scores = scores + np.triu(np.full((T, T), -np.inf), 1)[None]
    scores = np.exp(scores - scores.max(-1, keepdims=True))
    scores /= scores.sum(-1, keepdims=True)
    return np.einsum("hts,shd->thd", scores, v).reshape(T, H * D)


def _silu(x: np.ndarray) -> np.ndarray:
    return x / (1 + np.exp(-x))


def llama3_factors(config: dict, d: int) -> np.ndarray:
    s = config["rope_scaling"]
    inv = 1.0 / config["rope_theta"] ** (np.arange(0, d, 2) / d)
    wl = 2 * math.pi / inv
    lo_wl = s["original_max_position_embeddings"] / s["low_freq_factor"]
    hi_wl = s["original_max_position_embeddings"] / s["high_freq_factor"]
    new = np.where(wl > lo_wl, inv / s["factor"], inv)
    smooth = (s["original_max_position_embeddings"] / wl - s["low_freq_factor"]) / (s["high_freq_factor"] - s["low_freq_factor"])
    mid = (1 - smooth) * new / s["factor"] + smooth * new
    new = np.where((wl >= hi_wl) & (wl <= lo_wl), mid, new)
    return inv / new


def reference_logits(tiny: Tiny, tokens: list[int], weights: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Logits (T, vocab) computed in float64 from the stored weights, per the HF modelling code."""
    W = {n: a.astype(np.float64) for n, a in (weights or tiny.weights).items()}
    c = tiny.config
    a = tiny.arch
    pos = np.arange(len(tokens), dtype=np.float64)
    if a == "glm4":
        nh, nkv, hd = c["num_attention_heads"], c["multi_query_group_num"], c["kv_channels"]
        eps, theta = c["layernorm_epsilon"], 10000.0 * c["rope_ratio"]
        x = W["transformer.embedding.word_embeddings.weight"][tokens]
        for i in range(c["num_layers"]):
            p = f"transformer.encoder.layers.{i}."
            hn = _rms(x, W[p + "input_layernorm.weight"], eps)
            qkv = hn @ W[p + "self_attention.query_key_value.weight"].T + W[p + "self_attention.query_key_value.bias"]
            q, k, v = np.split(qkv, [nh * hd, nh * hd + nkv * hd], -1)
            q = _glm_rope(q.reshape(-1, nh, hd), pos, theta)
            k = _glm_rope(k.reshape(-1, nkv, hd), pos, theta)
            x = x + _attention(q, k, v.reshape(-1, nkv, hd)) @ W[p + "self_attention.dense.weight"].T
            hn = _rms(x, W[p + "post_attention_layernorm.weight"], eps)
            gate, up = np.split(hn @ W[p + "mlp.dense_h_to_4h.weight"].T, 2, -1)
            x = x + (_silu(gate) * up) @ W[p + "mlp.dense_4h_to_h.weight"].T
        x = _rms(x, W["transformer.encoder.final_layernorm.weight"], eps)
        return x @ W["transformer.output_layer.weight"].T

    if a == "glm4hf":
        nh, nkv, hd, eps = c["num_attention_heads"], c["num_key_value_heads"], c["head_dim"], c["rms_norm_eps"]
        x = W["model.embed_tokens.weight"][tokens]
        for i in range(c["num_hidden_layers"]):
            p = f"model.layers.{i}."
            hn = _rms(x, W[p + "input_layernorm.weight"], eps)
            q, k, v = ((hn @ W[p + f"self_attn.{n}_proj.weight"].T + W[p + f"self_attn.{n}_proj.bias"]) for n in "qkv")
            q = _glm_rope(q.reshape(-1, nh, hd), pos, c["rope_theta"])
            k = _glm_rope(k.reshape(-1, nkv, hd), pos, c["rope_theta"])
            x = x + _attention(q, k, v.reshape(-1, nkv, hd)) @ W[p + "self_attn.o_proj.weight"].T
            hn = _rms(x, W[p + "post_attention_layernorm.weight"], eps)
            gate, up = np.split(hn @ W[p + "mlp.gate_up_proj.weight"].T, 2, -1)
            x = x + (_silu(gate) * up) @ W[p + "mlp.down_proj.weight"].T
        return _rms(x, W["model.norm.weight"], eps) @ W["lm_head.weight"].T

    nh = c["num_attention_heads"]
    nkv = c.get("num_key_value_heads") or nh
    hd = c.get("head_dim") or c["hidden_size"] // nh
    eps = c["rms_norm_eps"]
    theta = c.get("rope_theta", 10000.0)
    factors = llama3_factors(c, hd) if c.get("rope_scaling") else None
    emb = {"internlm2": "model.tok_embeddings.weight"}.get(a, "model.embed_tokens.weight")
    x = W[emb][tokens]
    T = len(tokens)
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        if a == "internlm2":
            hn = _rms(x, W[p + "attention_norm.weight"], eps)
            qkv = (hn @ W[p + "attention.wqkv.weight"].T).reshape(T, nkv, nh // nkv + 2, hd)
            q = qkv[:, :, : nh // nkv, :].reshape(T, nh, hd)
            k, v = qkv[:, :, -2, :], qkv[:, :, -1, :]
            wo = W[p + "attention.wo.weight"]
        else:
            hn = _rms(x, W[p + "input_layernorm.weight"], eps)
            if a == "baichuan2":
                q, k, v = np.split(hn @ W[p + "self_attn.W_pack.weight"].T, 3, -1)
            else:
                q = hn @ W[p + "self_attn.q_proj.weight"].T
                k = hn @ W[p + "self_attn.k_proj.weight"].T
                v = hn @ W[p + "self_attn.v_proj.weight"].T
                if a == "qwen2":
                    q, k, v = (q + W[p + "self_attn.q_proj.bias"], k + W[p + "self_attn.k_proj.bias"],
                               v + W[p + "self_attn.v_proj.bias"])
            q, k, v = q.reshape(T, nh, hd), k.reshape(T, nkv, hd), v.reshape(T, nkv, hd)
            if a == "qwen3":
                q = _rms(q, W[p + "self_attn.q_norm.weight"], eps)
                k = _rms(k, W[p + "self_attn.k_norm.weight"], eps)
            wo = W[p + "self_attn.o_proj.weight"]
        alibi = a == "baichuan2" and c["num_hidden_layers"] == 40  # Baichuan2-13B
        if not alibi:
            q, k = _rotate_half(q, pos, theta, factors), _rotate_half(k, pos, theta, factors)
        x = x + _attention(q, k, v, alibi) @ wo.T
        if a == "internlm2":
            hn = _rms(x, W[p + "ffn_norm.weight"], eps)
            f = p + "feed_forward."
            x = x + (_silu(hn @ W[f + "w1.weight"].T) * (hn @ W[f + "w3.weight"].T)) @ W[f + "w2.weight"].T
        else:
            hn = _rms(x, W[p + "post_attention_layernorm.weight"], eps)
            f = p + "mlp."
            x = x + (_silu(hn @ W[f + "gate_proj.weight"].T) * (hn @ W[f + "up_proj.weight"].T)) @ W[f + "down_proj.weight"].T
    x = _rms(x, W["model.norm.weight"], eps)
    if a == "internlm2":
        head = W["output.weight"]
    elif "lm_head.weight" in W:
        head = W["lm_head.weight"]
        if a == "baichuan2":  # NormHead
            head = head / np.linalg.norm(head, axis=1, keepdims=True)
    else:
        head = W[emb]
    return x @ head.T
