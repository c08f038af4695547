"""Conversion streams: peak memory grows by far less than the largest tensor.

A checkpoint whose embedding and head are 250 MB each (BF16; 500 MB as float32) is
converted in a child process; its peak resident set (VmHWM) after the conversion is
compared with the same process's peak just before it. Loading either tensor whole
would add at least 250 MB; streaming blocks of rows adds a few tens of MB.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from .bench_convert import write_big_llama

pytestmark = pytest.mark.slow

CHILD = r"""
import sys
from pathlib import Path
from soulchat_local.convert import convert_checkpoint
import soulchat_local.convert.pipeline, soulchat_local.convert.writer  # imports before the baseline
def hwm():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) * 1024
before = hwm()
convert_checkpoint(Path(sys.argv[1]), Path(sys.argv[2]), ["f16"], register=False, quality_report=False,
                   progress=False, log=lambda m: None)
print(before, hwm())
"""


def test_peak_memory_stays_far_below_the_largest_tensor(tmp_path):
    ckpt = tmp_path / "big"
    write_big_llama(ckpt, hidden=2048, ff=1024, layers=1, heads=16, kv=4, vocab=64000)
    largest = 64000 * 2048 * 2
    out = subprocess.run([sys.executable, "-c", CHILD, str(ckpt), str(tmp_path / "out")],
                         capture_output=True, text=True, check=True, timeout=300).stdout
    before, after = map(int, out.split())
    assert after - before < 0.4 * largest, f"peak grew by {(after - before) / 2**20:.0f} MB"
