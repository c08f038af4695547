"""`soulchat eval` end to end through llama.cpp: the demo model, a copy of it, and a tiny
checkpoint converted to F16 and quantized with `soulchat quantize`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from soulchat_local.convert import convert_checkpoint
from soulchat_local.eval.metrics import METRICS

from ..convert import tiny

pytestmark = pytest.mark.real_model

DIALOGUES = [
    {
        "id": "zh-1",
        "topic": "睡眠",
        "messages": [
            {"role": "user", "content": "最近总是睡不着。"},
            {"role": "assistant", "content": "睡不好一定很累。这样多久了？"},
            {"role": "user", "content": "一个月了。"},
            {"role": "assistant", "content": "一个月确实很长。你躺下时在想些什么呢？"},
        ],
    },
    {
        "conversations": [
            {"from": "human", "value": "I failed my exam and I feel stupid."},
            {"from": "gpt", "value": "That sounds really disappointing. What happened?"},
        ]
    },
]


@pytest.fixture(autouse=True)
def one_thread(home: Path) -> None:
    # On a busy 2-core machine llama.cpp's two threads keep waiting for each other: one
    # thread generated 8x faster there. A small window keeps loading quick too.
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("[model]\nthreads = 1\nn_ctx = 1024\n")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "held-out.jsonl"
    lines = [json.dumps(d, ensure_ascii=False) for d in DIALOGUES] + ['{"oops": 1}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_model_and_its_copy_score_alike(cli, data: Path, demo_gguf: Path, tmp_path: Path):
    copy = tmp_path / "copy.gguf"
    shutil.copyfile(demo_gguf, copy)
    run = cli(
        "eval", str(data), "-m", "smollm2-demo", "-m", str(copy), "--json", "--max-tokens", "8"
    )
    assert run.code == 0, run.err
    assert "skipped 1 bad record(s): held-out.jsonl:3: unknown record shape" in run.err
    report = json.loads(run.out)
    assert report["dialogues"] == 2 and report["bad_records"] == 1
    assert [t["dialogue"] for t in report["targets"]] == ["zh-1", "zh-1", "held-out.jsonl:2"]
    first, second = report["models"]
    assert first["name"] == "smollm2-demo" and second["name"] == "copy"
    assert first["replies"] == second["replies"]  # greedy: the same file says the same
    assert all(r.strip() for r in first["replies"])
    assert 0 < first["completion_tokens"] <= 3 * 8 and first["tokens_per_s"] > 0
    assert set(first["scores"]) == set(METRICS)
    assert all(0 <= first["scores"][k] <= 100 for k in METRICS[:9])
    (delta,) = report["deltas"]
    assert delta["model"] == "copy" and delta["baseline"] == "smollm2-demo"
    assert all(v == 0 for v in delta["scores"].values())

    text = cli("eval", str(data), "-m", "smollm2-demo", "--max-tokens", "8", "--limit", "1")
    assert text.code == 0, text.err
    assert text.out.startswith("1 dialogues, 2 counsellor turns, greedy, at most 8 tokens")
    assert any(line.split()[:1] == ["BLEU-4"] for line in text.out.splitlines())
    assert "smollm2-demo:" in text.out and "tokens/s" in text.out


def test_a_quant_against_its_f16(cli, data: Path, tmp_path: Path):
    ckpt = tiny.build("qwen2", tmp_path / "ckpt", dims={"hidden": 256, "ff": 512})
    (f16,) = convert_checkpoint(
        ckpt.path, tmp_path / "gguf", ["f16"], register=False, quality_report=False
    )
    quant = tmp_path / "gguf" / "tiny-Q2_K.gguf"
    made = cli("quantize", str(f16), str(quant), "--type", "Q2_K")
    assert made.code == 0, made.err
    run = cli("eval", str(data), "-m", str(f16), "-m", str(quant), "--json", "--max-tokens", "16")
    assert run.code == 0, run.err
    report = json.loads(run.out)
    f16_run, quant_run = report["models"]
    assert f16_run["replies"] != quant_run["replies"]  # two bits a weight change the words
    (delta,) = report["deltas"]
    for key in METRICS:
        expected = quant_run["scores"][key] - f16_run["scores"][key]
        assert delta["scores"][key] == pytest.approx(expected, abs=2e-4)
    assert any(v != 0 for v in delta["scores"].values())


def test_bad_input_is_one_line_and_exit_2(cli, data: Path, tmp_path: Path):
    empty = tmp_path / "bad.json"
    empty.write_text('[{"messages": [{"role": "user", "content": "hi"}]}]', encoding="utf-8")
    cases = [
        (("eval", str(tmp_path / "missing.jsonl"), "-m", "smollm2-demo"), "not found"),
        (("eval", str(empty), "-m", "smollm2-demo"), "no usable dialogues"),
        (("eval", str(data), "-m", "no-such-model"), "unknown model"),
        (("eval", str(data), "-m", str(tmp_path / "none.gguf")), "model file not found"),
        (("eval", str(data), "--max-tokens", "0"), "at least 1"),
        (("eval", str(data), "--limit", "x"), "not a whole number"),
    ]
    for args, words in cases:
        result = cli(*args)
        assert result.code == 2, (args, result.err)
        assert words in result.err and len(result.err.strip().splitlines()) == 1, result.err
        assert "Traceback" not in result.err
