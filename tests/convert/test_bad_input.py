"""Every bad input the converter can meet: one line on stderr, exit 2, and no output file
that looks complete (nothing named *.gguf, no temporary file left behind)."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from soulchat_local.convert import convert_checkpoint
from soulchat_local.errors import UserError

from .test_lora import make_adapter


def run_module(*args: str, home: Path, limit_file_size: int | None = None) -> subprocess.CompletedProcess:
    def limit() -> None:  # pragma: no cover - runs in the child
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    env = dict(os.environ, SOULCHAT_HOME=str(home))
    env.pop("SOULCHAT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "soulchat_local.convert", *args], capture_output=True,
                          text=True, env=env, timeout=120, preexec_fn=limit if limit_file_size else None)


def assert_refused(proc: subprocess.CompletedProcess, *words: str, out: Path | None = None) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]
    if out is not None and out.exists():
        assert not [p.name for p in out.iterdir() if p.suffix == ".gguf" or p.name.endswith(".partial")]


@pytest.fixture
def llama(make_tiny):
    return make_tiny("llama")


def test_missing_src(tmp_path, home):
    assert_refused(run_module(str(tmp_path / "nope"), "--out", str(tmp_path / "o"), home=home), "does not exist")


def test_src_is_a_file(tmp_path, home):
    f = tmp_path / "file.txt"
    f.write_text("x")
    assert_refused(run_module(str(f), "--out", str(tmp_path / "o"), home=home), "not a directory")


def test_unreadable_config(llama, tmp_path, home):
    (llama.path / "config.json").unlink()
    (llama.path / "config.json").mkdir()  # exists, cannot be read as a file
    assert_refused(run_module(str(llama.path), "--out", str(tmp_path / "o"), home=home), "cannot read")


def test_no_config(llama, tmp_path, home):
    (llama.path / "config.json").unlink()
    assert_refused(run_module(str(llama.path), "--out", str(tmp_path / "o"), home=home), "config.json")


@pytest.mark.parametrize("config,words", [
    ({"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2"}, ["GPT2LMHeadModel", "supported"]),
    ({"architectures": ["ChatGLMModel"], "model_type": "chatglm", "position_encoding_2d": True,
      "num_layers": 28, "hidden_size": 4096}, ["ChatGLM-6B", "incomplete"]),  # goes to chatglm.cpp's converter
])
def test_unsupported_architecture(config, words, llama, tmp_path, home):
    (llama.path / "config.json").write_text(json.dumps(config))
    assert_refused(run_module(str(llama.path), "--out", str(tmp_path / "o"), home=home), *words, out=tmp_path / "o")


def test_missing_tokenizer(llama, tmp_path, home):
    (llama.path / "tokenizer.json").unlink()
    assert_refused(run_module(str(llama.path), "--out", str(tmp_path / "o"), home=home), "no tokenizer", out=tmp_path / "o")


def test_shapes_that_do_not_match_the_config(llama, tmp_path, home):
    config = json.loads((llama.path / "config.json").read_text())
    config["intermediate_size"] = 128
    (llama.path / "config.json").write_text(json.dumps(config))
    assert_refused(run_module(str(llama.path), "--out", str(tmp_path / "o"), home=home),
                   "shape", "config.json", out=tmp_path / "o")


def test_truncated_safetensors(llama, tmp_path, home):
    weights = llama.path / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-1000])
    assert_refused(run_module(str(llama.path), "--out", str(tmp_path / "o"), home=home), "truncated", out=tmp_path / "o")


def test_adapter_for_another_base(llama, make_tiny, tmp_path, home):
    qwen3 = make_tiny("qwen3")  # same tensor names as llama, other q_proj shape
    make_adapter(tmp_path / "adapter", qwen3, {"model.layers.0.self_attn.q_proj": "q_proj"}, r=4, alpha=8, rslora=False)
    assert_refused(run_module(str(llama.path), "--out", str(tmp_path / "o"), "--lora", str(tmp_path / "adapter"),
                              home=home), "another base", out=tmp_path / "o")
    # an adapter for a module the base does not have
    adapter = tmp_path / "adapter3"
    make_adapter(adapter, llama, {"model.layers.0.self_attn.q_proj": "q_proj"}, r=4, alpha=8, rslora=False)
    st = adapter / "adapter_model.safetensors"
    st.write_bytes(st.read_bytes().replace(b"layers.0.self_attn.q_proj", b"layers.9.self_attn.q_proj"))
    assert_refused(run_module(str(llama.path), "--out", str(tmp_path / "o"), "--lora", str(adapter), home=home),
                   "another base", out=tmp_path / "o")


def test_lora_dir_missing(llama, tmp_path, home):
    assert_refused(run_module(str(llama.path), "--out", str(tmp_path / "o"), "--lora", str(tmp_path / "none"),
                              home=home), "adapter", out=tmp_path / "o")


def test_not_enough_disk_is_checked_before_writing(llama, tmp_path, monkeypatch, home):
    import shutil

    real = shutil.disk_usage

    def tiny_disk(path):
        usage = real(path)
        return type(usage)(usage.total, usage.total - 1000, 1000)

    monkeypatch.setattr(shutil, "disk_usage", tiny_disk)
    with pytest.raises(UserError, match="not enough disk space"):
        convert_checkpoint(llama.path, tmp_path / "o", ["f16", "q8_0"], register=False)
    assert not list((tmp_path / "o").iterdir())


def test_disk_full_while_writing_leaves_no_file(llama, tmp_path, home):
    """The file system refuses the write half-way (a 64 KB file size limit)."""
    proc = run_module(str(llama.path), "--out", str(tmp_path / "o"), "--quant", "f32", "--no-register",
                      home=home, limit_file_size=64 * 1024)
    assert_refused(proc, "cannot write", out=tmp_path / "o")


def test_output_exists_without_force(llama, tmp_path, home):
    out = tmp_path / "o"
    ok = run_module(str(llama.path), "--out", str(out), "--name", "m", "--no-register", "--no-quality", home=home)
    assert ok.returncode == 0, ok.stderr
    before = (out / "m-F16.gguf").stat().st_mtime_ns
    assert_refused(run_module(str(llama.path), "--out", str(out), "--name", "m", home=home), "--force")
    assert (out / "m-F16.gguf").stat().st_mtime_ns == before
    again = run_module(str(llama.path), "--out", str(out), "--name", "m", "--force", "--no-register", home=home)
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("args,words", [
    (["--quant", "q9_9"], ["unknown quantization type", "q4_k_m"]),
    (["--quant", "iq2_xxs"], ["importance matrix"]),
    (["--quant", " , "], ["--quant is empty", "q4_k_m"]),
    (["--name", "a/b"], ["--name"]),
])
def test_bad_options(args, words, llama, tmp_path, home):
    assert_refused(run_module(str(llama.path), "--out", str(tmp_path / "o"), *args, home=home), *words, out=tmp_path / "o")


def test_missing_out_is_a_usage_error(llama, home):
    proc = run_module(str(llama.path), home=home)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1


def test_missing_shard(make_tiny, tmp_path, home):
    tiny = make_tiny("qwen2", shards=2)
    (tiny.path / "model-00002-of-00002.safetensors").unlink()
    assert_refused(run_module(str(tiny.path), "--out", str(tmp_path / "o"), home=home),
                   "model-00002-of-00002.safetensors", "missing", out=tmp_path / "o")
