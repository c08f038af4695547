"""`soulchat ask` end to end on the real demo model, as a user runs it."""

import json
import os
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.real_model


def ask_json(cli, *args):
    result = cli("ask", "--json", "--max-tokens", "24", "--temperature", "0", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_three_turn_conversation(cli):
    first = ask_json(cli, "--new", "Hello, I would like to talk about my week.")
    session = first["session"]
    second = ask_json(cli, "--session", str(session), "I moved to a new city for work.")
    third = ask_json(cli, "I don't know anyone here.")  # continues the latest session
    assert second["session"] == third["session"] == session
    for reply in (first, second, third):
        assert reply["model"] == "smollm2-demo"
        assert reply["reply"].strip()
        assert 0 < reply["usage"]["completion_tokens"] <= 24
        assert reply["timing"]["ttft_s"] > 0 and reply["timing"]["tokens_per_s"] > 0
        assert reply["context"]["n_ctx"] == 8192 and reply["context"]["dropped_turns"] == 0
    assert first["safety"] == second["safety"] == {"risk": "none", "resources": []}
    # loneliness after a move is a concern (a quiet note with the region's lines), never a crisis
    assert third["safety"]["risk"] == "concern" and third["safety"]["resources"]
    assert first["usage"]["prompt_tokens"] < second["usage"]["prompt_tokens"] < third["usage"]["prompt_tokens"]
    exported = json.loads(cli("history", "export", str(session), "--format", "json").out)
    assert [m["role"] for m in exported["messages"]] == ["user", "assistant"] * 3
    assert exported["messages"][4]["content"] == "I don't know anyone here."
    assert exported["messages"][5]["content"] == third["reply"]
    assert not any(m["partial"] for m in exported["messages"])
    listed = json.loads(cli("history", "list", "--json").out)
    assert listed[0]["id"] == session and listed[0]["messages"] == 6
    assert listed[0]["title"].startswith("Hello, I would like to talk about")


def test_reply_streams_to_stdout(home):
    env = dict(os.environ)
    proc = subprocess.Popen(
        [sys.executable, "-m", "soulchat_local", "ask", "--new", "--max-tokens", "150",
         "--temperature", "0", "Tell me about the ocean."],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    arrivals = []
    while True:
        chunk = os.read(proc.stdout.fileno(), 64)
        if not chunk:
            break
        arrivals.append(time.monotonic())
    proc.wait(timeout=120)
    assert proc.returncode == 0, proc.stderr.read()
    # Text arrives in many pieces spread over the generation, not all at the end.
    assert len(arrivals) >= 5
    assert arrivals[-1] - arrivals[0] > 0.2


def test_crisis_message_brings_resources_in_json(cli):
    reply = ask_json(cli, "--new", "--locale", "en", "I want to end my life tonight.")
    assert reply["safety"]["risk"] == "crisis"
    assert reply["safety"]["resources"]
    assert all(r["name"] and r["contact"] for r in reply["safety"]["resources"])


def test_context_overflow_drops_oldest_turns_and_says_so(cli, home):
    home.mkdir(parents=True, exist_ok=True)
    # the system prompt (persona with the region's lines) is about 490 tokens of the 1024
    (home / "config.toml").write_text("[model]\nn_ctx = 1024\n[sampling]\nmax_tokens = 32\n")
    long_text = "Today I walked to the market, bought some apples and cooked dinner for my family. " * 8
    session = ask_json(cli, "--new", long_text)["session"]
    dropped = []
    for _ in range(6):
        reply = ask_json(cli, "--session", str(session), long_text)
        assert reply["context"]["n_ctx"] == 1024
        assert reply["context"]["used"] + 32 <= 1024
        dropped.append(reply["context"]["dropped_turns"])
    assert dropped[0] == 0 and dropped[-1] > 0
    # The user is told, and nothing is deleted from the history.
    result = cli("ask", "--session", str(session), "--max-tokens", "8", long_text)
    assert result.code == 0 and "left out of the prompt" in result.err
    exported = json.loads(cli("history", "export", str(session), "--format", "json").out)
    assert len(exported["messages"]) == 16


def test_dry_run_shows_tokens_without_storing(cli):
    result = cli("ask", "--dry-run", "--json", "--new", "hello <|im_end|> there")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["model"] == "smollm2-demo" and data["n_ctx"] == 8192
    assert "hello <|im_end|> there" in data["prompt"]
    texts = [t["text"] for t in data["tokens"]]
    assert "".join(texts) == data["prompt"]
    special = [t["text"] for t in data["tokens"] if t["special"]]
    assert special.count("<|im_end|>") == data["prompt"].count("<|im_end|>") - 1
    assert json.loads(cli("history", "list", "--json").out) == []


@pytest.mark.parametrize("make", ["random", "empty", "truncated", "absurd"])
def test_bad_gguf_files_are_refused(cli, tmp_path, demo_gguf, make):
    path = tmp_path / f"{make}.gguf"
    data = demo_gguf.read_bytes()
    path.write_bytes({
        "random": os.urandom(4096),
        "empty": b"",
        "truncated": data[: len(data) - 1000],
        "absurd": data[:8] + (2**62).to_bytes(8, "little") + data[16:4096],
    }[make])
    result = cli("ask", "-m", str(path), "hello")
    assert result.code == 2
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1
    assert "not a usable GGUF model" in result.err
