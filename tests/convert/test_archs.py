"""Every supported architecture: a tiny random checkpoint converted to F32/F16/BF16 GGUF,
run by llama.cpp, compared with a reference forward pass on the same tokens.

References: transformers on the CPU for the architectures it ships (llama, mistral,
qwen2, qwen3, GLM-4 in its transformers layout); for the ones that need trust_remote_code
(internlm2, baichuan2, GLM-4 in its original ChatGLM layout)
the numpy forward pass in tiny.py, which follows their modelling code and is itself
checked against transformers on the architectures both have.

Thresholds (max |logit difference| relative to the reference logits' standard deviation):
- F32 file: 1e-4. Weights are stored exactly and the KV cache is F32, so only float32
  summation order differs from the float64 reference (measured: <= 3e-6).
- F16 file: 2e-2. Weights and, in llama.cpp's F16 matmul, activations are rounded to an
  11-bit mantissa (relative error 4.9e-4 each) through two layers (measured: <= 9e-3).
- BF16 file: 8e-2. An 8-bit mantissa is 8x coarser than F16 (measured: 3.7e-2).
A wrong layout (a missed rope reordering, a swapped q/k split, an unnormalised
NormHead) moves logits by about one standard deviation, far above all three.
"""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

from soulchat_local.convert import convert_checkpoint

from .conftest import ARCHS, TOKENS, field, gguf_logits, read_gguf
from .tiny import reference_logits

TOLERANCE = {"f32": 1e-4, "f16": 2e-2, "bf16": 8e-2}
HF_ARCHS = ("llama", "smollm2", "mistral", "qwen2", "qwen3", "glm4hf")
HAVE_TRANSFORMERS = importlib.util.find_spec("torch") is not None and importlib.util.find_spec("transformers") is not None


def _convert(tiny, tmp_path, quant):
    (path,) = convert_checkpoint(tiny.path, tmp_path / "out", [quant], register=False, quality_report=False)
    return path


def _assert_close(got: np.ndarray, ref: np.ndarray, quant: str) -> None:
    scale = float(ref.std())
    err = float(np.abs(got - ref).max())
    assert err <= TOLERANCE[quant] * scale, f"max |diff| {err:.3g} > {TOLERANCE[quant]} x std {scale:.3g}"
    assert (got.argmax(-1) == ref.argmax(-1)).mean() >= (1.0 if quant == "f32" else 0.9)


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("quant", ["f32", "f16"])
def test_logits_match_reference(arch, quant, make_tiny, tmp_path):
    tiny = make_tiny(arch)
    path = _convert(tiny, tmp_path, quant)
    _assert_close(gguf_logits(path, TOKENS), reference_logits(tiny, TOKENS), quant)


def test_baichuan2_13b_alibi(make_tiny, tmp_path):
    """40 layers mark Baichuan2-13B (ALiBi, no rope), written as llama.cpp's `baichuan`;
    six heads exercise the interleaved slopes of a head count that is not a power of two."""
    tiny = make_tiny("baichuan2", dims={"layers": 40, "hidden": 96, "heads": 6})
    path = _convert(tiny, tmp_path, "f32")
    assert field(read_gguf(path), "general.architecture") == "baichuan"
    _assert_close(gguf_logits(path, TOKENS), reference_logits(tiny, TOKENS), "f32")


def test_bf16_output_from_bf16_sharded_checkpoint(make_tiny, tmp_path):
    tiny = make_tiny("qwen2", dtype="BF16", shards=3)
    path = _convert(tiny, tmp_path, "bf16")
    reader = read_gguf(path)
    kinds = {t.name: t.tensor_type.name for t in reader.tensors}
    assert kinds["blk.0.attn_q.weight"] == "BF16" and kinds["blk.0.attn_q.bias"] == "F32"
    _assert_close(gguf_logits(path, TOKENS), reference_logits(tiny, TOKENS), "bf16")


@pytest.mark.skipif(not HAVE_TRANSFORMERS, reason="torch/transformers not installed: .ci/run installs them")
@pytest.mark.parametrize("arch", HF_ARCHS)
def test_logits_match_transformers(arch, make_tiny, tmp_path):
    import torch
    import transformers

    tiny = make_tiny(arch)
    model = transformers.AutoModelForCausalLM.from_pretrained(tiny.path, dtype=torch.float32)
    with torch.no_grad():
        ref = model(torch.tensor([TOKENS])).logits[0].double().numpy()
    # the numpy reference used for the other architectures agrees with transformers too
    np.testing.assert_allclose(reference_logits(tiny, TOKENS), ref, atol=1e-4 * ref.std())
    _assert_close(gguf_logits(_convert(tiny, tmp_path, "f32"), TOKENS), ref, "f32")


def test_metadata_of_a_llama3_checkpoint(make_tiny, tmp_path):
    tiny = make_tiny("llama")
    reader = read_gguf(_convert(tiny, tmp_path, "f16"))
    tokenizer = json.loads((tiny.path / "tokenizer.json").read_text())
    ids = {t["content"]: t["id"] for t in tokenizer["added_tokens"]}
    assert field(reader, "general.architecture") == "llama"
    assert field(reader, "general.name") == tiny.path.name
    assert field(reader, "tokenizer.ggml.model") == "gpt2"
    assert field(reader, "tokenizer.ggml.pre") == "llama-bpe"
    assert field(reader, "tokenizer.ggml.bos_token_id") == ids["<|begin_of_text|>"]
    assert field(reader, "tokenizer.ggml.eos_token_id") == ids["<|eot_id|>"]
    assert field(reader, "tokenizer.ggml.add_bos_token") is True
    assert field(reader, "tokenizer.chat_template") == json.loads((tiny.path / "tokenizer_config.json").read_text())["chat_template"]
    assert field(reader, "llama.rope.freq_base") == pytest.approx(500000.0)
    assert field(reader, "llama.attention.head_count_kv") == 2
    assert len(field(reader, "tokenizer.ggml.tokens")) == tiny.n_vocab  # padded to the embedding
    types = {t.name: t.tensor_type.name for t in reader.tensors}
    assert types["rope_freqs.weight"] == "F32" and types["blk.0.attn_norm.weight"] == "F32"
    assert types["blk.0.ffn_up.weight"] == "F16" and "output.weight" in types


def test_tied_embeddings_write_no_output_tensor(make_tiny, tmp_path):
    reader = read_gguf(_convert(make_tiny("smollm2"), tmp_path, "f16"))
    names = {t.name for t in reader.tensors}
    assert "output.weight" not in names and "token_embd.weight" in names
    assert field(reader, "tokenizer.ggml.pre") == "smollm"
    assert field(reader, "tokenizer.ggml.add_bos_token") is False


@pytest.mark.parametrize("arch,pre", [("qwen2", "qwen2"), ("glm4", "chatglm-bpe"), ("glm4hf", "glm4")])
def test_pre_tokenizer_per_family(arch, pre, make_tiny, tmp_path):
    reader = read_gguf(_convert(make_tiny(arch), tmp_path, "f16"))
    assert field(reader, "tokenizer.ggml.pre") == pre


def test_sentencepiece_vocab(make_tiny, tmp_path):
    tiny = make_tiny("internlm2")
    reader = read_gguf(_convert(tiny, tmp_path, "f16"))
    tokens = field(reader, "tokenizer.ggml.tokens")
    assert field(reader, "tokenizer.ggml.model") == "llama"
    assert tokens[:3] == ["<unk>", "<s>", "</s>"] and "▁hello" in tokens
    types = field(reader, "tokenizer.ggml.token_type")
    assert types[tokens.index("<|im_end|>")] == 3 and types[3] == 6  # control, byte
    assert field(reader, "tokenizer.ggml.add_space_prefix") is True
    nul = len(tokens) - 4  # the last piece of the model, before 3 rows of embedding padding
    assert tokens[nul] == f"[UNUSED_NUL_{nul}]" and types[nul] == 5  # llama.cpp would read "\x00" as ""


TEXTS = [
    "hello world, the counsellor listens.",
    "I feel tired 12345 and 6789!!",
    "你好，我最近睡不着。\n\n  spaces   here",
    "it's we'll THE Night's",
    "<|im_start|>user\nhi<|im_end|>",
]


@pytest.mark.skipif(importlib.util.find_spec("tokenizers") is None, reason="tokenizers not installed: .ci/run installs it with transformers")
@pytest.mark.parametrize("arch", ["llama", "llama-merges", "smollm2", "qwen2", "glm4hf"])
def test_tokenization_matches_the_source_tokenizer(arch, make_tiny, tmp_path):
    from tokenizers import Tokenizer

    from soulchat_local.llama_engine import open_llama

    tiny = make_tiny(arch.split("-")[0])
    if arch == "llama-merges":  # the llama3 split with merges always applied (ignore_merges off)
        data = json.loads((tiny.path / "tokenizer.json").read_text())
        data["model"]["ignore_merges"] = False
        vocab = data["model"]["vocab"]
        pad = next(i for i in range(len(vocab), tiny.n_vocab) if i not in {t["id"] for t in data["added_tokens"]})
        vocab["Ġlistens"] = pad  # a whole word in the vocabulary that no merge builds
        (tiny.path / "tokenizer.json").write_text(json.dumps(data, ensure_ascii=False))
    llm = open_llama(str(_convert(tiny, tmp_path, "f16")), vocab_only=True)
    source = Tokenizer.from_file(str(tiny.path / "tokenizer.json"))
    for text in TEXTS:
        assert llm.tokenize(text.encode(), add_bos=False, special=True) == source.encode(text, add_special_tokens=False).ids


@pytest.mark.parametrize("arch", ["mistral", "glm4"])
def test_tokenization_round_trips(arch, make_tiny, tmp_path):
    from soulchat_local.llama_engine import open_llama

    path = _convert(make_tiny(arch), tmp_path, "f16")
    tokens = field(read_gguf(path), "tokenizer.ggml.tokens")
    llm = open_llama(str(path), vocab_only=True)
    for text in TEXTS[:4]:
        ids = llm.tokenize(text.encode(), add_bos=False, special=False)
        assert llm.detokenize(ids).decode().strip() == text.strip()
    if arch == "mistral":  # SentencePiece: whole pieces win, with the dummy-prefix space
        assert llm.tokenize(b"hello world", add_bos=False) == [tokens.index("\u2581hello"), tokens.index("\u2581world")]
    else:  # GLM-4's role markers are single control tokens
        assert llm.tokenize(b"<|user|>", add_bos=False, special=True) == [tokens.index("<|user|>")]


def test_general_metadata_from_the_model_card(make_tiny, tmp_path):
    tiny = make_tiny("qwen2")
    (tiny.path / "README.md").write_text(
        "---\nlicense: apache-2.0\nbase_model: Qwen/Qwen2-7B-Instruct\nlanguage:\n- zh\n- en\n---\n# card\n")
    url = "https://modelscope.cn/models/YIRONGCHEN/SoulChat2.0-Qwen2-7B"
    (path,) = convert_checkpoint(tiny.path, tmp_path / "out", ["f16"], name="soulchat2-qwen2", register=False,
                                 source_url=url)
    reader = read_gguf(path)
    assert field(reader, "general.name") == "soulchat2-qwen2"
    assert field(reader, "general.license") == "apache-2.0"
    assert field(reader, "general.languages") == ["zh", "en"]
    assert field(reader, "general.base_model.0.organization") == "Qwen"
    assert field(reader, "general.finetune") is None
    assert field(reader, "general.source.url") == url


@pytest.mark.skipif(importlib.util.find_spec("regex") is None, reason="the regex package (installed with transformers) is absent")
def test_glm4_tokenization_matches_tiktoken_ranks(make_tiny, tmp_path):
    """GLM-4's tokenizer is tiktoken: split with its pattern, then merge the pair of lowest rank.
    The converter rebuilds BPE merges from the ranks; llama.cpp must tokenize as tiktoken does."""
    import base64

    import regex

    from soulchat_local.llama_engine import open_llama

    tiny = make_tiny("glm4")
    ranks = {base64.b64decode(b): int(r) for b, r in
             (line.split() for line in (tiny.path / "tokenizer.model").read_text().splitlines())}
    pattern = regex.compile(
        r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
        r"|\s*[\r\n]+|\s+(?!\S)|\s+")

    def tiktoken_encode(text: str) -> list[int]:
        ids = []
        for piece in pattern.findall(text):
            parts = [bytes([b]) for b in piece.encode()]
            while len(parts) > 1:
                best = min(range(len(parts) - 1), key=lambda i: ranks.get(parts[i] + parts[i + 1], 1 << 30))
                if parts[best] + parts[best + 1] not in ranks:
                    break
                parts[best:best + 2] = [parts[best] + parts[best + 1]]
            ids += [ranks[p] for p in parts]
        return ids

    llm = open_llama(str(_convert(tiny, tmp_path, "f16")), vocab_only=True)
    for text in TEXTS[:4]:
        assert llm.tokenize(text.encode(), add_bos=False, special=False) == tiktoken_encode(text), text
