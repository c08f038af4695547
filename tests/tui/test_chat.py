"""Pilot tests of a conversation: send, new lines, streaming, stop, regenerate, edit, copy."""

from __future__ import annotations

import threading

import pytest

from soulchat_local.engine import ScriptedEngine
from soulchat_local.tui.widgets.markdown_text import MarkdownText
from soulchat_local.tui.widgets.message import MessageView

from .conftest import SIZE, idle, screen_text, type_text, wait_until

pytestmark = pytest.mark.anyio


def replies(app) -> list[MessageView]:  # noqa: ANN001
    return [v for v in app.chat.views() if v.role == "assistant"]


async def test_enter_sends_and_the_reply_streams_as_markdown(make_app, store) -> None:
    engine = ScriptedEngine(["I hear you. **That sounds heavy.**\n\n- one\n- two"], delay=0.05)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        assert app.focused is app.chat.chat_input  # focus starts in the input
        await pilot.press(*"I feel low")
        await pilot.press("enter")
        # the user's message shows at once, and the reply grows while it streams
        await wait_until(pilot, lambda: len(replies(app)) == 1 and replies(app)[0].text)
        assert app.chat.views()[0].text == "I feel low"
        assert app.chat.chat_input.text == ""
        # the reply keeps the rest of the screen free while it is written ...
        body = replies(app)[0].query_one(MarkdownText)
        assert replies(app)[0].state == "writing"
        assert body.size.height == body.reserved >= 6 > body.line_count
        assert "Esc stops" in str(replies(app)[0].query_one(".message-header").render())
        await idle(pilot, app)
        reply = replies(app)[0]
        assert body.size.height == body.line_count == 4  # ... and gives it back at the end
        assert reply.text == "I hear you. **That sounds heavy.**\n\n- one\n- two"
        # rendered as Markdown: bold without its asterisks, a bullet list
        shown = screen_text(app)
        assert "That sounds heavy." in shown and "**" not in shown
        assert "• one" in shown and "• two" in shown
        assert reply.state == "done"
    session = store.latest_session()
    rows = store.messages(session.id)
    assert [(r.role, r.content, r.partial) for r in rows] == [
        ("user", "I feel low", False),
        ("assistant", "I hear you. **That sounds heavy.**\n\n- one\n- two", False),
    ]
    assert session.title == "I feel low"


async def test_new_line_keys_and_the_fallback(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        box = app.chat.chat_input
        await pilot.press("a", "shift+enter", "b", "ctrl+j", "c")
        assert box.text == "a\nb\nc"
        # terminals that send Enter for Shift+Enter: a trailing backslash makes a new line
        await pilot.press("backslash", "enter", "d")
        assert box.text == "a\nb\nc\nd"
        assert store.latest_session() is None  # nothing was sent
        await pilot.press("enter")
        await idle(pilot, app)
        assert store.messages(store.latest_session().id)[0].content == "a\nb\nc\nd"
        # Enter in an empty box sends nothing
        await pilot.press("enter")
        await pilot.pause()
        assert len(store.messages(store.latest_session().id)) == 2


async def test_escape_stops_the_reply_and_keeps_it_marked_stopped(make_app, store) -> None:
    words = " ".join(f"word{i}" for i in range(400))
    engine = ScriptedEngine([words], delay=0.01)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        await type_text(pilot, "talk to me")
        await pilot.press("enter")
        await wait_until(pilot, lambda: replies(app) and len(replies(app)[0].text) > 20)
        await pilot.press("escape")
        await idle(pilot, app)
        reply = replies(app)[0]
        assert reply.state == "stopped"
        assert "stopped" in reply.header_text()
        shown = reply.text
        assert 0 < len(shown) < len(words)
    row = store.messages(store.latest_session().id)[-1]
    assert row.partial and row.finish_reason == "user"
    assert row.content == shown  # what was produced is kept


async def test_regenerate_replaces_the_last_reply(make_app, store) -> None:
    engine = ScriptedEngine(["first answer", "second answer"])
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        await type_text(pilot, "hello")
        await pilot.press("enter")
        await idle(pilot, app)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not app.generating and replies(app)
                         and replies(app)[-1].text == "second answer")
        assert [v.text for v in app.chat.views()] == ["hello", "second answer"]
    rows = store.messages(store.latest_session().id)
    assert [r.content for r in rows] == ["hello", "second answer"]


async def test_edit_and_resend_the_last_message(make_app, store) -> None:
    engine = ScriptedEngine(["reply one", "reply two", "reply three"])
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        for text in ("first", "secnd"):
            await type_text(pilot, text)
            await pilot.press("enter")
            await idle(pilot, app)
        await pilot.press("ctrl+l")
        box = app.chat.chat_input
        assert box.text == "secnd" and app.editing
        box.clear()
        await type_text(pilot, "second")
        await pilot.press("enter")
        await idle(pilot, app)
        assert [v.text for v in app.chat.views()] == ["first", "reply one", "second", "reply three"]
        # Esc leaves edit mode without sending
        await pilot.press("ctrl+l")
        await pilot.press("escape")
        assert not app.editing and box.text == ""
    rows = store.messages(store.latest_session().id)
    assert [r.content for r in rows] == ["first", "reply one", "second", "reply three"]
    assert engine.prompts[-1].messages[-1].content == "second"


async def test_copy_a_message(make_app) -> None:
    app = make_app(ScriptedEngine(["a reply worth keeping"]))
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        await pilot.press("ctrl+o")
        assert app.clipboard == ""  # nothing yet: a warning, not a crash
        await type_text(pilot, "my words")
        await pilot.press("enter")
        await idle(pilot, app)
        await pilot.press("ctrl+o")
        assert app.clipboard == "a reply worth keeping"
        assert any("Copied 21 characters" in str(n.message) for n in app._notifications)
        # a selected (focused) message is copied instead of the last reply
        app.chat.views()[0].focus()
        await pilot.press("ctrl+o")
        assert app.clipboard == "my words"


async def test_typing_while_the_model_loads(make_app, store) -> None:
    release = threading.Event()
    engine = ScriptedEngine(["loaded and answering"])

    def slow_factory(ref):  # noqa: ANN001, ANN202
        release.wait(10)
        return engine

    app = make_app(None, engine_factory=slow_factory, model="smollm2-demo")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.loading and app.engine is None
        assert "loading smollm2-demo" in app.chat.status.render_status()
        await type_text(pilot, "are you there?")
        await pilot.press("enter")
        await pilot.pause()
        assert app.chat.views()[0].text == "are you there?"
        assert store.latest_session() is None  # sent once the model is ready
        release.set()
        await wait_until(pilot, lambda: replies(app) and not app.generating)
        assert replies(app)[0].text == "loaded and answering"
        assert "scripted · fake" in app.chat.status.render_status()
    assert [r.content for r in store.messages(store.latest_session().id)] == [
        "are you there?", "loaded and answering"]


async def test_status_bar_and_dropped_turns_note(make_app, store) -> None:
    session = store.create_session("scripted")
    for i in range(6):
        store.add_message(session, "user", f"message {i} " + "x" * 300)
        store.add_message(session, "assistant", f"reply {i} " + "y" * 300)
    app = make_app(ScriptedEngine(["short"], n_ctx=3072), session=session)
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        assert not app.chat.query_one("#dropped-note").display
        await type_text(pilot, "and now?")
        await pilot.press("enter")
        await idle(pilot, app)
        result = app.last_result
        assert result.prompt.dropped_turns > 0
        status = app.chat.status.render_status()
        assert "scripted · fake" in status and "tok/s" in status
        assert f"context {result.prompt.used}/3072" in status
        assert f"{result.prompt.dropped_turns} old messages left out" in status
        note = app.chat.query_one("#dropped-note")
        assert note.display and "no longer fit" in str(note.render())


async def test_a_message_over_the_limit_is_not_sent_and_stays_in_the_input(make_app, store) -> None:
    engine = ScriptedEngine(["never"])
    app = make_app(engine)
    pasted = "all of my notes " * 5_000  # 80 KB, as if pasted
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        app.chat.chat_input.insert(pasted)
        await pilot.press("enter")
        await idle(pilot, app)
        assert app.chat.chat_input.text == pasted  # nothing lost
        assert [v for v in app.chat.views() if v.role == "user"] == []
        assert any("at most 64 KiB" in str(n.message) for n in app._notifications)
    assert store.latest_session() is None and engine.prompts == []
