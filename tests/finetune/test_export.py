"""`--export`: the adapter merged by our converter, quantized, scored and registered in one
step. The GGUF's greedy reply (real llama.cpp) equals the merged model's in transformers, and
the registered model answers in `soulchat ask`.
"""

from __future__ import annotations

import json

import pytest

from .conftest import DIALOGUES, finetune

N_TOKENS = 12
NAME = "tiny-counsellor"


def _hf_greedy(base, adapter, prompt_ids: list[int]) -> list[int]:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(str(base), dtype=torch.float32)
    merged = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload().eval()
    with torch.no_grad():
        out = merged.generate(
            torch.tensor([prompt_ids]),
            max_new_tokens=N_TOKENS,
            do_sample=False,
            eos_token_id=None,
            pad_token_id=0,
        )
    return out[0, len(prompt_ids) :].tolist()


def _gguf_greedy(path, prompt_ids: list[int]) -> list[int]:
    import numpy as np

    from soulchat_local.llama_engine import open_llama

    llm = open_llama(str(path), n_ctx=256, verbose=False, n_threads=1, n_gpu_layers=0)
    llm.eval(prompt_ids)
    out = []
    for _ in range(N_TOKENS):
        token = int(np.argmax(llm.scores[llm.n_tokens - 1]))
        out.append(token)
        llm.eval([token])
    llm.close()
    return out


@pytest.mark.slow
def test_finetune_export_then_chat(bases, corpus, home, tmp_path, cli):
    from transformers import AutoTokenizer

    out = tmp_path / "run"
    result = finetune(
        str(corpus),
        "--base",
        str(bases["qwen2"]),
        "--out",
        str(out),
        "--epochs",
        "15",
        "--lr",
        "2e-2",
        "--batch-size",
        "2",
        "--save-every",
        "0",
        "--lora-dropout",
        "0",
        "--no-gradient-checkpointing",
        "--export",
        "f16,q8_0",
        "--name",
        NAME,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    f16, q8 = out / "gguf" / f"{NAME}-F16.gguf", out / "gguf" / f"{NAME}-Q8_0.gguf"
    assert f16.is_file() and q8.is_file()
    report = json.loads((out / "gguf" / f"{NAME}-quality.json").read_text())
    assert [r["type"] for r in report["results"]] == ["F16", "Q8_0"]

    # registered: `soulchat models --json` lists both
    models = json.loads(cli("models", "--json").out)
    names = {m["name"] for m in models if m["installed"]}
    assert {f"{NAME}:f16", f"{NAME}:q8_0"} <= names

    # the prompt of a training dialogue, up to its first counsellor turn
    tok = AutoTokenizer.from_pretrained(str(bases["qwen2"]))
    prompt = tok.apply_chat_template(DIALOGUES[1][:1], tokenize=False, add_generation_prompt=True)
    ids = tok(prompt, add_special_tokens=False)["input_ids"]
    hf = _hf_greedy(bases["qwen2"], out / "adapter", ids)
    assert _gguf_greedy(f16, ids) == hf
    assert _gguf_greedy(q8, ids)[:6] == hf[:6]
    # and it learned the reply it was trained on
    assert tok.decode(hf).startswith("Hello. I am listening")

    asked = cli(
        "ask",
        "-m",
        f"{NAME}:q8_0",
        "--json",
        "--max-tokens",
        "16",
        "--temperature",
        "0",
        DIALOGUES[1][0]["content"],
    )
    assert asked.code == 0, asked.err
    answer = json.loads(asked.out)
    assert answer["model"].startswith(NAME) and answer["reply"].strip()
    assert answer["usage"]["completion_tokens"] > 0
