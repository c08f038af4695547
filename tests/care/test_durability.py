"""Durability: SIGKILL while replies stream, and two processes writing one history at once.

The chat process is tests/care/stream_driver.py: the real Store and Conversation with the
ScriptedEngine streaming a known reply, a piece every few milliseconds.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from soulchat_local.paths import get_paths
from soulchat_local.store import Store

from .stream_driver import expected_reply, user_text

DRIVER = Path(__file__).with_name("stream_driver.py")
PASSPHRASE = "durable passphrase"


class Driver:
    """A driver process and the lines it printed, read as they come."""

    def __init__(self, *args: str) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, str(DRIVER), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.strip())

    def wait_for(self, prefix: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(line.startswith(prefix) for line in self.lines):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"driver never printed {prefix!r}: {self.proc.stderr.read() if self.proc.stderr else ''}"
                )
            time.sleep(0.01)

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._reader.join(timeout=10)

    def finish(self, timeout: float = 120.0) -> str:
        _, err = self.proc.communicate(timeout=timeout)
        self._reader.join(timeout=10)
        return err


def connect(db: Path, passphrase: str | None):  # noqa: ANN201
    """A plain connection that is not the program's, to inspect the file after a kill."""
    if passphrase is None:
        conn = sqlite3.connect(db)
    else:
        import sqlcipher3

        conn = sqlcipher3.connect(str(db))
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = '{passphrase}'")
    return conn


def check_history(db: Path, passphrase: str | None) -> list[tuple]:
    conn = connect(db, passphrase)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
        return conn.execute(
            "SELECT id, session_id, role, content, partial FROM messages ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def check_replies(rows: list[tuple]) -> None:
    """Each reply follows its user message, is a prefix of the scripted reply, and is
    marked partial unless it is complete."""
    last_user: dict[int, str] = {}
    for _, session, role, content, partial in rows:
        if role == "user":
            last_user[session] = content
            continue
        expected = expected_reply(last_user[session])
        assert expected.startswith(content), (content, expected)
        if content != expected:
            assert partial == 1, f"an incomplete reply is not marked partial: {content!r}"


@pytest.mark.slow
@pytest.mark.parametrize(("mode", "kills"), [("plaintext", 24), ("encrypted", 20)])
def test_sigkill_while_streaming_loses_nothing_committed(
    home: Path, monkeypatch: pytest.MonkeyPatch, mode: str, kills: int
) -> None:
    passphrase = PASSPHRASE if mode == "encrypted" else None
    if passphrase:
        monkeypatch.setenv("SOULCHAT_PASSPHRASE", passphrase)
    db = get_paths().history_db
    rng = random.Random(5)
    started: list[str] = []  # user messages whose reply had begun: committed before it
    flushed: dict[int, int] = {}  # reply id -> characters committed, as last reported
    finished: set[int] = set()
    mid_stream = 0
    for round_ in range(kills):
        tag = f"round{round_}"
        driver = Driver("chat", tag, "50", "0.012")
        driver.wait_for("STARTED")
        time.sleep(rng.uniform(0.0, 1.5))
        driver.kill()
        for line in driver.lines:
            word, *rest = line.split()
            if word == "STARTED":
                started.append(user_text(tag, int(rest[0])))
            elif word == "FLUSH":
                flushed[int(rest[0])] = int(rest[1])
            elif word == "DONE":
                finished.add(int(rest[0]))
        mid_stream += not driver.lines[-1].startswith("DONE")

        rows = check_history(db, passphrase)
        users = {content for _, _, role, content, _ in rows if role == "user"}
        assert set(started) <= users, "a message the user sent is gone"
        by_id = {row[0]: row for row in rows}
        for reply_id, length in flushed.items():
            assert len(by_id[reply_id][3]) >= length, "a flushed part of a reply is gone"
        for reply_id in finished:
            assert by_id[reply_id][4] == 0
        check_replies(rows)
    assert mid_stream >= kills // 2, "most kills should land while a reply streams"
    assert any(row[4] == 1 and row[3] for row in rows), "no partial reply with text kept"
    # The program itself opens the history fine afterwards.
    store = Store(db)
    assert len(store.sessions()) == kills
    store.close()


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["plaintext", "encrypted"])
def test_two_instances_write_one_history_at_once(
    home: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    passphrase = PASSPHRASE if mode == "encrypted" else None
    if passphrase:
        monkeypatch.setenv("SOULCHAT_PASSPHRASE", passphrase)
    db = get_paths().history_db
    turns = 25
    # Both start on a home with no history yet: they race to create it too.
    drivers = [Driver("chat", "alpha", str(turns), "0"), Driver("chat", "beta", str(turns), "0")]
    churner = Driver("churn", "gamma", "10")
    for driver in [*drivers, churner]:
        err = driver.finish()
        assert driver.proc.returncode == 0, err
    rows = check_history(db, passphrase)
    check_replies(rows)
    for tag in ("alpha", "beta"):
        users = [c for _, _, role, c, _ in rows if role == "user" and c.startswith(tag)]
        assert users == [user_text(tag, n) for n in range(turns)]
    assert all(partial == 0 for *_, partial in rows)
    assert not any("gamma" in content for *_, content, _ in rows)
    store = Store(db)
    assert sorted(s.messages for s in store.sessions()) == [2 * turns, 2 * turns]
    store.close()


OTHER_INSTANCE = """
import sys
from pathlib import Path
from soulchat_local.store import Store
store = Store(Path(sys.argv[1]))
store.add_message(store.create_session("m"), "user", "from the other instance")
store.close()
"""

READER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
print("|".join(row[0] for row in conn.execute("SELECT content FROM messages ORDER BY id")))
"""


def run_python(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_another_instance_closing_leaves_an_open_one_its_wal(home: Path) -> None:
    """Closing one instance must not checkpoint and delete the WAL while another has the
    history open: what the open one commits next would go to a deleted file, unseen by
    everyone else and lost when two writers' checkpoints cross. (Opening the store once
    read the file's header after connecting; closing that descriptor dropped SQLite's
    locks of the whole process.)"""
    db = get_paths().ensure().history_db
    store = Store(db)
    session = store.create_session("m")
    store.add_message(session, "user", "before")
    run_python(OTHER_INSTANCE, str(db))
    assert db.with_name(db.name + "-wal").exists(), "the open instance's WAL was deleted"
    store.add_message(session, "user", "after")
    assert run_python(READER, str(db)).split("|") == [
        "before", "from the other instance", "after"
    ]
    store.close()
