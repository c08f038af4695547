"""Training on tiny random checkpoints: the loss falls on a set it can memorise, a fixed seed
reproduces the run, and `--resume` after a kill continues from the saved step as if the run
had never stopped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from soulchat_local.finetune.__main__ import main

from .conftest import finetune, read_log

FAST = ["--no-gradient-checkpointing", "--lora-dropout", "0", "--batch-size", "2"]


def test_loss_falls_on_a_set_it_can_memorise(bases, corpus, tmp_path):
    out = tmp_path / "run"
    args = [
        str(corpus),
        "--base",
        str(bases["qwen2"]),
        "--out",
        str(out),
        "--epochs",
        "15",
        "--lr",
        "2e-2",
        "--save-every",
        "0",
        *FAST,
    ]
    assert main(args) == 0
    losses = [r["loss"] for r in read_log(out)]
    assert len(losses) == 30  # 4 samples, 2 a step, 15 epochs
    first, last = sum(losses[:4]) / 4, sum(losses[-4:]) / 4
    assert last < 0.2 * first, (first, last)
    adapter = out / "adapter"
    assert (adapter / "adapter_model.safetensors").is_file()
    config = json.loads((adapter / "adapter_config.json").read_text())
    # every linear projection of the blocks, never the output head
    assert set(config["target_modules"]) == {
        "q_proj",
        "k_proj",
        "v_proj",
        "o_proj",
        "gate_proj",
        "up_proj",
        "down_proj",
    }

    # the same seed gives the same run, step for step
    again = tmp_path / "again"
    assert main([*args[:3], "--out", str(again), *args[5:]]) == 0
    assert [r["loss"] for r in read_log(again)] == losses


def test_full_fine_tuning_on_llama(bases, corpus, tmp_path):
    out = tmp_path / "full"
    assert (
        main(
            [
                str(corpus),
                "--base",
                str(bases["llama"]),
                "--out",
                str(out),
                "--full",
                "--epochs",
                "4",
                "--lr",
                "3e-3",
                "--save-every",
                "0",
                *FAST,
            ]
        )
        == 0
    )
    losses = [r["loss"] for r in read_log(out)]
    assert losses[-1] < losses[0]
    model = out / "model"
    assert (model / "model.safetensors").is_file() and (model / "tokenizer.json").is_file()
    assert "chat_template" in json.loads((model / "tokenizer_config.json").read_text())


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, "the run ended before it could be killed: " + proc.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_resume_after_a_kill_continues_from_the_saved_step(bases, corpus, tmp_path):
    common = [
        str(corpus),
        "--base",
        str(bases["qwen2"]),
        "--epochs",
        "20",
        "--lr",
        "1e-2",
        "--save-every",
        "4",
        "--lora-dropout",
        "0.1",
        "--batch-size",
        "2",
    ]
    ref = tmp_path / "ref"
    assert main([*common, "--out", str(ref)]) == 0
    reference = [r["loss"] for r in read_log(ref)]
    assert len(reference) == 40

    out = tmp_path / "killed"
    env = dict(os.environ, OMP_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false")
    proc = subprocess.Popen(
        [sys.executable, "-m", "soulchat_local.finetune", *common, "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        _wait_for(out / "checkpoints" / "step-8", proc)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    saved = max(
        int(p.name[5:]) for p in (out / "checkpoints").glob("step-*") if p.name[5:].isdigit()
    )
    assert saved < 40 and not (out / "adapter").exists()

    # without --resume the folder is refused (one line, exit 2)
    refused = finetune(*common, "--out", str(out))
    assert (
        refused.returncode == 2 and refused.stderr.count("\n") == 1 and "--resume" in refused.stderr
    )
    resumed = finetune(*common, "--out", str(out), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming from step {saved}" in resumed.stderr
    log = read_log(out)
    assert [r["step"] for r in log] == list(range(1, 41))
    # the steps after the checkpoint are those of the run that was never killed (RNG,
    # optimizer and schedule restored)
    assert [r["loss"] for r in log[saved:]] == pytest.approx(reference[saved:], rel=1e-5)
    assert (out / "adapter" / "adapter_model.safetensors").is_file()


def test_resume_refuses_a_different_run(bases, corpus, tmp_path):
    out = tmp_path / "run"
    common = [
        str(corpus),
        "--base",
        str(bases["qwen2"]),
        "--out",
        str(out),
        "--max-steps",
        "2",
        *FAST,
    ]
    assert main(common) == 0
    result = finetune(*common, "--resume", "--lr", "0.5")
    assert result.returncode == 2 and "learning_rate" in result.stderr and "lr" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.jsonl", "--base", "BASE", "--out", "OUT"], "not found"),
        (["DATA", "--base", "nowhere", "--out", "OUT"], "is not a directory"),
        (
            ["DATA", "--base", "BASE", "--out", "OUT", "--export", "q9_z"],
            "unknown quantization type",
        ),
        (
            ["DATA", "--base", "BASE", "--out", "OUT", "--batch-size", "3", "--micro-batch", "2"],
            "multiple",
        ),
        (["DATA", "--base", "BASE"], "--out"),
        (["DATA", "--base", "BASE", "--out", "OUT", "--epochs", "0"], "greater than 0"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message, bases, corpus, tmp_path):
    subst = {"DATA": str(corpus), "BASE": str(bases["qwen2"]), "OUT": str(tmp_path / "out")}
    result = finetune(*[subst.get(a, a) for a in args])
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
