"""Encryption at rest (SQLCipher) and file modes of the private history."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from soulchat_local import cli as soulchat_cli
from soulchat_local.errors import UserError
from soulchat_local.paths import get_paths
from soulchat_local.runtime import open_store
from soulchat_local.store import Store
from soulchat_local.store.crypto import SQLITE_HEADER, PassphraseNeeded, WrongPassphrase
from soulchat_local.store.db import needs_passphrase

from .raw_bytes import history_files, raw, readable

# Quotes, a backslash and CJK: the passphrase must reach SQLCipher intact.
PASSPHRASE = "it's a \"long\" \\ passphrase 我的密码"


def fill(store: Store, tag: str) -> list[str]:
    """A session with the tag in every kind of text the user or model writes; returns
    those texts."""
    texts = [f"title {tag}", f"system {tag}", f"user wrote {tag}", f"model replied {tag}"]
    session = store.create_session(f"model-{tag}", system_prompt=texts[1])
    store.add_message(session, "user", texts[2])
    reply = store.add_message(session, "assistant", "", model=f"model-{tag}", partial=True)
    store.update_message(reply, texts[3][:8])
    store.update_message(reply, texts[3], partial=False, finish_reason="stop")
    store.update_session(session, title=texts[0])
    return texts


def assert_one_line_error(result, *words: str) -> None:  # noqa: ANN001
    assert result.code == 2, (result.out, result.err)
    assert result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err and "ERROR" not in result.err
    for word in words:
        assert word in result.err


def test_history_created_with_passphrase_is_encrypted(home: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOULCHAT_PASSPHRASE", PASSPHRASE)
    db = get_paths().history_db
    store = open_store(get_paths())
    texts = fill(store, "Ew7qKc")
    # While the store is open the WAL holds the newest pages: it must be encrypted too.
    names = {p.name for p in history_files(db)}
    assert {"history.db", "history.db-wal", "history.db-shm"} <= names
    assert b"Ew7qKc" not in raw(db)
    assert not raw(db).startswith(SQLITE_HEADER)
    assert b"Ew7qKc" in readable(db, PASSPHRASE)  # the text is there, behind the key
    assert needs_passphrase(db)
    store.close()
    assert b"Ew7qKc" not in raw(db)
    assert [m.content for m in Store(db, passphrase=PASSPHRASE).messages(1)] == texts[2:]


def test_encrypted_history_needs_the_passphrase(home: Path, cli) -> None:
    store = Store(get_paths().ensure().history_db, passphrase=PASSPHRASE)
    fill(store, "Zr8")
    store.close()
    for args in (["history", "list"], ["history", "show", "1"], ["history", "search", "Zr8"]):
        assert_one_line_error(cli(*args), "encrypted", "SOULCHAT_PASSPHRASE")
        wrong = cli(*args, env={"SOULCHAT_PASSPHRASE": PASSPHRASE[:-1]})
        assert_one_line_error(wrong, "passphrase is wrong")
    right = cli("history", "list", "--json", env={"SOULCHAT_PASSPHRASE": PASSPHRASE})
    assert right.code == 0, right.err
    assert json.loads(right.out)[0]["title"] == "title Zr8"
    with pytest.raises(UserError, match="encrypted"):
        Store(get_paths().history_db)
    with pytest.raises(UserError, match="passphrase is wrong"):
        Store(get_paths().history_db, passphrase="nope")


def test_plaintext_history_with_a_passphrase_is_refused(home: Path, cli) -> None:
    Store(get_paths().ensure().history_db).close()
    result = cli("history", "list", env={"SOULCHAT_PASSPHRASE": PASSPHRASE})
    assert_one_line_error(result, "not encrypted", "soulchat history encrypt")
    assert not needs_passphrase(get_paths().history_db)


@pytest.mark.real_model
def test_ask_with_passphrase_keeps_question_and_reply_encrypted(
    home: Path, cli, demo_gguf: Path
) -> None:
    env = {"SOULCHAT_PASSPHRASE": PASSPHRASE}
    question = "I keep thinking about Qv5Lmt and cannot sleep"
    result = cli(
        "ask", "-m", str(demo_gguf), "--max-tokens", "32", "--temperature", "0", "--json",
        question, env=env,
    )
    assert result.code == 0, result.err
    reply = json.loads(result.out)["reply"].strip()
    assert len(reply) >= 8
    db = get_paths().history_db
    data = raw(db)
    for secret in ("Qv5Lmt", reply[:16], "SmolLM2"):  # the question, the reply, the model
        assert secret.encode() not in data
        assert secret.encode() in readable(db, PASSPHRASE)
    assert_one_line_error(cli("ask", "-m", str(demo_gguf), "again"), "encrypted")
    listing = cli("history", "list", "--json", env=env)
    assert json.loads(listing.out)[0]["title"].startswith("I keep thinking about Qv5Lmt")


def test_history_encrypt_turns_a_plaintext_history_into_an_encrypted_one(
    home: Path, cli
) -> None:
    db = get_paths().ensure().history_db
    store = Store(db)
    first = fill(store, "Pk3Wd")
    second = fill(store, "中文秘密")
    store.close()
    assert b"Pk3Wd" in raw(db)

    result = cli("history", "encrypt", env={"SOULCHAT_PASSPHRASE": PASSPHRASE})
    assert result.code == 0, result.err
    assert "2 sessions" in result.out

    # Nothing readable left: not in the database, not in a WAL, SHM or temporary copy.
    assert [p.name for p in history_files(db)] == ["history.db"]
    for text in first + second:
        assert text.encode() not in raw(db)
        assert text.encode() in readable(db, PASSPHRASE)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert needs_passphrase(db)

    env = {"SOULCHAT_PASSPHRASE": PASSPHRASE}
    shown = cli("history", "export", "2", "--format", "json", env=env)
    assert [m["content"] for m in json.loads(shown.out)["messages"]] == second[2:]
    found = cli("history", "search", "秘密", "--json", env=env)  # the FTS index came along
    assert [hit["session_id"] for hit in json.loads(found.out)] == [2, 2]
    assert_one_line_error(cli("history", "list"), "encrypted")
    assert_one_line_error(cli("history", "list", env={"SOULCHAT_PASSPHRASE": "guess"}), "wrong")
    again = cli("history", "encrypt", env=env)
    assert again.code == 0 and "already encrypted" in again.out
    # The encrypted history keeps working: new turns, deletion.
    store = Store(db, passphrase=PASSPHRASE)
    fill(store, "after")
    store.delete_session(1)
    assert [s.title for s in store.sessions()] == ["title after", "title 中文秘密"]
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] >= 2
    store.close()


def test_history_encrypt_without_a_history_creates_an_encrypted_one(home: Path, cli) -> None:
    result = cli("history", "encrypt", env={"SOULCHAT_PASSPHRASE": PASSPHRASE})
    assert result.code == 0, result.err
    assert needs_passphrase(get_paths().history_db)
    assert Store(get_paths().history_db, passphrase=PASSPHRASE).sessions() == []


def test_history_encrypt_asks_twice_on_a_terminal(home: Path, monkeypatch, capsys) -> None:
    db = get_paths().ensure().history_db
    store = Store(db)
    fill(store, "Tt9")
    store.close()
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["first try", "a typo"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert soulchat_cli.main(["history", "encrypt"]) == 2
    assert "differ" in capsys.readouterr().err
    assert not needs_passphrase(db) and b"Tt9" in raw(db)  # left as it was

    answers = iter(["typed secret", "typed secret"])
    assert soulchat_cli.main(["history", "encrypt"]) == 0
    assert needs_passphrase(db) and b"Tt9" not in raw(db)
    # Other history commands ask once on a terminal.
    answers = iter(["typed secret"])
    assert soulchat_cli.main(["history", "list"]) == 0
    assert "title Tt9" in capsys.readouterr().out


def test_history_encrypt_needs_a_passphrase_or_a_terminal(home: Path, cli) -> None:
    Store(get_paths().ensure().history_db).close()
    assert_one_line_error(cli("history", "encrypt", input=""), "SOULCHAT_PASSPHRASE")
    assert not needs_passphrase(get_paths().history_db)


def test_history_encrypt_refuses_while_the_history_is_open(home: Path, cli) -> None:
    db = get_paths().ensure().history_db
    store = Store(db)  # as if the app were open
    fill(store, "Open1")
    result = cli("history", "encrypt", env={"SOULCHAT_PASSPHRASE": PASSPHRASE})
    assert_one_line_error(result, "in use")
    assert not needs_passphrase(db)
    assert [p.name for p in history_files(db) if "encrypting" in p.name] == []
    assert store.sessions()[0].title == "title Open1"
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


@pytest.mark.parametrize("passphrase", [None, PASSPHRASE])
def test_private_file_modes(home: Path, passphrase: str | None) -> None:
    old = os.umask(0)  # the most permissive umask: modes come from the program
    try:
        store = open_store(get_paths(), passphrase)
        session = fill(store, "modes")
        paths = get_paths()
        db = paths.history_db
        assert stat.S_IMODE(paths.data_dir.stat().st_mode) == 0o700
        for path in (db, db.with_name("history.db-wal"), db.with_name("history.db-shm")):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        store.delete_session(1)  # scrub: VACUUM and a truncated WAL
        assert session
        for path in history_files(db):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        store.close()
    finally:
        os.umask(old)


def test_history_encrypt_keeps_modes_private(home: Path, cli) -> None:
    old = os.umask(0)
    try:
        Store(get_paths().ensure().history_db).close()
        assert cli("history", "encrypt", env={"SOULCHAT_PASSPHRASE": PASSPHRASE}).code == 0
        store = Store(get_paths().history_db, passphrase=PASSPHRASE)
        fill(store, "x")
        for path in history_files(get_paths().history_db):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        store.close()
    finally:
        os.umask(old)


def test_plaintext_history_is_a_plain_sqlite_file(home: Path) -> None:
    """Without a passphrase nothing changes: any SQLite tool reads the history."""
    store = open_store(get_paths())
    fill(store, "plain")
    store.close()
    conn = sqlite3.connect(get_paths().history_db)
    assert conn.execute("SELECT title FROM sessions").fetchone()[0] == "title plain"
    conn.close()


def test_api_for_the_app_prompt(home: Path) -> None:
    """What the app calls: history_exists (offer a passphrase), needs_passphrase (ask for
    it), open_store(paths, passphrase)."""
    from soulchat_local.store.db import history_exists

    paths = get_paths()
    assert not history_exists(paths.history_db) and not needs_passphrase(paths.history_db)
    open_store(paths, "typed in the app").close()
    assert history_exists(paths.history_db) and needs_passphrase(paths.history_db)
    with pytest.raises(PassphraseNeeded):
        open_store(paths)
    with pytest.raises(WrongPassphrase):
        open_store(paths, "typed in the ap")
    store = open_store(paths, "typed in the app")
    assert store.sessions() == []
    store.close()


def test_history_encrypt_wipes_the_old_plaintext_and_a_crashed_wal(home: Path, cli) -> None:
    """A chat killed mid-reply leaves a WAL full of plaintext behind; `history encrypt`
    folds it in and overwrites the old files' contents, not just their names (hard
    links made beforehand still reach the old data: they must read as zeros)."""
    import signal
    import subprocess
    import sys
    import time

    paths = get_paths().ensure()
    driver = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("stream_driver.py")), "chat", "Crash7", "3",
         "0.01"],
        stdout=subprocess.PIPE, text=True, env=dict(os.environ),
    )
    assert driver.stdout is not None
    while "STARTED 1" not in driver.stdout.readline():
        pass
    time.sleep(0.3)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    db = paths.history_db
    wal = db.with_name("history.db-wal")
    assert wal.stat().st_size > 0 and b"Crash7" in wal.read_bytes()
    old_db, old_wal = paths.data_dir / "old-db", paths.data_dir / "old-wal"
    os.link(db, old_db)
    os.link(wal, old_wal)

    result = cli("history", "encrypt", env={"SOULCHAT_PASSPHRASE": PASSPHRASE})
    assert result.code == 0, result.err
    for old in (old_db, old_wal):
        assert set(old.read_bytes()) <= {0}, f"{old.name} still holds the plaintext"
    assert [p.name for p in history_files(db)] == ["history.db"]
    store = Store(db, passphrase=PASSPHRASE)
    users = [m.content for m in store.messages(1) if m.role == "user"]
    assert users == ["Crash7 message 0: how do I sleep again", "Crash7 message 1: how do I sleep again"]
    store.close()
