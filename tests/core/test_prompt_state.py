"""Prompt state on disk, driven by an engine that keeps a real token cache (fast).

The real llama.cpp engine is in test_prompt_state_real.py; these check what the files
hold, which state a turn starts from, eviction, the off switch and the faults.
"""

from __future__ import annotations

import array
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from soulchat_local import prompt_state
from soulchat_local.chat import Conversation
from soulchat_local.config import CacheSettings, Sampling
from soulchat_local.engine import ScriptedEngine
from soulchat_local.store import Store
from soulchat_local.store.state_files import (
    PlainSeal,
    StateError,
    StateFiles,
    session_state_name,
)

SAMPLING = Sampling(temperature=0.0, max_tokens=64)


class CachingEngine(ScriptedEngine):
    """The scripted engine with a cache: tokens are code points, the "state" is the
    cached tokens' bytes, and it counts what it evaluates."""

    def __init__(self, *replies: str, model: str = "m1", **kw) -> None:
        super().__init__(replies, **kw)
        self.model = model
        self.cache = CacheSettings()
        self.held: list[int] = []
        self.evaluated: list[int] = []  # tokens evaluated per turn

    def state_identity(self):
        return {"model": self.model, "build": "b1"}

    def cached_tokens(self) -> list[int]:
        return list(self.held)

    def evaluate(self, tokens: Sequence[int]) -> None:
        self.held = list(tokens)

    def export_state(self):
        return list(self.held), memoryview(array.array("i", self.held).tobytes())

    def import_state(self, tokens, data) -> bool:
        if bytes(data) != array.array("i", tokens).tobytes():
            return False
        self.held = list(tokens)
        return True

    def _generate(self, prompt, sampling):
        if prompt.states is not None:
            prompt.states.restore(self, prompt)
        shared = 0
        for a, b in zip(self.held, prompt.tokens, strict=False):
            if a != b:
                break
            shared += 1
        self.evaluated.append(len(prompt.tokens) - shared)
        pieces = list(super()._generate(prompt, sampling))
        yield from pieces
        self.held = list(prompt.tokens) + [ord(c) for c in "".join(pieces)]
        if prompt.states is not None:
            prompt.states.keep(self)


@pytest.fixture(autouse=True)
def calm(monkeypatch):
    """Prompt sizes here are counted by hand: no safety note is added to any turn."""
    from soulchat_local import chat, safety

    monkeypatch.setattr(chat.safety, "assess", lambda text: safety.Assessment("none", ()))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "history.db")


def talk(store: Store, engine, session: int | None, *texts: str) -> int:
    conversation = Conversation(store, engine, session, sampling=SAMPLING, language="en")
    for text in texts:
        conversation.send(text)
    return conversation.session_id


def test_a_new_run_evaluates_only_the_new_turn(store):
    first = CachingEngine("I hear you.", "Tell me more.")
    session = talk(store, first, None, "hello", "I like tea")
    files = store.prompt_states()
    assert files is not None
    names = files.names()
    assert any(n.startswith(f"s{session}-") for n in names)
    assert any(n.startswith("p-") for n in names)  # the system prompt's, for new sessions

    again = CachingEngine("Go on.")  # a new process: nothing in memory
    talk(store, again, session, "and green tea")
    prompt = again.prompts[-1]
    new_turn = len(prompt.text) - len(first.prompts[-1].text) - len("Tell me more.")
    assert again.evaluated == [new_turn]
    assert again.evaluated[0] < 100 < prompt.used


def system_length(prompt) -> int:
    """Code points of the system message and the next turn's <|im_start|>: what rendering
    the system message alone shares with the prompt."""
    return prompt.text.index("<|im_start|>user") + len("<|im_start|>")


def test_a_new_session_starts_from_the_system_prompt_state(store):
    talk(store, CachingEngine(), None, "first session")
    fresh = CachingEngine()
    talk(store, fresh, None, "a new session")
    prompt = fresh.prompts[-1]
    assert fresh.evaluated == [prompt.used - system_length(prompt)]


def test_states_are_per_model_and_kept_when_switching(store):
    session = talk(store, CachingEngine(model="a"), None, "hello")
    talk(store, CachingEngine(model="b"), session, "again")
    back = CachingEngine(model="a")
    talk(store, back, session, "and back")
    # model a's state still covers the first exchange: only later text is evaluated
    assert back.evaluated[0] < back.prompts[-1].used - 100


def test_off_switch_and_zero_cap_write_nothing(store, tmp_path):
    for cache in (CacheSettings(prompt_state=False), CacheSettings(max_mb=0)):
        engine = CachingEngine()
        engine.cache = cache
        talk(store, engine, None, "hello")
    assert not (tmp_path / "prompt-state").exists() or not store.prompt_states().names()


def test_files_are_private(store, tmp_path):
    talk(store, CachingEngine(), None, "hello")
    directory = tmp_path / "prompt-state"
    assert directory.stat().st_mode & 0o777 == 0o700
    for path in directory.iterdir():
        assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "fault", ["cut short", "random bytes", "other model", "other build", "other history", "empty"]
)
def test_a_bad_state_is_ignored_and_rebuilt(store, fault, caplog):
    session = talk(store, CachingEngine(), None, "hello", "more")
    files = store.prompt_states()
    name = next(n for n in files.names() if n.startswith(f"s{session}-"))
    path = files.path(name)
    header = files.header(name)
    data = path.read_bytes()
    if fault == "cut short":
        path.write_bytes(data[: len(data) - 7])
    elif fault == "random bytes":
        path.write_bytes(os.urandom(len(data)))
    elif fault == "empty":
        path.write_bytes(b"")
    else:
        meta = dict(header.meta)
        if fault == "other model":
            meta["identity"] = {"model": "m2", "build": "b1"}
        elif fault == "other build":
            meta["identity"] = {"model": "m1", "build": "b2"}
        else:  # a history made again, whose session 1 is another conversation
            meta["owner"] = {**meta["owner"], "created": "2001-01-01T00:00:00+00:00"}
        tokens = header.tokens
        files.write(name, meta, tokens, memoryview(array.array("i", tokens).tobytes()))
    caplog.set_level("DEBUG", logger="soulchat_local.prompt_state")
    again = CachingEngine()
    talk(store, again, session, "third")
    lines = [r for r in caplog.records if name in r.getMessage()]
    assert len(lines) == 1 and "ignored" in lines[0].getMessage()
    # it started from the system prompt's state at best, never from the bad one ...
    prompt = again.prompts[-1]
    assert again.evaluated == [prompt.used - system_length(prompt)]
    # ... and the session's state was rebuilt from this turn
    rebuilt = files.header(name)
    assert rebuilt is not None and rebuilt.meta["owner"]["session"] == session
    assert rebuilt.tokens[: again.prompts[-1].used] == again.prompts[-1].tokens


def test_a_state_longer_than_the_prompt_gives_its_shared_prefix(store):
    """Regenerating drops the reply: the saved state covers more than the prompt."""
    engine = CachingEngine("first reply")
    session = talk(store, engine, None, "hello")
    fresh = CachingEngine()
    conversation = Conversation(store, fresh, session, sampling=SAMPLING, language="en")
    prompt = fresh.build_prompt(conversation.history()[:-1], 64)  # without the reply
    assert engine.held[: prompt.used] == prompt.tokens and len(engine.held) > prompt.used
    prompt.states = prompt_state.for_turn(store, fresh, session)
    prompt.states.restore(fresh, prompt)
    assert prompt.states.restored == prompt.used  # every prompt token came from the state


def test_deleting_messages_drops_the_session_state(store):
    engine = CachingEngine("a", "b")
    session = talk(store, engine, None, "one", "two")
    files = store.prompt_states()
    assert any(n.startswith(f"s{session}-") for n in files.names())
    last_user = [m for m in store.messages(session) if m.role == "user"][-1]
    store.delete_messages_from(session, last_user.id)
    assert not any(n.startswith(f"s{session}-") for n in files.names())


def test_states_of_deleted_sessions_go(store, tmp_path):
    engine = CachingEngine()
    one = talk(store, engine, None, "one")
    two = talk(store, CachingEngine(), None, "two")
    files = store.prompt_states()
    store.delete_session(one)
    assert not any(n.startswith(f"s{one}-") for n in files.names())
    assert any(n.startswith(f"s{two}-") for n in files.names())
    # a state left behind for a session that is gone (say, a crash) is swept at the next save
    files.write(session_state_name(99, "x"), {}, [1, 2], memoryview(b"xx"))
    talk(store, CachingEngine(), two, "again")
    assert session_state_name(99, "x") not in files.names()
    store.forget_all()
    assert list((tmp_path / "prompt-state").iterdir()) == []


def test_least_recently_used_states_are_evicted(tmp_path):
    files = StateFiles(tmp_path / "prompt-state", PlainSeal())
    payload = memoryview(b"x" * 100_000)
    for index, name in enumerate(["s1-a", "s2-a", "s3-a"]):
        files.write(name, {}, [1], payload)
        os.utime(files.path(name), ns=(10**18 + index, 10**18 + index))
    files.touch("s1-a")  # used just now
    size = files.path("s1-a").stat().st_size
    assert files.evict(2 * size) == ["s2-a"]
    assert files.names() == ["s1-a", "s3-a"]
    assert files.evict(size, keep=["s3-a"]) == ["s1-a"]
    assert files.evict(0) == ["s3-a"]


def test_a_state_round_trips_in_chunks(tmp_path, monkeypatch):
    from soulchat_local.store import state_files

    monkeypatch.setattr(state_files, "CHUNK_BYTES", 1000)
    files = StateFiles(tmp_path, PlainSeal())
    payload = os.urandom(5500)
    files.write("s1-a", {"k": 1}, [5, 6, 7], memoryview(payload))
    header = files.header("s1-a")
    assert header.tokens == [5, 6, 7] and header.meta["k"] == 1
    assert bytes(files.payload(header)) == payload
    # swapping two chunks is caught by their numbered seals
    data = bytearray(files.path("s1-a").read_bytes())
    starts, at = [], len(state_files.MAGIC)
    while at < len(data):
        starts.append(at)
        at += 8 + int.from_bytes(data[at : at + 8], "little")
    one, two, three = starts[1], starts[2], starts[3]
    assert two - one == three - two
    data[one:two], data[two:three] = data[two:three], data[one:two]
    files.path("s1-a").write_bytes(bytes(data))
    with pytest.raises(StateError, match="checksum"):
        files.payload(files.header("s1-a"))


WRITER = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from soulchat_local.store.state_files import PlainSeal, StateFiles
    files = StateFiles(Path(sys.argv[1]), PlainSeal())
    n = 0
    while True:
        n += 1
        payload = bytes([n % 251]) * (24 << 20)
        files.write("s1-a", {"n": n}, [n], memoryview(payload))
        print(n, flush=True)
""")


def test_killing_a_write_leaves_no_state_that_would_be_trusted(tmp_path):
    directory = tmp_path / "prompt-state"
    files = StateFiles(directory, PlainSeal())
    cut_mid_write = 0
    for delay in (0.0, 0.05, 0.1, 0.2, 0.35):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(directory)], stdout=subprocess.PIPE, text=True
        )
        child.stdout.readline()  # one state is whole: kill during a later write
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        cut_mid_write += any(p.suffix == ".tmp" for p in directory.iterdir())
        header = files.header("s1-a")  # always a whole state from one of the writes
        n = header.meta["n"]
        assert header.tokens == [n]
        assert bytes(files.payload(header)) == bytes([n % 251]) * (24 << 20)
        assert {p.suffix for p in directory.iterdir()} <= {".state", ".tmp"}
    assert cut_mid_write  # the kills did land inside writes
    files.sweep_temporary()
    assert [p.suffix for p in directory.iterdir()] == [".state"]


def test_doctor_shows_the_states_and_history_commands_delete_them(cli, home):
    import json

    store = Store(home / "history.db")
    one = talk(store, CachingEngine(), None, "one")
    two = talk(store, CachingEngine(), None, "two")
    store.close()
    directory = home / "prompt-state"
    size = sum(p.stat().st_size for p in directory.glob("*.state"))
    info = json.loads(cli("doctor", "--json").out)["prompt_state"]
    assert info == {
        "enabled": True,
        "max_mb": 2048,
        "files": 3,
        "bytes": size,
        "path": str(directory),
    }
    assert "prompt state  3 saved" in cli("doctor").out
    assert cli("history", "rm", str(one), "--yes").code == 0
    assert sorted(p.name.split("-")[0] for p in directory.iterdir()) == ["p", f"s{two}"]
    assert cli("history", "forget", "--all", "--yes").code == 0
    assert list(directory.iterdir()) == []


def test_encrypting_the_history_removes_its_plaintext_states(cli, home):
    store = Store(home / "history.db")
    talk(store, CachingEngine(), None, "one")
    store.close()
    directory = home / "prompt-state"
    assert any(directory.glob("*.state"))
    result = cli("history", "encrypt", env={"SOULCHAT_PASSPHRASE": "a new passphrase"})
    assert result.code == 0, result.err
    assert list(directory.iterdir()) == []
    # the next turn seals its states with the (encrypted) history's key
    encrypted = Store(home / "history.db", passphrase="a new passphrase")
    session = talk(encrypted, CachingEngine(), None, "two")
    assert encrypted.prompt_states().seal.encrypted
    again = CachingEngine()
    talk(Store(home / "history.db", passphrase="a new passphrase"), again, session, "three")
    assert again.evaluated[0] < 100
