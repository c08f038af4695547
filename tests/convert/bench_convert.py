"""Benchmark: conversion time and peak memory against checkpoint size and largest tensor.

    python tests/convert/bench_convert.py [--keep DIR]

Not collected by pytest (the name does not start with test_). Each conversion runs in a
fresh child process, whose peak resident set (VmHWM) is read when it finishes; the
target is peak RSS <= 1.25 x largest tensor + 300 MB.
"""

from __future__ import annotations

import argparse
import json
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

CHILD = r"""
import sys, time
from pathlib import Path
from soulchat_local.convert import convert_checkpoint
t0 = time.perf_counter()
convert_checkpoint(Path(sys.argv[1]), Path(sys.argv[2]), [sys.argv[3]], register=False, force=True,
                   quality_report=False, progress=False, log=lambda m: None)
elapsed = time.perf_counter() - t0
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(elapsed, hwm * 1024)
"""


def write_big_llama(root: Path, hidden: int, ff: int, layers: int, heads: int, kv: int, vocab: int) -> None:
    """A random Llama checkpoint in BF16, written one tensor at a time (never whole in memory)."""
    from tests.convert.tiny import bpe_tokenizer_json

    root.mkdir(parents=True)
    hd = hidden // heads
    shapes = {"model.embed_tokens.weight": (vocab, hidden)}
    for i in range(layers):
        p = f"model.layers.{i}."
        shapes.update({p + "input_layernorm.weight": (hidden,), p + "self_attn.q_proj.weight": (hidden, hidden),
                       p + "self_attn.k_proj.weight": (kv * hd, hidden), p + "self_attn.v_proj.weight": (kv * hd, hidden),
                       p + "self_attn.o_proj.weight": (hidden, hidden), p + "post_attention_layernorm.weight": (hidden,),
                       p + "mlp.gate_proj.weight": (ff, hidden), p + "mlp.up_proj.weight": (ff, hidden),
                       p + "mlp.down_proj.weight": (hidden, ff)})
    shapes.update({"model.norm.weight": (hidden,), "lm_head.weight": (vocab, hidden)})
    header, offset = {}, 0
    for name, shape in shapes.items():
        n = int(np.prod(shape)) * 2
        header[name] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    rng = np.random.default_rng(0)
    with open(root / "model.safetensors", "wb") as fh:
        fh.write(struct.pack("<Q", len(raw)) + raw)
        for shape in shapes.values():
            rows = shape[0]
            for start in range(0, rows, 4096):
                block = (rng.standard_normal((min(4096, rows - start), *shape[1:]), dtype=np.float32) * 0.02)
                fh.write((block.view(np.uint32) >> 16).astype("<u2").tobytes())
    tok = bpe_tokenizer_json("llama3", ["<|begin_of_text|>", "<|eot_id|>"], "<|begin_of_text|>")
    (root / "tokenizer.json").write_text(json.dumps(tok))
    (root / "tokenizer_config.json").write_text(json.dumps({"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}))
    (root / "config.json").write_text(json.dumps({
        "architectures": ["LlamaForCausalLM"], "hidden_size": hidden, "intermediate_size": ff,
        "num_hidden_layers": layers, "num_attention_heads": heads, "num_key_value_heads": kv,
        "vocab_size": vocab, "rms_norm_eps": 1e-5, "rope_theta": 500000.0, "max_position_embeddings": 8192}))


def largest_tensor(ckpt: Path) -> int:
    from soulchat_local.convert.checkpoint import Checkpoint

    c = Checkpoint(ckpt)
    try:
        return max(r.nbytes for r in c.store.tensors.values())
    finally:
        c.close()


def measure(ckpt: Path, out: Path, qtype: str) -> tuple[float, int]:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(ckpt), str(out), qtype],
                          capture_output=True, text=True, check=True)
    elapsed, peak = proc.stdout.split()
    return float(elapsed), int(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in DIR and keep the files")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="soulchat-bench-"))
    cases = []
    from soulchat_local.catalogue import demo_model_path

    demo = demo_model_path()
    if demo is not None:
        from tests.convert.test_roundtrip import dequantize_to_checkpoint

        ckpt = work / "smollm2-135m-f32"
        if not ckpt.exists():
            dequantize_to_checkpoint(demo, ckpt)
        cases.append(("SmolLM2-135M (F32 safetensors)", ckpt))
    big = work / "llama-synthetic-bf16"
    if not big.exists():
        write_big_llama(big, hidden=2048, ff=8192, layers=4, heads=32, kv=8, vocab=128256)
    cases.append(("Llama-3.2-1B shapes, 4 of 16 layers (BF16)", big))
    seven = work / "qwen2-7b-shapes-bf16"
    if not seven.exists():
        write_big_llama(seven, hidden=3584, ff=18944, layers=1, heads=28, kv=4, vocab=152064)
    cases.append(("Qwen2-7B shapes, 1 of 28 layers (BF16)", seven))

    print(f"{'checkpoint':<48} {'size':>9} {'largest':>9} {'out':>4} {'time':>7} {'peak RSS':>9} {'target':>9}")
    for label, ckpt in cases:
        size = sum(f.stat().st_size for f in ckpt.glob("*.safetensors"))
        big_t = largest_tensor(ckpt)
        target = 1.25 * big_t + 300 * 2**20
        for qtype in ("f16",):
            elapsed, peak = measure(ckpt, work / "out", qtype)
            mb = 2**20
            print(f"{label:<48} {size / mb:>7.0f}MB {big_t / mb:>7.0f}MB {qtype:>4} {elapsed:>6.1f}s "
                  f"{peak / mb:>7.0f}MB {target / mb:>7.0f}MB {'ok' if peak <= target else 'OVER'}")


if __name__ == "__main__":
    main()
