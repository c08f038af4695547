"""Tokenizer -> GGUF vocabulary: byte-level BPE (tokenizer.json), SentencePiece
(tokenizer.model) and GLM-4's tiktoken ranks (tokenizer.model as text).

`tokenizer.ggml.pre` is read off the tokenizer's own pre-tokenizer: its split regex
(or pre-tokenizer chain) is matched against the ones llama.cpp implements, so the GGUF
splits text exactly as the source tokenizer does; an unknown pre-tokenizer is refused
rather than guessed.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gguf
from gguf.vocab import bytes_to_unicode

from soulchat_local.errors import UserError

from . import sentencepiece_model
from .checkpoint import Checkpoint, read_json

NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6

# Split regexes as they appear in tokenizer.json, and the llama.cpp pre-tokenizer that
# implements each (llama.cpp src/llama-vocab.cpp, LLAMA_VOCAB_PRE_TYPE_*).
_LLAMA3 = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
_QWEN2 = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
REGEX_PRE = {_LLAMA3: "llama-bpe", _QWEN2: "qwen2"}


@dataclass
class Vocab:
    model: str                      # "gpt2" (byte-level BPE) or "llama" (SentencePiece)
    tokens: list[str]
    types: list[int]
    pre: str | None = None
    scores: list[float] | None = None
    merges: list[str] = field(default_factory=list)
    special: dict[str, int] = field(default_factory=dict)  # bos, eos, unk, pad, eot
    add_bos: bool | None = None
    add_eos: bool | None = None
    add_space_prefix: bool | None = None
    chat_template: str | None = None

    def write(self, writer: gguf.GGUFWriter) -> None:
        writer.add_tokenizer_model(self.model)
        if self.pre:
            writer.add_tokenizer_pre(self.pre)
        writer.add_token_list(self.tokens)
        writer.add_token_types(self.types)
        if self.scores is not None:
            writer.add_token_scores(self.scores)
        if self.merges:
            writer.add_token_merges(self.merges)
        for kind, tid in self.special.items():
            getattr(writer, f"add_{kind}_token_id")(tid)
        if self.add_bos is not None:
            writer.add_add_bos_token(self.add_bos)
        if self.add_eos is not None:
            writer.add_add_eos_token(self.add_eos)
        if self.add_space_prefix is not None:
            writer.add_add_space_prefix(self.add_space_prefix)
        if self.chat_template:
            writer.add_chat_template(self.chat_template)


# -- reading the tokenizer files ----------------------------------------------------------

def load_vocab(ckpt: Checkpoint, n_vocab: int, pre_hint: str | None = None) -> Vocab:
    """The checkpoint's vocabulary, padded to the embedding's `n_vocab` rows."""
    tok_json = ckpt.file("tokenizer.json")
    tok_model = ckpt.file("tokenizer.model")
    tcfg = ckpt.json_file("tokenizer_config.json") or {}
    vocab: Vocab | None = None
    if tok_json is not None:
        data = read_json(tok_json, "tokenizer")
        if _is_byte_level(data):
            vocab = _bpe_from_tokenizer_json(data, pre_hint)
        elif tok_model is None:
            raise UserError(
                f"{tok_json} is a SentencePiece-style tokenizer but tokenizer.model is missing; "
                "copy tokenizer.model into the checkpoint"
            )
    if vocab is None and tok_model is not None:
        raw = _read_bytes(tok_model)
        if looks_like_tiktoken(raw):
            vocab = _bpe_from_tiktoken(raw, tcfg, pre_hint or "chatglm-bpe")
        else:
            vocab = _spm_from_model(raw, tok_model, tcfg, ckpt.json_file("added_tokens.json"))
    if vocab is None:
        raise UserError(
            f"{ckpt.root} has no tokenizer (tokenizer.json or tokenizer.model); "
            "copy the base model's tokenizer files into the checkpoint"
        )
    _pad(vocab, n_vocab)
    _special_tokens(vocab, ckpt, tcfg)
    vocab.chat_template = _chat_template(ckpt, tcfg)
    return vocab


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _pre_tokenizers(data: dict) -> list[dict]:
    pre = data.get("pre_tokenizer") or {}
    if pre.get("type") == "Sequence":
        return list(pre.get("pretokenizers") or [])
    return [pre] if pre else []


def _is_byte_level(data: dict) -> bool:
    model = data.get("model") or {}
    if model.get("type") != "BPE":
        return False
    decoder = data.get("decoder") or {}
    decoders = decoder.get("decoders") or [decoder]
    return any(p.get("type") == "ByteLevel" for p in _pre_tokenizers(data)) or any(
        d.get("type") == "ByteLevel" for d in decoders
    )


def detect_pre(data: dict) -> str:
    """The llama.cpp pre-tokenizer that splits text like this tokenizer.json does."""
    pres = _pre_tokenizers(data)
    kinds = [p.get("type") for p in pres]
    splits = [p for p in pres if p.get("type") == "Split"]
    if len(splits) == 1 and kinds == ["Split", "ByteLevel"] and pres[1].get("use_regex", True) is False:
        regex = (splits[0].get("pattern") or {}).get("Regex")
        if regex == _LLAMA3 and not (data.get("model") or {}).get("ignore_merges", False):
            # same split, but whole words in the vocabulary still go through the merges:
            # llama.cpp's "smaug-bpe" is the llama3 regex without ignore_merges
            return "smaug-bpe"
        if regex in REGEX_PRE:
            return REGEX_PRE[regex]
    if kinds == ["Digits", "ByteLevel"] and pres[0].get("individual_digits") and pres[1].get("use_regex", True):
        return "smollm"
    if kinds == ["ByteLevel"] and pres[0].get("use_regex", True):
        return "gpt-2"
    raise UserError(
        f"the tokenizer's pre-tokenizer ({' + '.join(str(k) for k in kinds) or 'none'}) is not one "
        "llama.cpp implements exactly (llama3, qwen2, smollm, gpt-2); refusing to guess"
    )


def _bpe_from_tokenizer_json(data: dict, pre_hint: str | None) -> Vocab:
    model = data["model"]
    table: dict[str, int] = model.get("vocab") or {}
    added = {int(t["id"]): t for t in data.get("added_tokens") or []}
    size = max([*table.values(), *added.keys(), -1]) + 1
    tokens: list[str | None] = [None] * size
    types = [NORMAL] * size
    for text, tid in table.items():
        tokens[tid] = text
    for tid, tok in added.items():
        tokens[tid] = tok["content"]
        types[tid] = CONTROL if tok.get("special") else USER_DEFINED
    for i, t in enumerate(tokens):
        if t is None:
            tokens[i] = f"[PAD{i}]"
            types[i] = UNUSED
    merges = [m if isinstance(m, str) else " ".join(m) for m in model.get("merges") or []]
    pre = pre_hint or detect_pre(data)
    vocab = Vocab("gpt2", tokens, types, pre=pre, merges=merges)  # type: ignore[arg-type]
    post = data.get("post_processor") or {}
    vocab.add_bos = bool(_template_adds_bos(post))
    return vocab


def _template_adds_bos(post: dict) -> bool | None:
    procs = post.get("processors") if post.get("type") == "Sequence" else [post]
    for p in procs or []:
        if p and p.get("type") == "TemplateProcessing":
            single = p.get("single") or []
            return bool(single) and "SpecialToken" in single[0]
    return None


def looks_like_tiktoken(raw: bytes) -> bool:
    first = raw.split(b"\n", 1)[0]
    return re.fullmatch(rb"[A-Za-z0-9+/=]+ \d+", first.strip()) is not None


def _bpe_from_tiktoken(raw: bytes, tcfg: dict, pre: str) -> Vocab:
    """GLM-4's tokenizer.model: one `base64(bytes) rank` per line; merges are rebuilt from ranks."""
    ranks: dict[bytes, int] = {}
    try:
        for line in raw.decode("ascii").splitlines():
            if line.strip():
                b64, rank = line.split()
                ranks[base64.b64decode(b64)] = int(rank)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"tokenizer.model is neither SentencePiece nor a tiktoken rank file ({exc})") from exc
    enc = bytes_to_unicode()
    size = max(ranks.values()) + 1
    tokens: list[str | None] = [None] * size
    types = [NORMAL] * size
    merges: list[str] = []
    for token, rank in sorted(ranks.items(), key=lambda kv: kv[1]):
        tokens[rank] = "".join(enc[b] for b in token)
        if len(token) > 1:
            parts = _bpe_split(ranks, token, rank)
            if len(parts) == 2:
                merges.append(" ".join("".join(enc[b] for b in p) for p in parts))
    for tid_s, info in (tcfg.get("added_tokens_decoder") or {}).items():
        tid = int(tid_s)
        if tid >= len(tokens):
            tokens.extend([None] * (tid + 1 - len(tokens)))
            types.extend([NORMAL] * (tid + 1 - len(types)))
        tokens[tid] = info["content"]
        types[tid] = CONTROL if info.get("special", True) else USER_DEFINED
    for i, t in enumerate(tokens):
        if t is None:
            tokens[i] = f"[PAD{i}]"
            types[i] = UNUSED
    return Vocab("gpt2", tokens, types, pre=pre, merges=merges, add_bos=False)  # type: ignore[arg-type]


def _bpe_split(ranks: dict[bytes, int], token: bytes, max_rank: int) -> list[bytes]:
    """Apply the BPE merges of lower rank than `max_rank` to `token`'s bytes."""
    parts = [bytes([b]) for b in token]
    while True:
        best: tuple[int, int] | None = None
        for i in range(len(parts) - 1):
            r = ranks.get(parts[i] + parts[i + 1])
            if r is not None and r < max_rank and (best is None or r < best[0]):
                best = (r, i)
        if best is None:
            return parts
        i = best[1]
        parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2:]


def _spm_from_model(raw: bytes, path: Path, tcfg: dict, extra_added: dict | None) -> Vocab:
    try:
        sp = sentencepiece_model.parse(raw)
    except (sentencepiece_model.ProtoError, UnicodeDecodeError) as exc:
        raise UserError(f"{path} is not a SentencePiece model ({exc}); re-download it") from exc
    tokens, scores, types = list(sp.pieces), list(sp.scores), list(sp.types)
    for i, piece in enumerate(tokens):
        # a piece that is empty or a NUL character would read as an empty C string in
        # llama.cpp (InternLM2 has one); keep the id, mark the piece unused
        if piece in ("", "\x00"):
            tokens[i], types[i] = f"[UNUSED_NUL_{i}]", UNUSED
        elif piece.startswith("[UNUSED"):
            types[i] = UNUSED
    added = {int(k): {"content": v["content"], "special": bool(v.get("special"))}
             for k, v in (tcfg.get("added_tokens_decoder") or {}).items()}
    for content, tid in (extra_added or {}).items():
        added.setdefault(int(tid), {"content": content, "special": False})
    for tid, info in sorted(added.items()):
        if tid >= len(tokens):
            gap = tid + 1 - len(tokens)
            tokens.extend(f"[PAD{len(tokens) + k}]" for k in range(gap))
            scores.extend([-1000.0] * gap)
            types.extend([UNUSED] * gap)
        tokens[tid] = info["content"]
        scores[tid] = -1000.0
        types[tid] = CONTROL if info["special"] else USER_DEFINED
    return Vocab(
        "llama", tokens, types, scores=scores,
        add_bos=True, add_eos=False, add_space_prefix=sp.add_dummy_prefix,
    )


def _pad(vocab: Vocab, n_vocab: int) -> None:
    if len(vocab.tokens) > n_vocab:
        raise UserError(
            f"the tokenizer has {len(vocab.tokens)} tokens but the model's embedding has {n_vocab} rows: "
            "the tokenizer belongs to another model"
        )
    for i in range(len(vocab.tokens), n_vocab):
        vocab.tokens.append(f"[PAD{i}]")
        vocab.types.append(UNUSED)
        if vocab.scores is not None:
            vocab.scores.append(-1000.0)


def _token_text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) else None


def _first_id(value: Any) -> int | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return int(value) if isinstance(value, int) else None


def _special_tokens(vocab: Vocab, ckpt: Checkpoint, tcfg: dict) -> None:
    ids = {t: i for i, t in enumerate(vocab.tokens)}
    gen = ckpt.json_file("generation_config.json") or {}
    for kind in ("bos", "eos", "unk", "pad"):
        text = _token_text(tcfg.get(f"{kind}_token"))
        tid = ids.get(text) if text is not None else None
        if tid is None:
            tid = _first_id(ckpt.config.get(f"{kind}_token_id"))
        if tid is None:
            tid = _first_id(gen.get(f"{kind}_token_id"))
        if tid is not None and 0 <= tid < len(vocab.tokens):
            vocab.special[kind] = tid
    for text in ("<|eot_id|>", "<|im_end|>", "<|user|>"):
        if text in ids and vocab.types[ids[text]] == CONTROL:
            vocab.special["eot"] = ids[text]
            break
    if "add_bos_token" in tcfg:
        vocab.add_bos = bool(tcfg["add_bos_token"])
    if "add_eos_token" in tcfg:
        vocab.add_eos = bool(tcfg["add_eos_token"])
    if vocab.add_bos and "bos" not in vocab.special:
        vocab.add_bos = False


def _chat_template(ckpt: Checkpoint, tcfg: dict) -> str | None:
    template = tcfg.get("chat_template")
    if isinstance(template, list):
        named = {t.get("name"): t.get("template") for t in template if isinstance(t, dict)}
        template = named.get("default") or next(iter(named.values()), None)
    if isinstance(template, str) and template.strip():
        return template
    jinja = ckpt.file("chat_template.jinja")
    if jinja is not None:
        return jinja.read_text(encoding="utf-8")
    data = ckpt.json_file("chat_template.json")
    if data and isinstance(data.get("chat_template"), str):
        return data["chat_template"]
    return None
