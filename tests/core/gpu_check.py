"""Manual GPU check (not a pytest test): does LlamaEngine offload every layer with gpu_layers=-1?

    python tests/core/gpu_check.py --make-model DIR     # tiny random llama -> DIR/*.gguf (f16)
    python tests/core/gpu_check.py --model FILE.gguf [--out report.txt]

Loads FILE through LlamaEngine(ModelRef, ModelSettings()) (defaults: gpu_layers=-1) with
llama.cpp's load log captured, and reports the backend, how many layers llama.cpp says it
offloaded, the process's GPU memory (nvidia-smi) and greedy decode speed for 128 tokens,
against the same model with gpu_layers=0. Exits 1 unless all layers were offloaded.
Needs a GPU build of llama-cpp-python; CI never runs it.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# A 1024-wide, 8-layer llama (~90M parameters, ~180 MB as f16): big enough that decode
# speed says something about where the weights live.
DIMS = {"hidden": 1024, "heads": 16, "kv": 4, "ff": 2816, "layers": 8}
N_GEN = 128

_lines: list[str] = []


def say(line: str = "") -> None:
    _lines.append(line)
    print(line, flush=True)


def make_model(out_dir: Path) -> Path:
    import soulchat_local

    # soulchat_local.convert lives in ./convert (pyproject package-dir); without an
    # install, let the package find it there.
    soulchat_local.__path__.append(str(ROOT))
    from soulchat_local.convert import convert_checkpoint
    from tests.convert import tiny

    src = tiny.build("llama", out_dir / "ckpt", dims=DIMS, seed=0)
    paths = convert_checkpoint(src.path, out_dir, ["f16"], register=False, quality_report=False,
                               progress=False)
    return Path(paths[0])


@contextmanager
def captured_fd2(sink: Path):
    """Send fd 2 (C code and Python alike) to `sink` while the block runs."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(sink, "wb") as fh:
        os.dup2(fh.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


@contextmanager
def verbose_llama():
    """Make open_llama's llama_cpp.Llama log its load (the engine asks for verbose=False)."""
    import llama_cpp

    original = llama_cpp.Llama

    def loud(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        kwargs["verbose"] = True
        return original(*args, **kwargs)

    llama_cpp.Llama = loud
    try:
        yield
    finally:
        llama_cpp.Llama = original


def gpu_memory_mib() -> str:
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"],
            capture_output=True, text=True, timeout=20,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        return f"nvidia-smi failed: {exc}"
    rows = [r.split(",") for r in out.strip().splitlines() if r.strip()]
    mine = [int(r[1]) for r in rows if len(r) == 2 and r[0].strip() == str(os.getpid())]
    if mine:
        return f"{sum(mine)} MiB (this process, pid {os.getpid()})"
    return f"no row for pid {os.getpid()}; all compute apps: {rows or 'none'}"


def decode_speed(engine) -> tuple[float, float, int]:  # noqa: ANN001
    """Greedy generation of N_GEN tokens (EOS ignored): (decode tok/s, total s, prompt tokens)."""
    from soulchat_local.prompts import Message

    llm = engine.llm
    prompt = engine.tokenize(engine.render([Message("user", "hello, I feel tired and the night is long.")]))
    for _ in range(2):  # the first run warms up (CUDA graphs, caches)
        llm.reset()
        count = 0
        started = time.perf_counter()
        first = started
        for _token in llm.generate(prompt, temp=0.0, reset=True):
            count += 1
            if count == 1:
                first = time.perf_counter()
            if count >= N_GEN:
                break
        done = time.perf_counter()
    return (count - 1) / (done - first), done - started, len(prompt)


def check(model: Path) -> int:
    import llama_cpp

    from soulchat_local.config import ModelSettings
    from soulchat_local.llama_engine import LlamaEngine
    from soulchat_local.resolve import ModelRef

    say(f"llama_cpp {llama_cpp.__version__} from {Path(llama_cpp.__file__).parent}")
    say(f"model: {model} ({model.stat().st_size / 2**20:.1f} MiB), dims {DIMS}")
    say(f"llama_supports_gpu_offload() = {llama_cpp.llama_supports_gpu_offload()}")
    say(f"llama_print_system_info() = {llama_cpp.llama_print_system_info().decode(errors='replace').strip()}")
    settings = ModelSettings()
    say(f"ModelSettings().gpu_layers = {settings.gpu_layers}")

    log = Path(tempfile.mkdtemp()) / "load.log"
    t0 = time.perf_counter()
    with captured_fd2(log), verbose_llama():
        engine = LlamaEngine(ModelRef("gpu-check", model), settings, n_ctx=512)
    load_s = time.perf_counter() - t0
    text = log.read_text(errors="replace")
    say(f"engine.backend = {engine.backend!r}; engine.gpu_layers = {engine.gpu_layers}; load {load_s:.2f} s")
    wanted = ("offloaded", "CUDA0 model buffer", "CPU_Mapped model buffer", "ggml_cuda_init", "Device 0",
              "using device", "KV buffer size", "flash_attn")
    for line in text.splitlines():
        if any(w in line for w in wanted):
            say(f"  log| {line.strip()}")
    found = re.findall(r"offloaded (\d+)/(\d+) layers to GPU", text)
    say(f"GPU memory after load: {gpu_memory_mib()}")

    gpu_tps, gpu_s, n_prompt = decode_speed(engine)
    say(f"GPU (gpu_layers={engine.gpu_layers}): {gpu_tps:.1f} tok/s decode, {N_GEN} tokens + "
        f"{n_prompt}-token prompt in {gpu_s:.3f} s")
    say(f"GPU memory during use: {gpu_memory_mib()}")
    engine.close()

    cpu = LlamaEngine(ModelRef("gpu-check-cpu", model), ModelSettings(gpu_layers=0), n_ctx=512)
    cpu_tps, cpu_s, _ = decode_speed(cpu)
    say(f"CPU (gpu_layers=0, backend {cpu.backend!r}, {cpu.threads} threads): {cpu_tps:.1f} tok/s decode, "
        f"{N_GEN} tokens in {cpu_s:.3f} s")
    cpu.close()
    say(f"GPU/CPU decode speed: {gpu_tps / cpu_tps:.1f}x")

    if not found:
        say("FAIL: the load log has no 'offloaded N/M layers to GPU' line")
        return 1
    done, total = map(int, found[-1])
    if engine.backend != "CUDA" or done != total or total == 0:
        say(f"FAIL: backend {engine.backend!r}, offloaded {done}/{total} layers")
        return 1
    say(f"PASS: backend CUDA, offloaded {done}/{total} layers with gpu_layers={engine.gpu_layers}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--make-model", type=Path, metavar="DIR")
    parser.add_argument("--model", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.make_model:
        print(make_model(args.make_model))
        return 0
    if not args.model:
        parser.error("--model or --make-model")
    try:
        return check(args.model)
    finally:
        if args.out:
            args.out.write_text("\n".join(_lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
