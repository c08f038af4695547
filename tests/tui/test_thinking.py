"""Pilot tests: a reasoning model's thinking shows folded above its reply, F5 unfolds it,
the answer alone is the reply (copy, the store), and a reopened session folds it again."""

from __future__ import annotations

import threading

import pytest

from soulchat_local.engine import ScriptedEngine
from soulchat_local.tui.widgets.message import MessageView

from .conftest import SIZE, idle, screen_text, type_text, wait_until

pytestmark = pytest.mark.anyio

THOUGHT = "They sound exhausted; reflect that before anything else."
ANSWER = "It sounds like these nights have worn you out."
# both tags split across pieces, as a tokenizer may cut them
PIECES = [
    "<th",
    "ink>\n",
    "They sound",
    " exhausted;",
    " reflect that",
    " before anything else.",
    "\n</th",
    "ink>\n\n",
    "It sounds like",
    " these nights",
    " have worn you out.",
]


def replies(app) -> list[MessageView]:  # noqa: ANN001
    return [v for v in app.chat.views() if v.role == "assistant"]


def fold_text(app) -> str:  # noqa: ANN001
    """What the newest reply's thinking line shows ('' before it is drawn)."""
    views = replies(app)
    folds = views[-1].query(".message-thinking") if views else []
    return str(folds.first().render()) if folds and folds.first().display else ""


class ThinksUntilToldToAnswer(ScriptedEngine):
    """Holds the reply at the end of its thinking until the test has looked."""

    def __init__(self, replies) -> None:  # noqa: ANN001
        super().__init__(replies, delay=0.01)
        self.go = threading.Event()

    def _generate(self, prompt, sampling):  # noqa: ANN001, ANN202
        for index, piece in enumerate(super()._generate(prompt, sampling)):
            if index == PIECES.index("\n</th"):
                self.go.wait(10)
            yield piece


async def test_thinking_is_folded_and_f5_unfolds_it(make_app, store) -> None:
    engine = ThinksUntilToldToAnswer([PIECES])
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        await type_text(pilot, "I can't sleep")
        await pilot.press("enter")
        # while it thinks, the fold says so and counts; the thinking itself is not shown
        await wait_until(pilot, lambda: "Thinking…" in fold_text(app))
        assert "exhausted" not in fold_text(app) and "exhausted" not in screen_text(app)
        engine.go.set()
        await idle(pilot, app)
        reply = replies(app)[0]
        assert reply.text == ANSWER and reply.thinking == THOUGHT
        shown = screen_text(app)
        assert ANSWER in shown and "exhausted" not in shown
        assert f"Thinking ({len(THOUGHT)} characters) · F5 shows it" in shown
        await pilot.press("f5")
        await pilot.pause()
        shown = screen_text(app)
        assert THOUGHT in shown and "F5 hides it" in shown
        assert app.focused is app.chat.chat_input  # unfolding does not take the focus
        await pilot.press("f5")
        await pilot.pause()
        assert "exhausted" not in screen_text(app)
    session = store.latest_session()
    row = store.messages(session.id)[-1]
    assert (row.content, row.thinking) == (ANSWER, THOUGHT)


async def test_a_reopened_session_shows_its_thinking_folded(make_app, store) -> None:
    session = store.create_session("scripted")
    store.add_message(session, "user", "I can't sleep")
    store.add_message(session, "assistant", ANSWER, thinking=THOUGHT)
    store.add_message(session, "user", "every night")
    store.add_message(session, "assistant", "That must be hard.")
    app = make_app(ScriptedEngine(), session=session)
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        first, second = replies(app)
        assert first.thinking == THOUGHT and first.query(".message-thinking").first().display
        assert not second.query(".message-thinking")  # no fold for a reply without thinking
        shown = screen_text(app)
        assert ANSWER in shown and "exhausted" not in shown
        await pilot.press("f5")
        await pilot.pause()
        assert THOUGHT in screen_text(app)


async def test_chinese_labels_for_the_fold(make_app, store) -> None:
    session = store.create_session("scripted")
    store.add_message(session, "user", "我睡不着")
    store.add_message(session, "assistant", "听起来你很累。", thinking="先共情。")
    app = make_app(ScriptedEngine(), session=session, prefs_language="zh")
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        assert "思考过程（4 字）· 按 F5 展开" in screen_text(app)


async def test_chinese_speaker_with_only_the_demo_is_told_once_how_to_get_a_chinese_model(
    make_app, store, monkeypatch
) -> None:
    from soulchat_local.model_hint import chinese_model

    monkeypatch.setenv("LANG", "zh_CN.UTF-8")

    def recording(app, toasts: list[str]):  # noqa: ANN001, ANN202
        notify = app.notify

        def record(text, **kw):  # noqa: ANN001, ANN003, ANN202
            toasts.append(str(text))
            return notify(text, **kw)

        return record

    for first in (True, False):
        app = make_app(None, engine_factory=lambda ref: ScriptedEngine(name=ref.name))
        toasts: list[str] = []
        monkeypatch.setattr(app, "notify", recording(app, toasts))
        async with app.run_test(size=SIZE) as pilot:
            await idle(pilot, app)
            assert app.engine.name == "smollm2-demo"
            said = [m for m in toasts if f"soulchat pull {chinese_model()}" in m]
            assert len(said) == (1 if first else 0)
            assert app.focused is app.chat.chat_input  # a toast, not a focus-taking dialog
