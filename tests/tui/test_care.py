"""Care in the app: the region's crisis lines (never the interface language's), F1 always
shows them, concern is one quiet line, the first-run notice folds to one line once read,
and after sending, the message, the banner and the reply share the screen (40 rows)."""

from __future__ import annotations

import pytest

from soulchat_local import safety
from soulchat_local.engine import ScriptedEngine
from soulchat_local.paths import get_paths
from soulchat_local.tui.screens.protect import ProtectScreen

from .conftest import SIZE, idle, screen_text, type_text, wait_until

pytestmark = pytest.mark.anyio

CRISIS = "I want to kill myself tonight"
REPLY = (
    "I'm really glad you told me. You matter, and I want to understand what is happening. "
    "Are you safe right now, and is there someone who can be with you tonight?"
)


def in_view(app, widget) -> bool:  # noqa: ANN001
    """The whole widget is on screen (inside the conversation's visible part if it is in it)."""
    region = widget.region
    if widget in app.chat.messages.query("*") or widget in app.chat.views():
        return app.chat.messages.region.contains_region(region) and region.height > 0
    return app.screen.region.contains_region(region) and region.height > 0


async def past_the_offer(pilot, app) -> None:  # noqa: ANN001
    """A fresh home first offers to protect the history (test_history_lock.py): decline."""
    await wait_until(pilot, lambda: isinstance(app.screen, ProtectScreen))
    await pilot.press("escape")
    await idle(pilot, app)


async def send(pilot, text: str) -> None:  # noqa: ANN001
    await type_text(pilot, text)
    await pilot.press("enter")
    await idle(pilot, pilot.app)


@pytest.mark.parametrize(
    ("env", "language", "wanted", "unwanted"),
    [
        ("en_HK.UTF-8", "zh", "2389 2222", "12356"),  # Chinese interface in Hong Kong
        ("zh_TW.UTF-8", "en", "1925", "988"),  # English interface in Taiwan
    ],
)
async def test_lines_follow_the_region_not_the_interface_language(
    make_app, monkeypatch, env, language, wanted, unwanted
) -> None:
    monkeypatch.setenv("LANG", env)
    engine = ScriptedEngine()
    app = make_app(engine, language=language)
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        await send(pilot, CRISIS)
        banner = str(app.chat.banner("crisis").render())
        assert wanted in banner and unwanted not in banner
        assert banner == safety.crisis_banner(language, safety.resources_for(env))
        system = engine.prompts[-1].text.split("<|im_end|>")[0]
        assert wanted in system and unwanted not in system


async def test_configured_region_wins_over_the_environment(make_app, tui_home) -> None:
    tui_home.mkdir(parents=True, exist_ok=True)
    (tui_home / "config.toml").write_text('[care]\nregion = "IE"\n')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        await pilot.press("f1")
        text = str(app.chat.banner("crisis").render())
        assert "Samaritans Ireland" in text and "988" not in text


async def test_f1_shows_the_lines_whatever_the_detector_said(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        shown = {key for key, b in app.active_bindings.items() if b.binding.show}
        assert "f1" in shown, "the key is in the footer"
        await wait_until(pilot, lambda: "f1 Crisis lines" in screen_text(app))
        banner = app.chat.banner("crisis")
        assert not banner.display
        await pilot.press("f1")
        assert banner.display and "988" in str(banner.render())
        assert app.focused is app.chat.chat_input
        await pilot.press(*"hi")
        assert app.chat.chat_input.text == "hi", "typing goes on in the message box"
        await pilot.press("f1")
        assert not banner.display
        # while the box has text, and while a reply is written, F1 still works
        await pilot.press("enter")
        await pilot.press("f1")
        assert banner.display


async def test_concern_is_one_quiet_line_with_the_key(make_app, monkeypatch) -> None:
    monkeypatch.setattr(safety, "assess_turns", lambda turns: safety.Assessment("concern"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        await send(pilot, "everything feels heavy lately")
        note = app.chat.banner("care-note")
        assert note.display and not app.chat.banner("crisis").display
        assert note.region.height == 1
        assert str(note.render()) == safety.concern_note(
            "en", safety.resources_for("en_US"), key="F1"
        )
        assert "F1" in str(note.render()) and "988" not in str(note.render())
        assert app.focused is app.chat.chat_input
        await pilot.press("f1")  # the key it names
        assert app.chat.banner("crisis").display and not note.display
        monkeypatch.setattr(safety, "assess_turns", lambda turns: safety.Assessment("none"))
        await pilot.press("ctrl+g")
        await send(pilot, "thanks")
        assert not note.display and not app.chat.banner("crisis").display


async def test_first_run_notice_folds_to_one_line_once_read(make_app) -> None:
    app = make_app(notice_seen=False)
    async with app.run_test(size=SIZE) as pilot:
        await past_the_offer(pilot, app)
        notice = app.chat.banner("notice")
        assert notice.display and notice.region.height > 5
        assert str(notice.render()) == safety.first_run_notice("en")
        assert app.focused is app.chat.chat_input
        await send(pilot, "hello there")
        assert notice.display and notice.folded and notice.region.height == 1
        assert str(notice.render()) == safety.notice_line("en")
        assert app.focused is app.chat.chat_input
        await pilot.press("ctrl+g")
        assert not notice.display
    assert not safety.notice_due(get_paths())


async def test_notice_is_shared_with_ask(make_app) -> None:
    """Shown once per home: after `soulchat ask` showed it (the same marker) the app does not."""
    safety.mark_notice_shown(get_paths())
    app = make_app(notice_seen=False)
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        assert not app.chat.banner("notice").display


async def test_ctrl_g_folds_the_notice_then_hides_it(make_app) -> None:
    app = make_app(notice_seen=False)
    async with app.run_test(size=SIZE) as pilot:
        await past_the_offer(pilot, app)
        notice = app.chat.banner("notice")
        await pilot.press("ctrl+g")
        assert notice.display and notice.folded
        await pilot.press("ctrl+g")
        assert not notice.display


@pytest.mark.parametrize(
    ("language", "width", "first_run"),
    [
        ("en", 110, True),
        ("zh", 110, True),
        ("en", 80, True),
        ("en", 110, False),
        ("zh", 80, False),
    ],
)
async def test_message_banner_and_reply_all_in_view_at_40_rows(
    make_app, language, width, first_run
) -> None:
    """40 rows, on the first run (the notice folds) and later: after sending a crisis
    message the user's own message, the banner with the lines and the reply are all on
    screen together, while the reply streams and after."""
    engine = ScriptedEngine([REPLY], delay=0.05)
    app = make_app(engine, notice_seen=not first_run, language=language)
    async with app.run_test(size=(width, 40)) as pilot:
        if first_run:
            await past_the_offer(pilot, app)
        await idle(pilot, app)
        await type_text(pilot, CRISIS)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: (
                app.chat.banner("crisis").display
                and len(app.chat.views()) == 2
                and app.chat.views()[1].text
            ),
        )
        await pilot.pause()
        user, reply = app.chat.views()
        banner = app.chat.banner("crisis")
        assert app.generating and reply.state == "writing"
        streaming = {widget: in_view(app, widget) for widget in (user, banner, reply)}
        await idle(pilot, app)  # (asserting with the reply still streaming would hang exit)
        assert all(streaming.values()), streaming
        await pilot.pause()
        for widget in (user, banner, reply):
            assert in_view(app, widget), widget
        text = screen_text(app)
        assert CRISIS in text and "988" in text and REPLY.split(".")[0] in text.replace("\n", " ")
        assert app.focused is app.chat.chat_input
