"""Offline: chatting opens no socket, whatever HF_HUB_OFFLINE says.

Two independent checks: the real `soulchat ask` with the real demo model in a process
that has no network at all (`unshare -n`, a new network namespace without even a
loopback), recording every socket operation Python makes; and in-process runs of `ask`
and of the app's Conversation with every socket function replaced by one that fails.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from soulchat_local import cli as soulchat_cli
from soulchat_local.chat import Conversation
from soulchat_local.config import Config, Sampling
from soulchat_local.engine import ScriptedEngine
from soulchat_local.paths import get_paths
from soulchat_local.resolve import resolve_model
from soulchat_local.runtime import load_engine, open_store

RUNNER = Path(__file__).with_name("offline_run.py")


def can_unshare() -> bool:
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


needs_unshare = pytest.mark.skipif(
    not can_unshare(), reason="`unshare -n` needs root on Linux; the in-process tests still run"
)


def chat_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "SOULCHAT_"))}
    env.update(SOULCHAT_HOME=str(home), **extra)
    return env


@needs_unshare
def test_no_network_namespace_really_has_no_network() -> None:
    """The sandbox the next test relies on: even loopback is unreachable inside it."""
    probe = "import socket; socket.create_connection(('127.0.0.1', 9), timeout=5)"
    result = subprocess.run(
        ["unshare", "-n", sys.executable, "-c", probe], capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Network is unreachable" in result.stderr


@pytest.mark.real_model
@pytest.mark.slow
@needs_unshare
def test_ask_with_the_demo_model_and_no_network(home: Path, tmp_path: Path, demo_gguf) -> None:
    report = tmp_path / "audit.json"
    # HF_HUB_OFFLINE is left unset on purpose: chatting must not depend on it.
    env = chat_env(home, SOULCHAT_AUDIT_OUT=str(report))
    command = [
        "unshare", "-n", sys.executable, str(RUNNER),
        "ask", "--max-tokens", "12", "--temperature", "0", "--json", "I feel a bit lonely today",
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["reply"].strip() and answer["usage"]["completion_tokens"] > 0
    audit = json.loads(report.read_text())
    assert audit["code"] == 0
    assert audit["socket_events"] == []
    assert audit["network_modules"] == []
    # The turn was stored as usual.
    listing = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "soulchat_local", "history", "list", "--json"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert json.loads(listing.stdout)[0]["messages"] == 2


class SocketBlocked(AssertionError):
    pass


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every way Python code opens or resolves a socket fails, and is recorded."""
    attempts: list[str] = []

    def blocked(name: str):  # noqa: ANN202
        def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            attempts.append(name)
            raise SocketBlocked(f"{name} called while chatting")

        return refuse

    monkeypatch.setattr(socket.socket, "__init__", blocked("socket.socket"))
    monkeypatch.setattr(socket.socket, "connect", blocked("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", blocked("socket.connect_ex"))
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "socketpair",
                 "fromfd", "create_server"):
        monkeypatch.setattr(socket, name, blocked(f"socket.{name}"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    return attempts


def test_the_socket_block_works(no_sockets: list[str]) -> None:
    with pytest.raises(SocketBlocked):
        urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)
    assert no_sockets


@pytest.mark.real_model
def test_ask_in_process_opens_no_socket(home: Path, no_sockets, capsys, demo_gguf) -> None:
    code = soulchat_cli.main(
        ["ask", "--max-tokens", "8", "--temperature", "0", "--json", "hello, I can't sleep"]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert json.loads(out.out)["usage"]["completion_tokens"] > 0
    assert no_sockets == []


@pytest.mark.real_model
def test_conversation_with_the_real_engine_opens_no_socket(
    home: Path, no_sockets, demo_gguf
) -> None:
    paths = get_paths()
    config = Config()
    engine = load_engine(resolve_model(str(demo_gguf), config, paths), config)
    store = open_store(paths)
    try:
        conversation = Conversation(store, engine, None, sampling=Sampling(max_tokens=8))
        first = conversation.send("hello")
        second = conversation.regenerate()
        assert first.reply_id != second.reply_id
        assert [m.role for m in store.messages(conversation.session)] == ["user", "assistant"]
    finally:
        engine.close()
        store.close()
    assert no_sockets == []


def test_conversation_with_the_scripted_engine_opens_no_socket(home: Path, no_sockets) -> None:
    store = open_store(get_paths())
    engine = ScriptedEngine(["I'm here.", "Tell me more."])
    conversation = Conversation(store, engine, None, sampling=Sampling())
    assert conversation.send("hi").reply == "I'm here."
    assert conversation.edit_last("hello").reply == "Tell me more."
    store.close()
    assert no_sockets == []
