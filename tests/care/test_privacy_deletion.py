"""Deletion that deletes: after `history rm` / `history forget --all` nothing of the deleted
sessions can be read from the database, its WAL, shared-memory or journal files, or the
full-text index, in plaintext and in encrypted histories (pages decrypted byte for byte)."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import pytest

from soulchat_local.paths import get_paths
from soulchat_local.runtime import open_store
from soulchat_local.store import Store

from .raw_bytes import history_files, readable

PASSPHRASE = "correct horse 'battery' 密码"


@pytest.fixture(params=["plaintext", "encrypted"])
def passphrase(request: pytest.FixtureRequest, home: Path, monkeypatch: pytest.MonkeyPatch):
    if request.param == "encrypted":
        monkeypatch.setenv("SOULCHAT_PASSPHRASE", PASSPHRASE)
        return PASSPHRASE
    return None


class Marker:
    """A unique ASCII tag and a run of random CJK characters. Any two adjacent CJK
    characters are six bytes no other data shares, so even the fragments the FTS index
    keeps (prefix-compressed trigrams) can be found in the raw bytes."""

    def __init__(self, tag: str) -> None:
        self.ascii = f"{tag}-{uuid.uuid4().hex}"
        self.cjk = "".join(chr(random.randint(0x4E00, 0x9FA5)) for _ in range(12))
        self.text = f"{self.ascii} {self.cjk}"

    def bigrams(self) -> set[bytes]:
        return {self.cjk[i : i + 2].encode() for i in range(len(self.cjk) - 1)}

    def traces(self, data: bytes) -> list[bytes]:
        found = [self.ascii.encode()] if self.ascii.encode() in data else []
        return found + sorted(b for b in self.bigrams() if b in data)


def fill(store: Store, marker: Marker, turns: int = 3) -> int:
    """A session whose title, system prompt, user and (streamed) model text hold the marker."""
    session = store.create_session("scripted", system_prompt=f"persona {marker.text}")
    for turn in range(turns):
        store.add_message(session, "user", f"{marker.text} user turn {turn}")
        reply = store.add_message(session, "assistant", "", model="scripted", partial=True)
        words = f"I hear you {marker.text} and turn {turn} matters".split()
        for end in range(1, len(words) + 1):  # flushes, as while a reply streams
            store.update_message(reply, " ".join(words[:end]))
        store.update_message(reply, " ".join(words), partial=False, finish_reason="stop")
    return session


def fts_bytes(store: Store) -> bytes:
    return b"".join(row[0] for row in store.conn.execute("SELECT block FROM messages_fts_data"))


def setup_history(markers: list[Marker]) -> tuple[Store, list[int]]:
    store = open_store(get_paths())
    return store, [fill(store, marker) for marker in markers]


def check_visible_before(db: Path, passphrase: str | None, store: Store, markers) -> None:
    data = readable(db, passphrase)
    index = fts_bytes(store)
    for marker in markers:
        # The checks below can see text: every marker is there, and the FTS index
        # holds fragments of it that are not the whole marker.
        assert marker.ascii.encode() in data
        assert marker.bigrams() <= set(marker.traces(data))
        assert any(b in index for b in marker.bigrams())
    if passphrase is not None:
        raw = b"".join(p.read_bytes() for p in history_files(db))
        for marker in markers:
            assert marker.traces(raw) == [], "an encrypted history leaks plaintext"


def vocab_terms(store: Store) -> set[str]:
    store.conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, messages_fts, row)"
    )
    return {row[0] for row in store.conn.execute("SELECT term FROM temp.vocab")}


def test_history_rm_leaves_no_readable_trace(home: Path, cli, passphrase) -> None:
    db = get_paths().history_db
    keep, gone = Marker("keep"), Marker("gone")
    store, (keep_id, gone_id) = setup_history([keep, gone])
    check_visible_before(db, passphrase, store, [keep, gone])
    assert store.search(gone.cjk[:4])

    # The app stays open (idle) while the command runs in another process.
    result = cli("history", "rm", str(gone_id))
    assert result.code == 0, result.err

    data = readable(db, passphrase)
    assert gone.traces(data) == []
    assert keep.ascii.encode() in data  # the check still sees what is left
    assert not store.search(gone.cjk[:4]) and store.search(keep.cjk[:4])
    terms = vocab_terms(store)
    assert not any(gone.cjk[i : i + 3] in terms for i in range(10))
    assert any(keep.cjk[i : i + 3] in terms for i in range(10))
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [s.id for s in store.sessions()] == [keep_id]
    store.close()
    assert gone.traces(readable(db, passphrase)) == []


def test_forget_all_leaves_no_readable_trace(home: Path, cli, passphrase) -> None:
    db = get_paths().history_db
    markers = [Marker("first"), Marker("second"), Marker("third")]
    store, _ = setup_history(markers)
    check_visible_before(db, passphrase, store, markers)

    result = cli("history", "forget", "--all")
    assert result.code == 0, result.err
    assert "deleted 3 sessions" in result.out

    data = readable(db, passphrase)
    for marker in markers:
        assert marker.traces(data) == []
    assert store.sessions() == []
    assert vocab_terms(store) == set()
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Still a working history afterwards.
    fill(store, Marker("after"))
    assert len(store.sessions()) == 1
    store.close()


def test_wal_is_emptied_by_a_deletion_in_process(home: Path, passphrase) -> None:
    """Store.delete_session from the app itself (same connection): the WAL ends empty."""
    db = get_paths().history_db
    keep, gone = Marker("keep"), Marker("gone")
    store, (_, gone_id) = setup_history([keep, gone])
    wal = db.with_name(db.name + "-wal")
    assert wal.stat().st_size > 0
    store.delete_session(gone_id)
    assert wal.stat().st_size == 0
    assert gone.traces(readable(db, passphrase)) == []
    store.close()
