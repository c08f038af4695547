"""`soulchat history passphrase`: SQLCipher's rekey from the old passphrase to a new one,
atomic under a kill at any moment."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from soulchat_local.paths import get_paths
from soulchat_local.store import Store
from soulchat_local.store.crypto import WrongPassphrase
from soulchat_local.store.db import needs_passphrase

from .raw_bytes import history_files, readable
from .test_privacy import assert_one_line_error, fill

OLD = 'old: it\'s 我的 "secret"'
NEW = "new \\ passphrase 新的"
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")  # SQLite's rollback journal header


def opens_with(db: Path, passphrase: str) -> tuple[str, int] | None:
    """(integrity_check, sessions) when `passphrase` opens the history, else None."""
    try:
        store = Store(db, passphrase=passphrase)
    except WrongPassphrase:
        return None
    try:
        check = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
        return check, len(store.sessions())
    finally:
        store.close()


def test_history_passphrase_changes_it(home: Path, cli) -> None:
    db = get_paths().ensure().history_db
    store = Store(db, passphrase=OLD)
    fill(store, "Rk3y9")
    store.close()
    result = cli("history", "passphrase", input=NEW + "\n", env={"SOULCHAT_PASSPHRASE": OLD})
    assert result.code == 0, result.err
    assert "SOULCHAT_PASSPHRASE still holds the old" in result.out
    assert opens_with(db, OLD) is None
    assert opens_with(db, NEW) == ("ok", 1)
    assert b"Rk3y9" in readable(db, NEW)
    assert [p.name for p in history_files(db)] == ["history.db"]  # no journal under the old key
    # scripts keep working with the new passphrase in the environment
    listed = cli("history", "list", env={"SOULCHAT_PASSPHRASE": NEW})
    assert listed.code == 0 and "title Rk3y9" in listed.out


def test_history_passphrase_removes_states_sealed_under_the_old_one(home: Path, cli) -> None:
    from soulchat_local.store.state_files import state_dir

    db = get_paths().ensure().history_db
    store = Store(db, passphrase=OLD)
    fill(store, "Rk3y9")
    store.close()
    states = state_dir(db)
    states.mkdir(parents=True, exist_ok=True)
    (states / "key").write_bytes(b"sealed under the old passphrase")
    (states / "one.state").write_bytes(b"Rk3y9 tokens")
    result = cli("history", "passphrase", input=NEW + "\n", env={"SOULCHAT_PASSPHRASE": OLD})
    assert result.code == 0, result.err
    assert not states.exists() or list(states.iterdir()) == []


def test_history_passphrase_needs_the_current_one(home: Path, cli) -> None:
    db = get_paths().ensure().history_db
    Store(db, passphrase=OLD).close()
    wrong = cli("history", "passphrase", input=NEW + "\n", env={"SOULCHAT_PASSPHRASE": "guess"})
    assert_one_line_error(wrong, "current passphrase", "nothing was changed")
    assert_one_line_error(cli("history", "passphrase", input=NEW + "\n"), "SOULCHAT_PASSPHRASE")
    same = cli("history", "passphrase", input=OLD + "\n", env={"SOULCHAT_PASSPHRASE": OLD})
    assert_one_line_error(same, "same")
    empty = cli("history", "passphrase", input="\n", env={"SOULCHAT_PASSPHRASE": OLD})
    assert_one_line_error(empty, "empty")
    assert opens_with(db, OLD) == ("ok", 0)


def test_history_passphrase_asks_on_a_terminal(home: Path, monkeypatch, capsys) -> None:
    from soulchat_local import cli as soulchat_cli

    db = get_paths().ensure().history_db
    Store(db, passphrase=OLD).close()
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    prompts: list[str] = []
    answers = iter([OLD, NEW, NEW])

    def getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("getpass.getpass", getpass)
    assert soulchat_cli.main(["history", "passphrase"]) == 0, capsys.readouterr().err
    assert prompts == [
        "current history passphrase: ",
        "new history passphrase: ",
        "the same passphrase again: ",
    ]
    assert opens_with(db, NEW) == ("ok", 0)


def test_history_passphrase_on_a_plaintext_history_encrypts_it(home: Path, cli) -> None:
    db = get_paths().ensure().history_db
    store = Store(db)
    fill(store, "Pl41n")
    store.close()
    result = cli("history", "passphrase", env={"SOULCHAT_PASSPHRASE": NEW})
    assert result.code == 0, result.err
    assert needs_passphrase(db) and opens_with(db, NEW) == ("ok", 1)


CHANGE = """
import sys
from pathlib import Path
from soulchat_local.store.crypto import change_passphrase
print("start", flush=True)
change_passphrase(Path(sys.argv[1]), sys.argv[2], sys.argv[3])
print("done", flush=True)
"""


def big_history(db: Path, passphrase: str) -> int:
    """A few MB of history: the rekey takes long enough to be killed in the middle."""
    store = Store(db, passphrase=passphrase)
    text = "最近总是睡不好，心里很乱。" * 30 + " I keep going over the same thoughts." * 10
    for i in range(60):
        session = store.create_session("m", title=f"night {i}")
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO messages (session_id, role, content, created, updated)"
                " VALUES (?, 'user', ?, 'x', 'x')",
                [(session, f"{i}.{j} {text}") for j in range(20)],
            )
    store.close()
    return 60


def start_change(db: Path, old: str, new: str) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", CHANGE, str(db), old, new], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline() == "start\n"
    return child


def test_a_kill_at_any_moment_leaves_the_history_readable_with_one_of_the_two(
    home: Path,
) -> None:
    db = get_paths().ensure().history_db
    sessions = big_history(db, OLD)
    journal = db.with_name(db.name + "-journal")
    current, other = OLD, NEW

    def check_after_kill() -> str:
        """Exactly one passphrase opens it, whole; returns which."""
        nonlocal current, other
        opened = [p for p in (other, current) if opens_with(db, p) == ("ok", sessions)]
        assert len(opened) == 1, opened
        if opened[0] == other:
            current, other = other, current
        return opened[0]

    # 1. killed while pages are being rewritten: the journal is on disk and synced (its
    # header is written last), so the database file may already hold new-key pages
    caught = 0
    for _ in range(10):
        child = start_change(db, current, other)
        while child.poll() is None:
            head = journal.read_bytes()[:8] if journal.exists() else b""
            if head == JOURNAL_MAGIC:
                child.send_signal(signal.SIGKILL)
                caught += 1
                break
            time.sleep(0.0005)
        child.wait()
        before = current
        check_after_kill()
        if caught:
            assert current == before  # rolled back: the old passphrase still opens it
            break
    assert caught, "no kill landed mid-rekey"

    # 2. killed at moments spread over the whole change (key derivation, journal, pages,
    # commit, the journal's removal)
    random.seed(13)
    for delay in [random.uniform(0.0, 3.0) for _ in range(6)]:
        child = start_change(db, current, other)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        check_after_kill()
        assert not journal.exists()  # opening removed what was left of it


def test_history_passphrase_refuses_while_the_history_is_open(home: Path, cli) -> None:
    db = get_paths().ensure().history_db
    store = Store(db, passphrase=OLD)  # as if the app were open
    fill(store, "Busy7")
    result = cli("history", "passphrase", input=NEW + "\n", env={"SOULCHAT_PASSPHRASE": OLD})
    assert_one_line_error(result, "in use")
    assert store.sessions()[0].title == "title Busy7"
    store.close()
    assert opens_with(db, OLD) == ("ok", 1) and opens_with(db, NEW) is None
