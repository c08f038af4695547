"""Tiny random Llama and Qwen2 checkpoints (tests/convert/tiny.py) and a few dialogues."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.convert import tiny

pytest.importorskip("peft", reason="the train extra is not installed: pip install -e '.[train]'")

# A Llama-3-like template that trims the content (the mask must still find it) and puts the
# BOS token in the text.
LLAMA_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}"
    "{{ m['role'] + ': ' + (m['content'] | trim) + '<|eot_id|>' + '\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ 'assistant: ' }}{% endif %}"
)

SYSTEM = "You are a warm, patient counsellor."

DIALOGUES = [
    [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": "I feel tired and the night is long."},
        {"role": "assistant", "content": "That sounds exhausting. What keeps you awake?"},
        {"role": "user", "content": "the work and the family."},
        {"role": "assistant", "content": "Both at once is a lot to carry. Tell me about the work."},
    ],
    [
        {"role": "user", "content": "hello world, I feel tired."},
        {"role": "assistant", "content": "Hello. I am listening; what is making you tired?"},
    ],
    [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": "你好，我最近睡不着。"},
        {"role": "assistant", "content": "睡不着一定很难受。我们聊聊工作和家庭？"},
        {"role": "user", "content": "好。"},
        {"role": "assistant", "content": "先说说工作吧。"},
    ],
    [
        {"role": "user", "content": "we talk about the family."},
        {"role": "assistant", "content": "The family matters to you. Who is in it?"},
    ],
]


def build_base(arch: str, root: Path, **kw) -> Path:
    """A tiny checkpoint whose tokenizer has a chat template (ChatML for Qwen2)."""
    t = tiny.build(arch, root, **kw)
    if arch == "llama":
        cfg_path = t.path / "tokenizer_config.json"
        cfg = json.loads(cfg_path.read_text())
        cfg["chat_template"] = LLAMA_TEMPLATE
        cfg_path.write_text(json.dumps(cfg, ensure_ascii=False, indent=1))
    return t.path


def write_corpus(path: Path, dialogues: list[list[dict]] = DIALOGUES) -> Path:
    """SoulChatCorpus-style JSON Lines."""
    with open(path, "w", encoding="utf-8") as fh:
        for i, msgs in enumerate(dialogues):
            fh.write(
                json.dumps({"id": str(i), "topic": "test", "messages": msgs}, ensure_ascii=False)
                + "\n"
            )
    return path


@pytest.fixture(scope="session")
def bases(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bases")
    return {arch: build_base(arch, root / arch) for arch in ("llama", "qwen2")}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "dialogues.jsonl")


def finetune(
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 600,
    launcher: list[str] | None = None,
) -> subprocess.CompletedProcess:
    """The real command in a subprocess (one CPU thread each: CI has two cores)."""
    full = dict(os.environ, OMP_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false", **(env or {}))
    cmd = (launcher or [sys.executable]) + ["-m", "soulchat_local.finetune", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=full, timeout=timeout)


def read_log(out: Path) -> list[dict]:
    return [
        json.loads(ln) for ln in (out / "train_log.jsonl").read_text().splitlines() if ln.strip()
    ]
