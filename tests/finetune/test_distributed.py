"""`accelerate launch --cpu --num_processes 2 -m soulchat_local.finetune` trains data-parallel
and gives the loss curve of one process (same global batch, same samples per step); the
example accelerate configs shipped in the package are valid accelerate configs.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from soulchat_local.finetune.__main__ import main
from soulchat_local.finetune.cli import CONFIGS, config_path

from .conftest import finetune, read_log


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_two_processes_give_the_loss_curve_of_one(bases, corpus, tmp_path):
    common = [
        str(corpus),
        "--base",
        str(bases["qwen2"]),
        "--epochs",
        "3",
        "--lr",
        "1e-2",
        "--batch-size",
        "4",
        "--save-every",
        "0",
        "--lora-dropout",
        "0",
        "--no-gradient-checkpointing",
    ]
    one = tmp_path / "one"
    assert main([*common, "--out", str(one)]) == 0
    accelerate = str(Path(sys.executable).with_name("accelerate"))
    launcher = [
        accelerate,
        "launch",
        "--cpu",
        "--num_processes",
        "2",
        "--num_machines",
        "1",
        "--mixed_precision",
        "no",
        "--dynamo_backend",
        "no",
        "--num_cpu_threads_per_process",
        "1",
        "--main_process_port",
        str(_free_port()),
    ]
    two = tmp_path / "two"
    result = finetune(*common, "--out", str(two), launcher=launcher)
    assert result.returncode == 0, result.stderr[-3000:]
    single, ddp = read_log(one), read_log(two)
    assert len(single) == len(ddp) == 3  # 4 samples, 4 a step
    assert [r["trained_tokens"] for r in ddp] == [r["trained_tokens"] for r in single]
    assert [r["loss"] for r in ddp] == pytest.approx([r["loss"] for r in single], rel=1e-4)
    assert ddp[-1]["loss"] < ddp[0]["loss"]  # it trained (the curve is not flat)
    # one process wrote the log and the adapter
    assert (two / "adapter" / "adapter_model.safetensors").is_file()


@pytest.mark.parametrize("name", CONFIGS)
def test_example_configs_are_accelerate_configs(name):
    from accelerate.commands.config.config_args import load_config_from_file

    cfg = load_config_from_file(str(config_path(name)))
    expected = {"ddp": "MULTI_GPU", "zero3": "DEEPSPEED", "fsdp": "FSDP"}[name]
    assert str(cfg.distributed_type).rsplit(".", 1)[-1] == expected
    if name == "zero3":
        assert cfg.deepspeed_config["zero_stage"] == 3
    if name == "fsdp":
        assert cfg.fsdp_config["fsdp_version"] == 2


def test_config_path_is_printed(bases):
    result = finetune("--config-path", "zero3")
    assert result.returncode == 0
    assert Path(result.stdout.strip()) == config_path("zero3") and config_path("zero3").is_file()
