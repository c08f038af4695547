"""Reading pull specs and GGUF file names: which quant, which parts, which choice."""

from __future__ import annotations

import pytest

from soulchat_local.errors import UserError
from soulchat_local.hub.quants import GGUFChoice, RemoteFile, choose, group_gguf, quant_tag
from soulchat_local.hub.spec import parse_spec


@pytest.mark.parametrize(("name", "tag"), [
    ("Llama-2-7b-chat-Counsellor.Q4_K_M.gguf", "Q4_K_M"),
    ("test01-q4_k_m.gguf", "Q4_K_M"),
    ("ggml-model-q4_0.gguf", "Q4_0"),
    ("Model-Q8_0-00001-of-00002.gguf", "Q8_0"),
    ("Q4_K_M/model-Q4_K_M-00002-of-00003.gguf", "Q4_K_M"),
    ("PsyCare1.0-Llama3.1-8B.f16.gguf", "F16"),
    ("x-fp16.gguf", "F16"),
    ("a.BF16.gguf", "BF16"),
    ("ChatWaifu_v2.0_22B.i1-IQ1_M.gguf", "IQ1_M"),
    ("m.IQ2_XXS.gguf", "IQ2_XXS"),
    ("model_q5_k_s.gguf", "Q5_K_S"),
    ("x.Q6_K_L.gguf", "Q6_K_L"),
    ("myllama-7b-v0.1.gguf", None),
    ("Qwen2.5-7B-Instruct.gguf", None),
])
def test_quant_tag_is_read_from_the_file_name(name: str, tag: str | None) -> None:
    assert quant_tag(name) == tag


def test_split_sets_are_one_model_and_incomplete_sets_are_reported() -> None:
    files = [
        RemoteFile("big-Q8_0-00002-of-00002.gguf", 20, "b"),
        RemoteFile("big-Q8_0-00001-of-00002.gguf", 10, "a"),
        RemoteFile("big-Q6_K-00001-of-00003.gguf", 10, "c"),
        RemoteFile("small.Q4_K_M.gguf", 5, "d"),
        RemoteFile("mmproj-model-f16.gguf", 5, "e"),
        RemoteFile("README.md", 1, ""),
    ]
    grouping = group_gguf(files)
    by_quant = {m.quant: m for m in grouping.models}
    assert sorted(by_quant) == ["Q4_K_M", "Q8_0"]
    assert [f.path for f in by_quant["Q8_0"].files] == [
        "big-Q8_0-00001-of-00002.gguf", "big-Q8_0-00002-of-00002.gguf"]
    assert by_quant["Q8_0"].size == 30
    assert grouping.incomplete == ["big-Q6_K (1 of 3 parts)"]


def _models(*quants_sizes: tuple[str, int]) -> list[GGUFChoice]:
    return [GGUFChoice([RemoteFile(f"m.{q}.gguf", s, q)], q) for q, s in quants_sizes]


def test_choice_default_asked_and_best_that_fits() -> None:
    models = _models(("Q8_0", 800), ("Q4_K_M", 400), ("Q2_K", 200), ("F16", 1600))
    assert choose(models, None, lambda m: True)[0].quant == "Q4_K_M"
    assert choose(models, "q8_0", lambda m: True)[0].quant == "Q8_0"
    assert choose(models, "Q5_K_M", lambda m: True)[0] is None
    without_default = [m for m in models if m.quant != "Q4_K_M"]
    # The best quantized file that fits; floats only when no quant fits.
    assert choose(without_default, None, lambda m: True)[0].quant == "Q8_0"
    assert choose(without_default, None, lambda m: m.size < 500)[0].quant == "Q2_K"
    assert choose(without_default, None, lambda m: False)[0] is None


@pytest.mark.parametrize(("text", "kind", "repo", "quant", "file"), [
    ("soulchat2-qwen2-7b", "catalogue", "", None, ""),
    ("SoulChat2-Qwen2-7B:Q8_0", "catalogue", "", "Q8_0", ""),
    ("hf.co/bartowski/Model-GGUF", "repo", "bartowski/Model-GGUF", None, ""),
    ("hf.co/bartowski/Model-GGUF:q4_k_m", "repo", "bartowski/Model-GGUF", "q4_k_m", ""),
    ("https://huggingface.co/o/r-GGUF:Q8_0", "repo", "o/r-GGUF", "Q8_0", ""),
    ("hf.co/o/r/sub/m.Q4_0.gguf", "file", "o/r", None, "sub/m.Q4_0.gguf"),
])
def test_specs(text: str, kind: str, repo: str, quant: str | None, file: str) -> None:
    spec = parse_spec(text)
    assert (spec.kind, spec.repo, spec.quant, spec.file) == (kind, repo, quant, file)


@pytest.mark.parametrize("text", ["", "owner/repo", "hf.co/onlyowner", "hf.co/o/r:", "name:", "hf.co/o/r x"])
def test_bad_specs_are_user_errors(text: str) -> None:
    with pytest.raises(UserError):
        parse_spec(text)
