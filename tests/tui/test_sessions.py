"""Pilot tests of sessions: sidebar, new, rename, delete, search, export, quit and reopen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soulchat_local.engine import ScriptedEngine
from soulchat_local.export import session_json, session_markdown
from soulchat_local.tui.screens.confirm import ConfirmModal
from soulchat_local.tui.screens.export import ExportModal
from soulchat_local.tui.screens.rename import RenameModal
from soulchat_local.tui.screens.search import SearchModal

from .conftest import SIZE, idle, type_text, wait_until

pytestmark = pytest.mark.anyio


def add_session(store, *turns: str) -> int:  # noqa: ANN001
    session = store.create_session("scripted")
    for i, text in enumerate(turns):
        store.add_message(session, "user" if i % 2 == 0 else "assistant", text)
    return session


def sidebar(app) -> list:  # noqa: ANN001
    """The sessions the sidebar shows, top to bottom."""
    return app.chat.sessions.sessions


def sidebar_lines(app) -> list[str]:  # noqa: ANN001
    """The sidebar's lines as painted."""
    sessions = app.chat.sessions
    return [sessions.render_line(y).text.strip() for y in range(sessions.size.height)]


async def test_sidebar_lists_sessions_newest_first_with_date(make_app, store) -> None:
    old = add_session(store, "about my exams", "tell me more")
    new = add_session(store, "trouble sleeping", "that is hard")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        assert [s.id for s in sidebar(app)] == [new, old]
        lines = sidebar_lines(app)
        assert lines[0] == "trouble sleeping"
        assert lines[1][:10] == store.session(new).updated[:10]  # the date
        assert lines[2] == "about my exams"
        # the newest session is open; choosing another one opens it
        assert [v.text for v in app.chat.views()] == ["trouble sleeping", "that is hard"]
        app.chat.sessions.focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.session_id == old
        assert [v.text for v in app.chat.views()] == ["about my exams", "tell me more"]
        assert app.focused is app.chat.chat_input


async def test_ctrl_n_starts_a_new_session(make_app, store) -> None:
    first = add_session(store, "hello", "hi")
    app = make_app(ScriptedEngine(["welcome back"]))
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        assert app.session_id == first
        await pilot.press("ctrl+n")
        assert app.session_id is None and app.chat.views() == []
        await type_text(pilot, "a fresh start")
        await pilot.press("enter")
        await idle(pilot, app)
        assert app.session_id not in (None, first)
        assert [s.title for s in sidebar(app)] == ["a fresh start", "hello"]
        assert sidebar_lines(app)[0::2][:2] == ["a fresh start", "hello"]
    assert len(store.sessions()) == 2


async def test_rename_a_session(make_app, store) -> None:
    session = add_session(store, "hello", "hi")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, RenameModal))
        field = app.screen.query_one("#title")
        assert field.value == "hello"
        field.value = ""
        await pilot.press(*"Sunday talk", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, RenameModal))
        await pilot.pause()
        assert store.session(session).title == "Sunday talk"
        assert sidebar_lines(app)[0] == "Sunday talk"


async def test_delete_asks_first(make_app, store) -> None:
    keep = add_session(store, "keep me", "ok")
    doomed = add_session(store, "delete me", "ok")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        assert app.session_id == doomed
        await pilot.press("f8")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "delete me" in str(app.screen.query_one(".dialog-text").render())
        await pilot.press("n")  # no: nothing happens
        await pilot.pause()
        assert len(store.sessions()) == 2
        await pilot.press("f8")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_until(pilot, lambda: len(store.sessions()) == 1)
        await pilot.pause()
        assert app.session_id == keep  # the next newest opens
        assert [s.id for s in sidebar(app)] == [keep]
        assert store.search("delete me") == []


async def test_search_all_sessions_and_jump_to_the_hit(make_app, store) -> None:
    target = add_session(store, "my cat Miso is ill", "I'm sorry to hear about Miso",
                         "the vet is tomorrow", "that must be worrying")
    add_session(store, "something else", "sure")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        assert app.session_id != target
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchModal))
        await pilot.press(*"vet is", "enter")
        await pilot.pause()
        modal = app.screen
        assert [h.session_id for h in modal.hits] == [target]
        assert "[vet is]" in modal.hits[0].snippet
        await pilot.press("enter")  # open the highlighted hit
        await wait_until(pilot, lambda: app.session_id == target)
        await pilot.pause()
        hit = [v for v in app.chat.views() if v.has_class("-hit")]
        assert [v.text for v in hit] == ["the vet is tomorrow"]
        assert app.focused is app.chat.chat_input


async def test_export_markdown_to_the_default_folder_and_json_to_a_path(
        make_app, store, tmp_path: Path) -> None:
    session = add_session(store, "export me", "here I am")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportModal))
        await pilot.press("enter")  # Markdown, default folder
        await wait_until(pilot, lambda: not isinstance(app.screen, ExportModal))
        exported = Path.home() / "soulchat-exports" / f"session-{session}-export-me.md"
        assert exported.read_text(encoding="utf-8") == session_markdown(store, session)
        assert exported.stat().st_mode & 0o777 == 0o600
        assert any(str(exported) in str(n.message) for n in app._notifications)

        target = tmp_path / "picked" / "talk.json"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportModal))
        await pilot.click("#json")
        app.screen.query_one("#target").value = str(target)
        await pilot.click("#save")
        await wait_until(pilot, lambda: target.exists())
        assert json.loads(target.read_text(encoding="utf-8")) == session_json(store, session)


async def test_quit_and_reopen_shows_everything(make_app, store) -> None:
    words = " ".join(f"w{i}" for i in range(300))
    app = make_app(ScriptedEngine(["a full reply", words], delay=0.01))
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        await type_text(pilot, "first")
        await pilot.press("enter")
        await idle(pilot, app)
        await type_text(pilot, "second")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.chat.views()) == 4 and app.chat.views()[-1].text)
        await pilot.press("ctrl+q")  # while the reply is being written
        await wait_until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 0
    rows = store.messages(store.latest_session().id)
    assert [r.content for r in rows[:3]] == ["first", "a full reply", "second"]
    assert rows[3].partial and rows[3].content and words.startswith(rows[3].content)

    again = make_app(ScriptedEngine())
    async with again.run_test(size=SIZE) as pilot:
        await idle(pilot, again)
        views = again.chat.views()
        assert [v.text for v in views] == [r.content for r in rows]
        assert views[-1].state == "stopped"


async def test_long_history_mounts_the_latest_messages_first(make_app, store) -> None:
    turns = []
    for i in range(50):
        turns += [f"question number {i}", f"answer number {i}"]
    session = add_session(store, *turns)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        views = app.chat.views()
        assert [v.text for v in views] == turns[-40:]
        earlier = app.chat.query_one("#earlier")
        assert "60 earlier messages" in str(earlier.label)
        earlier.press()  # the button sits above the visible part
        # the label is relabelled after the batch is mounted: on a loaded machine, frames later
        await wait_until(pilot, lambda: "20 earlier messages" in str(earlier.label))
        assert [v.text for v in app.chat.views()] == turns[-80:]
        await app.run_action("show_earlier")
        await pilot.pause()
        assert [v.text for v in app.chat.views()] == turns
        assert not app.chat.query("#earlier")
        # a search hit in an old message is mounted and marked
        await pilot.press("ctrl+n")
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchModal))
        await pilot.press(*"question number 3", "enter")
        await pilot.pause()
        hits = app.screen.hits
        assert [h.message_id for h in hits][-1] == store.messages(session)[6].id
        app.screen.dismiss(hits[-1])
        await wait_until(pilot, lambda: app.session_id == session)
        await pilot.pause()
        marked = [v for v in app.chat.views() if v.has_class("-hit")]
        assert [v.text for v in marked] == ["question number 3"]


async def test_export_asks_before_replacing_a_file(make_app, store, tmp_path: Path) -> None:
    session = add_session(store, "export me", "here I am")
    target = tmp_path / "mine.md"
    target.write_text("my own notes\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportModal))
        app.screen.query_one("#target").value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert str(target) in str(app.screen.question)
        await pilot.press("escape")  # keep it: back to the box, the path still there
        await wait_until(pilot, lambda: isinstance(app.screen, ExportModal))
        assert app.screen.query_one("#target").value == str(target)
        assert target.read_text(encoding="utf-8") == "my own notes\n"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_until(pilot, lambda: app.screen is app.chat)
        assert target.read_text(encoding="utf-8") == session_markdown(store, session)
