"""`soulchat assess`, driven as a user would: the real command in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

CMD = [sys.executable, "-m", "soulchat_local.cli", "assess"]


def run(args: list[str], stdin: bytes | None = None, home: str = "") -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "SOULCHAT_HOME": home or os.environ.get("SOULCHAT_HOME", "/nonexistent"),
        "LANG": "en_GB.UTF-8",
        "LC_ALL": "",
        "LC_MESSAGES": "",
    }
    env.pop("SOULCHAT_DEBUG", None)
    return subprocess.run(CMD + args, input=stdin, capture_output=True, timeout=120, env=env)


def test_text_json(tmp_path) -> None:
    out = run(["--json", "I want to kill myself"], home=str(tmp_path))
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert set(report) == {"risk", "score", "reasons", "resources"}
    assert report["risk"] == "crisis" and report["score"] >= 2 / 3 and report["reasons"]
    assert any(r["region"] == "GB" for r in report["resources"])


def test_locale_picks_the_lines(tmp_path) -> None:
    report = json.loads(run(["--json", "--locale", "zh_HK", "我想死"], home=str(tmp_path)).stdout)
    assert report["risk"] == "crisis"
    assert {r["region"] for r in report["resources"]} == {"HK"}


def test_configured_region_picks_the_lines(tmp_path) -> None:
    (tmp_path / "config.toml").write_text('[care]\nregion = "TW"\n', encoding="utf-8")
    out = run(["--json", "I want to kill myself"], home=str(tmp_path))  # LANG is en_GB
    assert out.returncode == 0, out.stderr
    assert {r["region"] for r in json.loads(out.stdout)["resources"]} == {"TW"}


def test_plain_output_and_none_has_no_resources(tmp_path) -> None:
    out = run(["what a lovely day"], home=str(tmp_path))
    assert out.returncode == 0 and out.stdout.startswith(b"none")
    assert (
        json.loads(run(["--json", "what a lovely day"], home=str(tmp_path)).stdout)["resources"]
        == []
    )


def test_json_lines_in_order_with_conversations(tmp_path) -> None:
    lines = [
        {"text": "I want to die"},
        {"text": "今天天气真好"},
        {
            "turns": [
                "everyone would be better off without me",
                "I found where my dad keeps the pills",
            ]
        },
        {"turns": ["I want to die", "I called the line, I'm at my sister's"]},
    ]
    stdin = ("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n").encode()
    out = run(["-"], stdin=stdin, home=str(tmp_path))
    assert out.returncode == 0, out.stderr
    reports = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert [r["risk"] for r in reports] == ["crisis", "none", "crisis", "concern"]


@pytest.mark.parametrize(
    "args, stdin, needle",
    [
        (["   "], None, "empty"),
        (["x" * 100_000], None, "limit"),  # one argument cannot be 1 MB (the OS caps it at 128 KiB)
        (["-"], b'{"text": "ok"}\n' + b'{"text": "' + b"a" * (1 << 20) + b'"}\n', "line 2"),
        (["-"], b'{"text": "fine"}\n\x00\xff\xfe binary \x89PNG\n', "UTF-8"),
        (["-"], b'{"text": "fine"}\n{"text": "bad \\u0000 nul"}\n', "line 2"),
        (["-"], b'{"text": "fine"}\n{"text": "ok"}\nnot json\n', "line 3"),
        (["-"], b'{"text": "fine"}\n{"turns": []}\n', "line 2"),
        (["-"], b'{"text": "fine"}\n{"message": "hi"}\n', "line 2"),
        (["-"], b'{"text": ""}\n', "line 1"),
        (["-"], b"", "no JSON lines"),
        (["--locale", "not a locale!", "hi"], None, "locale"),
    ],
    ids=[
        "empty",
        "long-arg",
        "1MB-line",
        "binary",
        "nul",
        "bad-json",
        "no-turns",
        "wrong-key",
        "empty-text",
        "no-lines",
        "bad-locale",
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(args, stdin, needle, tmp_path) -> None:
    out = run(args, stdin=stdin, home=str(tmp_path))
    assert out.returncode == 2, (out.stdout[:200], out.stderr)
    assert out.stdout == b"", "nothing half-written"
    err = out.stderr.decode()
    assert err.count("\n") == 1 and "Traceback" not in err and needle in err, err


def test_assess_imports_no_model_runtime(tmp_path) -> None:
    code = (
        "import sys; from soulchat_local.cli import main; rc = main(['assess', '--json', 'hello']);"
        "heavy = [m for m in ('llama_cpp', 'textual', 'torch', 'huggingface_hub') if m in sys.modules];"
        "print(heavy, file=sys.stderr); sys.exit(rc or (3 if heavy else 0))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        timeout=120,
        env={**os.environ, "SOULCHAT_HOME": str(tmp_path)},
    )
    assert out.returncode == 0, out.stderr
