"""Snapshot tests of the main screens in English and Chinese (pytest-textual-snapshot).

The history is written with a fixed clock and the time zone is UTC, so the pictures are
stable. Update them with `pytest tests/tui/test_snapshots.py --snapshot-update` and look
at the report before committing.
"""

from __future__ import annotations

import pytest

from soulchat_local import safety
from soulchat_local.engine import ScriptedEngine
from soulchat_local.paths import get_paths
from soulchat_local.runtime import open_store
from soulchat_local.tui.app import SoulChatApp
from soulchat_local.tui.prefs import Prefs, save_prefs

from .conftest import seen_notice

SIZE = (110, 34)
FIXED_NOW = "2026-05-04T09:30:00.000+00:00"

CONVERSATIONS = {
    "en": [
        ("Exams next week", [
            "I have exams next week and I can't sleep.",
            "That sounds exhausting. **Lying awake** while exams get closer can make "
            "everything feel heavier.\n\nWhat goes through your mind when you lie down?",
        ]),
        ("A quiet Sunday", [
            "I felt lonely today.",
            "Thank you for telling me. Loneliness can be:\n\n- quiet and heavy\n- "
            "sharper in the evening\n\nWhen did you notice it most today?",
            "Mostly after dinner, when everyone had gone home.",
            "Evenings can hold a lot. What did you do with the feeling?",
        ]),
    ],
    "zh": [
        ("考试压力", [
            "下周就要考试了，我每天晚上都睡不着。",
            "听起来你这段时间真的很辛苦。**躺在床上却睡不着**，会让人更焦虑。\n\n"
            "你躺下的时候，脑子里通常在想些什么呢？",
        ]),
        ("周日的孤独", [
            "今天我觉得很孤单。",
            "谢谢你愿意告诉我。孤单的感觉有时候：\n\n- 很安静，却很沉重\n- "
            "到了晚上会更明显\n\n今天什么时候最强烈呢？",
            "主要是晚饭以后，大家都回家了。",
            "晚上的时候，情绪常常会涌上来。你当时是怎么面对这种感觉的？",
        ]),
    ],
}


@pytest.fixture
def fixed_history(tui_home, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001, ANN201
    """fixed_history(language): write the conversations with a fixed clock."""
    monkeypatch.setattr("soulchat_local.store.store.now", lambda: FIXED_NOW)

    def write(language: str) -> None:
        store = open_store(get_paths())
        for _title, turns in CONVERSATIONS[language]:
            session = store.create_session("scripted")
            for i, text in enumerate(turns):
                store.add_message(session, "user" if i % 2 == 0 else "assistant", text)
        store.close()

    return write


def make(language: str, *, notice_seen: bool = True) -> SoulChatApp:
    if notice_seen:
        seen_notice(language)
    return SoulChatApp(engine=ScriptedEngine(), language=language)


async def settle(pilot) -> None:  # noqa: ANN001
    app = pilot.app
    while app.engine is None or app.loading or not app.chat.query("#input"):
        await pilot.pause(0.02)
    app.chat.chat_input.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_main_screen(snap_compare, fixed_history, language: str) -> None:
    fixed_history(language)
    assert snap_compare(make(language), terminal_size=SIZE, run_before=settle)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_first_run_notice_and_crisis_banner(snap_compare, fixed_history, language: str) -> None:
    fixed_history(language)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        locale = "zh_CN.UTF-8" if language == "zh" else "en_US.UTF-8"
        pilot.app.show_crisis(safety.resources_for(locale))
        await pilot.pause()

    app = make(language, notice_seen=False)
    assert snap_compare(app, terminal_size=(110, 44), run_before=run_before)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_settings(snap_compare, fixed_history, language: str) -> None:
    fixed_history(language)
    assert snap_compare(make(language), terminal_size=(110, 40), press=["f4"],
                        run_before=settle)


def test_search_results(snap_compare, fixed_history) -> None:
    fixed_history("en")

    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("ctrl+f")
        await pilot.press(*"even", "enter")
        await pilot.pause()

    assert snap_compare(make("en"), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_no_model_screen(snap_compare, tui_home, monkeypatch, language: str) -> None:
    monkeypatch.setattr("soulchat_local.resolve.demo_model_path", lambda: None)
    monkeypatch.setattr("soulchat_local.tui.engine_host.demo_model_path", lambda: None)
    seen_notice(language)
    app = SoulChatApp(language=language)
    assert snap_compare(app, terminal_size=SIZE)


def test_main_screen_light_theme(snap_compare, fixed_history) -> None:
    fixed_history("en")
    save_prefs(get_paths(), Prefs(first_run_shown=True, language="en", theme="textual-light"))
    app = SoulChatApp(engine=ScriptedEngine())
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)
