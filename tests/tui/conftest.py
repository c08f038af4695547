"""Fixtures for the app's pilot tests: a fresh home, a scripted engine, waiting helpers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from soulchat_local.engine import ScriptedEngine
from soulchat_local.paths import get_paths
from soulchat_local.runtime import open_store
from soulchat_local.safety import mark_notice_shown
from soulchat_local.tui.app import SoulChatApp
from soulchat_local.tui.prefs import Prefs, save_prefs

SIZE = (110, 36)


@pytest.fixture
def tui_home(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The `home` fixture plus a private $HOME (exports) and a fixed locale and time zone."""
    user_home = tmp_path / "user"
    user_home.mkdir()
    monkeypatch.setenv("HOME", str(user_home))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    return home


def seen_notice(language: str | None = None) -> None:
    """Mark the first-run notice as shown (tests that are about something else)."""
    mark_notice_shown(get_paths())
    save_prefs(get_paths(), Prefs(language=language))


@pytest.fixture
def store(tui_home: Path):
    store = open_store(get_paths())
    yield store
    store.close()


@pytest.fixture
def make_app(tui_home: Path):
    """make_app(engine=ScriptedEngine(...), notice_seen=True, **SoulChatApp kwargs)."""

    def make(engine: ScriptedEngine | None = None, *, notice_seen: bool = True,
             **kwargs) -> SoulChatApp:  # noqa: ANN003
        if notice_seen:
            seen_notice(kwargs.pop("prefs_language", None))
        if "engine_factory" not in kwargs and engine is None:
            engine = ScriptedEngine()
        return SoulChatApp(engine=engine, **kwargs)

    return make


async def wait_until(pilot, predicate: Callable[[], bool], timeout: float = 10.0) -> None:  # noqa: ANN001
    """Let the app run until `predicate()` holds (it is checked between frames)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        await pilot.pause(0.02)
        await asyncio.sleep(0)


async def idle(pilot, app: SoulChatApp) -> None:  # noqa: ANN001
    """Wait for the engine to be ready and no reply to be in progress."""
    await wait_until(pilot, lambda: app.engine is not None and not app.loading
                     and not app.generating)
    await pilot.pause()


async def type_text(pilot, text: str) -> None:  # noqa: ANN001
    """Put text in the message box as if typed (one paste event: quicker than keys)."""
    box = pilot.app.chat.chat_input
    box.insert(text)
    await pilot.pause()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def screen_text(app: SoulChatApp) -> str:
    """What the terminal shows now, as plain text."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True,
                      force_terminal=True, color_system="truecolor", legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()
