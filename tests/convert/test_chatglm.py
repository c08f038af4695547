"""ChatGLM-6B (SoulChat v1) conversion to chatglm.cpp's format, proved on a tiny random
checkpoint: the file's bytes hold the weights in ggml's layouts, two numpy formulations
of GLM v1 agree, chatglm.cpp's greedy tokens equal the reference's, and Q8_0 keeps F16's
top-1 token at >= 95% of positions.
"""

from __future__ import annotations

import json
import os
import pickle
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

from soulchat_local.chatglm_file import ALIGN, check_chatglm, file_format
from soulchat_local.convert import convert_checkpoint
from soulchat_local.errors import UserError

from . import tiny_glm
from .test_bad_input import assert_refused, run_module

PROMPTS = [
    "用户：我最近睡不着\n心理咨询师：",
    "用户：你好\n心理咨询师：你好\n用户：工作压力很大\n心理咨询师：",
    "hello world, I feel tired",
    "用户：谢谢\n心理咨询师：",
]


@pytest.fixture(scope="module")
def glm(tmp_path_factory) -> tiny_glm.TinyGLM:
    return tiny_glm.build(tmp_path_factory.mktemp("glm") / "chatglm-tiny")


@pytest.fixture(scope="module")
def converted(glm, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("glm-out")
    paths = convert_checkpoint(
        glm.path, out, "f32,f16,q8_0,q4_0", name="tiny", register=False, progress=False
    )
    return dict(zip(("f32", "f16", "q8_0", "q4_0"), paths, strict=True))


def read_tensors(path: Path) -> dict[str, tuple[tuple[int, ...], int, bytes]]:
    """Walk the file as chatglm.cpp's loader does: name, dims, type, 16-byte aligned data."""
    data = path.read_bytes()
    pos = 12 + 52
    (proto,) = struct.unpack_from("<i", data, pos)
    pos += 4 + proto
    out = {}
    sizes = {0: (1, 4), 1: (1, 2), 2: (32, 18), 8: (32, 34)}
    while pos < len(data):
        (n,) = struct.unpack_from("<i", data, pos)
        name = data[pos + 4 : pos + 4 + n].decode()
        pos += 4 + n
        (ndim,) = struct.unpack_from("<i", data, pos)
        dims = struct.unpack_from(f"<{ndim}i", data, pos + 4)
        (kind,) = struct.unpack_from("<i", data, pos + 4 + 4 * ndim)
        pos += 8 + 4 * ndim
        pos += -pos % ALIGN
        block, size = sizes[kind]
        nbytes = int(np.prod(dims)) // block * size
        out[name] = (dims, kind, data[pos : pos + nbytes])
        pos += nbytes
    return out


def test_the_two_reference_formulations_agree(glm) -> None:
    ids = {p: i for i, p in enumerate(glm.pieces)}
    prompt = [ids["你好"], ids["我"], ids["很"], ids["难过"], ids["[gMASK]"], ids["<sop>"]]
    continuation = [ids["谢谢"], ids["你"], ids["。"]]
    full = tiny_glm.full_logits(glm, prompt + continuation)
    step = tiny_glm.decode_logits(glm, prompt, continuation)
    np.testing.assert_allclose(step, full[len(prompt) - 1 :], rtol=1e-9, atol=1e-9)
    # bidirectional over the context: the first position depends on a later context token
    changed = tiny_glm.full_logits(glm, [prompt[0], prompt[1], ids["好"], *prompt[3:]])
    assert not np.allclose(changed[0], full[0])
    # causal after it: the <sop> position does not see what follows
    np.testing.assert_allclose(
        tiny_glm.full_logits(glm, prompt)[-1], full[len(prompt) - 1], rtol=1e-12
    )


def test_the_file_holds_the_weights_in_ggml_layouts(glm, converted) -> None:
    import gguf

    for qtype, path in converted.items():
        assert file_format(path) == "chatglm"
        info = check_chatglm(path)
        assert info.dtype == qtype.upper() and info.context_length == 256
        assert (
            info.config["num_hidden_layers"] == 28
            and info.config["eos_token_id"] == glm.config["eos_token_id"]
        )
        assert info.tokenizer_proto == (glm.path / "ice_text.model").read_bytes()
        tensors = read_tensors(path)
        assert "lm_head.weight" not in tensors and not any("inv_freq" in n for n in tensors)
        for name, (dims, kind, raw) in tensors.items():
            w = glm.weights[name]
            assert dims == w.shape
            if len(dims) == 1 or qtype == "f32":
                assert kind == 0 and np.array_equal(np.frombuffer(raw, "<f4").reshape(dims), w)
            elif qtype == "f16":
                assert np.array_equal(np.frombuffer(raw, "<f2").reshape(dims), w.astype(np.float16))
            else:
                blocks = np.frombuffer(raw, np.uint8).reshape(-1, 34 if qtype == "q8_0" else 18)
                scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
                if qtype == "q8_0":  # f16 scale, 32 signed bytes
                    q = blocks[:, 2:].view(np.int8).astype(np.float32)
                else:  # f16 scale, 16 bytes: low nibbles the first 16 values, high the last 16
                    q = (
                        np.concatenate([blocks[:, 2:] & 15, blocks[:, 2:] >> 4], 1).astype(
                            np.float32
                        )
                        - 8
                    )
                got = (scale * q).reshape(dims)
                want = gguf.quants.dequantize(
                    gguf.quants.quantize(w, getattr(gguf.GGMLQuantizationType, qtype.upper())),
                    getattr(gguf.GGMLQuantizationType, qtype.upper()),
                )
                np.testing.assert_array_equal(got, want.reshape(dims))
                amax = np.abs(w.reshape(-1, 32)).max(1, keepdims=True)
                step = amax / (127 if qtype == "q8_0" else 7)
                assert (np.abs(got.reshape(-1, 32) - w.reshape(-1, 32)) <= step * 1.01 + 1e-7).all()


def _ids(glm, pipeline, text: str) -> list[int]:
    ids = list(pipeline.tokenizer.encode(text, 1 << 20))
    assert ids[-2:] == [glm.config["gmask_token_id"], glm.config["bos_token_id"]]
    return ids


def _forced(pipeline, prompt: list[int], tokens: list[int] | None, n: int) -> list[int]:
    """chatglm.cpp's greedy top-1 after the prompt and after each token of `tokens`
    (teacher forcing); with tokens=None its own greedy continuation."""
    import chatglm_cpp

    config = chatglm_cpp._C.GenerationConfig(max_length=256, do_sample=False)
    ids, n_past, out = list(prompt), 0, []
    for k in range(n):
        top = pipeline.model.generate_next_token(ids, None, config, n_past, len(prompt))
        out.append(top)
        n_past = len(ids)
        ids.append(top if tokens is None else tokens[k])
    return out


def _text_tokens(glm, n: int, seed: int) -> list[int]:
    """n random text pieces: a forced continuation that takes the model through many contexts
    (a tiny random model's own greedy text soon repeats one token)."""
    rng = np.random.default_rng(seed)
    text = [i for i, p in enumerate(glm.pieces) if p in tiny_glm.WORDS or p in tiny_glm.CHARS]
    return [int(t) for t in rng.choice(text, n)]


@pytest.mark.timeout(1800)  # ~1 s a token on a loaded 2-core machine: ggml's threads spin
def test_chatglm_cpp_greedy_equals_the_reference(glm, converted) -> None:
    chatglm_cpp = pytest.importorskip("chatglm_cpp")
    for qtype in ("f32", "f16"):
        pipeline = chatglm_cpp.Pipeline(str(converted[qtype]))
        weights = (
            {
                n: (w.astype(np.float16).astype(np.float32) if w.ndim == 2 else w)
                for n, w in glm.weights.items()
            }
            if qtype == "f16"
            else None
        )
        prompt = _ids(glm, pipeline, PROMPTS[0])
        # its own greedy continuation ...
        ours = _forced(pipeline, prompt, None, 8)
        logits = tiny_glm.full_logits(glm, prompt + ours[:-1], weights)[len(prompt) - 1 :]
        assert ours == [int(row.argmax()) for row in logits], qtype
        # ... and its top-1 along a varied forced continuation
        forced = _text_tokens(glm, 16, seed=1)
        ours = _forced(pipeline, prompt, forced, 16)
        logits = tiny_glm.full_logits(glm, prompt + forced[:-1], weights)[len(prompt) - 1 :]
        reference = [int(row.argmax()) for row in logits]
        assert ours == reference, qtype
        assert len(set(reference)) >= 6  # many different choices, not one token repeated
        # the reference's choices are clear: rounding could not have hidden a tie
        top2 = np.sort(logits, 1)[:, -2:]
        assert (top2[:, 1] - top2[:, 0] > 1e-3).all()


@pytest.mark.timeout(1800)
def test_q8_0_keeps_the_f16_top1_at_95_percent_of_positions(glm, converted) -> None:
    chatglm_cpp = pytest.importorskip("chatglm_cpp")
    f16 = chatglm_cpp.Pipeline(str(converted["f16"]))
    q8 = chatglm_cpp.Pipeline(str(converted["q8_0"]))
    agree = total = 0
    choices = set()
    for k, text in enumerate(PROMPTS):
        prompt = _ids(glm, f16, text)
        forced = _text_tokens(glm, 25, seed=10 + k)
        reference = _forced(f16, prompt, forced, 25)
        got = _forced(q8, prompt, forced, 25)
        agree += sum(a == b for a, b in zip(got, reference, strict=True))
        total += len(reference)
        choices |= set(reference)
    print(f"Q8_0 top-1 = F16 top-1 at {agree} of {total} positions ({len(choices)} distinct)")
    assert total == 100 and len(choices) >= 20 and agree / total >= 0.95, agree / total


def test_pytorch_bin_shards_convert_to_the_same_file(tmp_path) -> None:
    pytest.importorskip("torch")
    st = tiny_glm.build(tmp_path / "st", dtype="F16", seed=3)
    pt = tiny_glm.build(tmp_path / "pt", dtype="F16", seed=3, fmt="bin", shards=3)
    assert (
        not list(pt.path.glob("*.safetensors"))
        and len(list(pt.path.glob("pytorch_model-*.bin"))) == 3
    )
    a = convert_checkpoint(
        st.path, tmp_path / "a", "q8_0", name="m", register=False, progress=False
    )[0]
    b = convert_checkpoint(
        pt.path, tmp_path / "b", "q8_0", name="m", register=False, progress=False
    )[0]
    assert a.read_bytes() == b.read_bytes()


def _pickle_bin(path: Path, payload: bytes) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("pytorch_model/data.pkl", payload)
        archive.writestr("pytorch_model/version", "3\n")


class _Exploit:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # noqa: ANN204
        return (os.system, (f"touch {self.marker}",))


def test_pickled_code_in_a_bin_is_refused_not_run(glm, tmp_path, home) -> None:
    ckpt = tmp_path / "evil"
    ckpt.mkdir()
    for name in ("config.json", "tokenizer_config.json", "ice_text.model"):
        (ckpt / name).write_bytes((glm.path / name).read_bytes())
    marker = tmp_path / "ran"
    _pickle_bin(ckpt / "pytorch_model.bin", pickle.dumps({"w": _Exploit(marker)}))
    proc = run_module(str(ckpt), "--out", str(tmp_path / "o"), "--quant", "q8_0", home=home)
    assert_refused(proc, "pickled code", "system")
    assert not marker.exists()
    # an old (non-zip) torch.save file is refused with what to do
    (ckpt / "pytorch_model.bin").write_bytes(pickle.dumps({"w": 1}))
    assert_refused(
        run_module(str(ckpt), "--out", str(tmp_path / "o"), home=home), "zip format", "safetensors"
    )


@pytest.mark.parametrize(
    "change,words",
    [
        (lambda root: _edit_config(root, num_layers=12), ["12 layers", "28"]),
        (lambda root: (root / "ice_text.model").unlink(), ["ice_text.model"]),
        (
            lambda root: _edit_json(root / "tokenizer_config.json", num_image_tokens=20000),
            ["image tokens"],
        ),
        (
            lambda root: _edit_config(root, eos_token_id=7),
            ["eos_token_id", "do not belong together"],
        ),
        (lambda root: _edit_config(root, quantization_bit=4), ["quantized", "float16"]),
    ],
)
def test_checkpoints_chatglm_cpp_cannot_run_are_refused(change, words, tmp_path, home) -> None:
    root = tiny_glm.build(tmp_path / "ckpt").path
    change(root)
    assert_refused(
        run_module(str(root), "--out", str(tmp_path / "o"), "--quant", "q4_0", home=home), *words
    )
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


def test_untied_head_and_bad_types_are_refused(tmp_path) -> None:
    glm = tiny_glm.build(tmp_path / "ckpt")
    with pytest.raises(UserError, match="q4_k_m"):
        convert_checkpoint(glm.path, tmp_path / "o", "q4_k_m", register=False)
    from .tiny import write_safetensors

    weights = dict(glm.weights)
    weights["lm_head.weight"] = weights["lm_head.weight"] + 1.0
    write_safetensors(glm.path / "model.safetensors", weights)
    with pytest.raises(UserError, match="lm_head.weight differs"):
        convert_checkpoint(glm.path, tmp_path / "o", "q8_0", register=False)


def _edit_json(path: Path, **changes) -> None:
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


def _edit_config(root: Path, **changes) -> None:
    _edit_json(root / "config.json", **changes)


def test_import_registers_a_chatglm_file_and_refuses_a_damaged_one(
    converted, cli, home, tmp_path
) -> None:
    result = cli("import", str(converted["q4_0"]), "--name", "v1-tiny")
    assert result.code == 0, result.err
    model = json.loads((home / "registry.json").read_text())["models"]["v1-tiny"]
    assert model["architecture"] == "chatglm" and model["prompt_format"] == "soulchat-v1"
    broken = tmp_path / "broken.ggml"
    broken.write_bytes(converted["q4_0"].read_bytes()[:-100])
    result = cli("import", str(broken))
    assert result.code == 2 and "truncated" in result.err and "Traceback" not in result.err
