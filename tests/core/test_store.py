import sqlite3
import stat
import threading

import pytest

from soulchat_local.errors import UserError
from soulchat_local.store import Store
from soulchat_local.store.migrations import MIGRATIONS, migrate, schema_version


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "data" / "history.db")
    yield s
    s.close()


def test_new_database_is_migrated_private_and_in_wal_mode(store, tmp_path):
    assert schema_version(store.conn) == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_migrations_run_once_and_step_by_step(tmp_path):
    path = tmp_path / "h.db"
    conn = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO sessions (title, model, created, updated) VALUES ('old', 'm', 'x', 'x')"
    )
    conn.execute(
        "INSERT INTO messages (session_id, role, content, created, updated)"
        " VALUES (1, 'user', 'written before search existed', 'x', 'x')"
    )
    assert migrate(conn) == len(MIGRATIONS)
    assert migrate(conn) == len(MIGRATIONS)
    conn.close()
    store = Store(path)
    assert store.session(1).title == "old"
    store.add_message(1, "user", "a brand new message")
    assert [h.message_id for h in store.search("brand new")] == [2]
    # Messages from before search existed are indexed by the migration.
    assert [h.message_id for h in store.search("before search")] == [1]


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "h.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(UserError, match="newer"):
        Store(path)


def test_session_title_comes_from_first_user_message(store):
    sid = store.create_session("demo")
    store.add_message(sid, "user", "  I have not slept\n for three days and I feel lost in everything  ")
    store.add_message(sid, "user", "second message")
    title = store.session(sid).title
    assert title.startswith("I have not slept for three days")
    assert len(title) <= 40 and title.endswith("…")


def test_sessions_are_listed_newest_activity_first(store):
    first = store.create_session("m")
    second = store.create_session("m")
    store.add_message(first, "user", "later activity")
    assert [s.id for s in store.sessions()] == [first, second]
    assert store.sessions()[0].messages == 1


def test_update_message_streams_then_completes(store):
    sid = store.create_session("m")
    mid = store.add_message(sid, "assistant", "", partial=True)
    store.update_message(mid, "partial text")
    row = store.messages(sid)[0]
    assert (row.content, row.partial) == ("partial text", True)
    store.update_message(mid, "partial text, done", partial=False, completion_tokens=5,
                         finish_reason="stop")
    row = store.messages(sid)[0]
    assert (row.content, row.partial, row.completion_tokens, row.finish_reason) == (
        "partial text, done", False, 5, "stop")


def test_search_finds_english_and_chinese_substrings(store):
    sid = store.create_session("m")
    store.add_message(sid, "user", "最近工作压力很大，总是失眠")
    store.add_message(sid, "assistant", "It sounds exhausting to carry that every night.")
    other = store.create_session("m")
    store.add_message(other, "user", "nothing relevant here")
    assert [h.session_id for h in store.search("压力很大")] == [sid]
    assert [h.session_id for h in store.search("失眠")] == [sid]  # 2 characters: scan path
    hits = store.search("exhausting")
    assert len(hits) == 1 and hits[0].role == "assistant" and "exhausting" in hits[0].snippet
    assert store.search("absent words") == []
    with pytest.raises(UserError):
        store.search("   ")


def test_search_treats_query_syntax_as_text(store):
    sid = store.create_session("m")
    store.add_message(sid, "user", 'he said "NOT OR AND" twice')
    assert len(store.search('"NOT OR AND"')) == 1
    assert store.search("100%") == []


def test_delete_session_and_forget_all(store):
    a = store.create_session("m")
    store.add_message(a, "user", "keep me out")
    b = store.create_session("m")
    store.add_message(b, "user", "still here")
    store.delete_session(a)
    with pytest.raises(UserError, match="no session"):
        store.session(a)
    assert store.search("keep me out") == []
    assert [s.id for s in store.sessions()] == [b]
    assert store.forget_all() == 1
    assert store.sessions() == []


def test_delete_messages_from_truncates_a_session(store):
    sid = store.create_session("m")
    ids = [store.add_message(sid, r, t) for r, t in [("user", "a"), ("assistant", "b"),
                                                       ("user", "c"), ("assistant", "d")]]
    assert store.delete_messages_from(sid, ids[2]) == 2
    assert [m.content for m in store.messages(sid)] == ["a", "b"]


def test_store_is_usable_from_two_threads(store):
    sid = store.create_session("m")
    errors = []

    def writer(tag):
        try:
            for i in range(50):
                store.add_message(sid, "user", f"{tag}-{i}")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(store.messages(sid)) == 100


def test_sqlite_without_trigrams_searches_by_scanning_then_indexes_once_it_can(
    tmp_path, monkeypatch
):
    """SQLite before 3.34 has no trigram tokenizer: the history works, search scans, and
    the index is built (old messages included) the first time a newer SQLite opens it."""
    from soulchat_local.store import migrations

    path = tmp_path / "h.db"
    monkeypatch.setattr(migrations, "sqlite_version", lambda conn: (3, 31, 1))
    old = Store(path)
    assert not old.indexed and not migrations.has_full_text_index(old.conn)
    sid = old.create_session("m")
    old.add_message(sid, "user", "最近工作压力很大，总是失眠")
    old.add_message(sid, "assistant", "It sounds Exhausting to carry that every night.")
    assert [h.session_id for h in old.search("压力很大")] == [sid]
    assert [h.role for h in old.search("exhausting")] == ["assistant"]  # case-insensitive
    gone = old.create_session("m")
    old.add_message(gone, "user", "delete this one")
    old.delete_session(gone)  # scrub without an index to rebuild
    assert old.search("delete this") == []
    old.close()

    monkeypatch.undo()
    new = Store(path)
    assert new.indexed and schema_version(new.conn) == len(MIGRATIONS)
    fts = new.conn.execute(
        "SELECT rowid FROM messages_fts WHERE messages_fts MATCH '\"压力很大\"'"
    ).fetchall()
    assert len(fts) == 1  # the message written before the index exists is in it
    assert [h.session_id for h in new.search("压力很大")] == [sid]
    new.close()
