"""Quantization through llama.cpp's quantizer, the quality report, registration, and the
`soulchat quantize` / `soulchat convert` commands."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

from soulchat_local.convert import convert_checkpoint, quantize_gguf
from soulchat_local.convert.quantize import NEEDS_IMATRIX, available_types
from soulchat_local.gguf_check import check_gguf
from soulchat_local.paths import get_paths
from soulchat_local.registry import Registry

from .conftest import field, read_gguf


def test_every_offered_type_quantizes_and_runs(make_tiny, tmp_path):
    from soulchat_local.llama_engine import open_llama

    # rows of 256 so every block size fits (K-quants need 256, Q1_0 128)
    tiny = make_tiny("llama", dims={"hidden": 256, "ff": 512})
    (f16,) = convert_checkpoint(tiny.path, tmp_path / "out", ["f16"], register=False, quality_report=False)
    types = available_types()
    offered = sorted(t for t in types if t not in NEEDS_IMATRIX and t not in ("f32", "f16", "bf16"))
    assert {"q8_0", "q6_k", "q5_k_m", "q4_k_m", "q4_0", "q3_k_m", "q2_k", "iq4_xs"} <= set(offered)
    for qtype in offered:
        out = quantize_gguf(f16, tmp_path / f"{qtype}.gguf", qtype)
        # gguf 0.19's reader does not know the newest tensor types: read the header ourselves
        assert check_gguf(out).metadata["general.file_type"] == types[qtype]
        llm = open_llama(str(out), n_ctx=16, logits_all=True)
        llm.eval([1, 2, 3])
        assert np.isfinite(np.asarray(llm.scores[:3])).all(), qtype
        llm.close()
        out.unlink()


def run_module(*args, home):
    env = dict(os.environ, SOULCHAT_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "soulchat_local.convert", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def test_convert_quantize_report_and_register(make_tiny, tmp_path, home):
    tiny = make_tiny("qwen2")
    out = tmp_path / "out"
    proc = run_module(str(tiny.path), "--out", str(out), "--quant", "q8_0,q4_k_m", "--name", "tq", home=home)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [str(out / "tq-Q8_0.gguf"), str(out / "tq-Q4_K_M.gguf")]
    # the F16 reference was made for the report and removed: only what was asked for is left
    assert sorted(p.name for p in out.iterdir()) == ["tq-Q4_K_M.gguf", "tq-Q8_0.gguf", "tq-quality.json"]
    assert "perplexity" in proc.stderr and "Q4_K_M" in proc.stderr
    report = json.loads((out / "tq-quality.json").read_text())
    rows = {r["type"]: r for r in report["results"]}
    assert set(rows) == {"F16", "Q8_0", "Q4_K_M"} and report["languages"] == ["zh", "en"]
    for r in rows.values():
        assert math.isfinite(r["perplexity"]) and r["perplexity"] > 1
    assert rows["F16"]["mean_kl"] is None
    assert 0 <= rows["Q8_0"]["mean_kl"] < rows["Q4_K_M"]["mean_kl"]
    assert rows["Q8_0"]["top1_agreement"] >= 0.9
    installed = Registry(get_paths()).load()
    assert set(installed) == {"tq:q8_0", "tq:q4_k_m"}
    entry = installed["tq:q8_0"]
    assert entry.path == str((out / "tq-Q8_0.gguf").resolve()) and entry.architecture == "qwen2"
    assert len(entry.sha256) == 64 and entry.owned is False


def test_no_register(make_tiny, tmp_path, home):
    proc = run_module(str(make_tiny("llama").path), "--out", str(tmp_path / "o"), "--no-register", home=home)
    assert proc.returncode == 0, proc.stderr
    assert Registry(get_paths()).load() == {}


def test_soulchat_quantize_command(make_tiny, tmp_path, cli):
    tiny = make_tiny("llama")
    (f16,) = convert_checkpoint(tiny.path, tmp_path, ["f16"], register=False, quality_report=False)
    dst = tmp_path / "m-Q4_K_M.gguf"
    ok = cli("quantize", str(f16), str(dst), "--type", "Q4_K_M")
    assert ok.code == 0, ok.err
    assert check_gguf(dst).metadata["general.file_type"] == available_types()["q4_k_m"]
    again = cli("quantize", str(f16), str(dst), "--type", "Q4_K_M")
    assert again.code == 2 and "--force" in again.err and len(again.err.strip().splitlines()) == 1
    for args, words in [((str(f16), str(tmp_path / "x.gguf"), "--type", "IQ1_S"), "importance matrix"),
                        ((str(tmp_path / "none.gguf"), str(tmp_path / "x.gguf"), "--type", "Q8_0"), "does not exist")]:
        bad = cli("quantize", *args)
        assert bad.code == 2 and words in bad.err and len(bad.err.strip().splitlines()) == 1
    assert not (tmp_path / "x.gguf").exists()


def test_soulchat_convert_command(make_tiny, tmp_path, cli):
    tiny = make_tiny("baichuan2")
    res = cli("convert", str(tiny.path), "--out", str(tmp_path / "o"), "--name", "bc", "--quant", "f16")
    assert res.code == 0, res.err
    reader = read_gguf(tmp_path / "o" / "bc-F16.gguf")
    # Baichuan2-Chat publishes no chat template; its turn markers are written as one
    assert "<reserved_106>" in field(reader, "tokenizer.chat_template")
    listed = cli("models", "--json")
    assert "bc:f16" in listed.out


@pytest.mark.parametrize("module", ["soulchat_local.commands.convert", "soulchat_local.commands.quantize"])
def test_command_modules_stay_light(module):
    code = f"import sys, {module}; bad = [m for m in ('llama_cpp', 'torch', 'gguf', 'numpy') if m in sys.modules]; print(bad)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
