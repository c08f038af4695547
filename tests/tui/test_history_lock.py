"""The history's passphrase in the app: the unlock screen for an encrypted history, the
first run's offer to protect a new one, SOULCHAT_PASSPHRASE for scripts (real SQLCipher
files, real pilots)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from soulchat_local.engine import ScriptedEngine
from soulchat_local.errors import UserError
from soulchat_local.paths import get_paths
from soulchat_local.runtime import open_store
from soulchat_local.store.crypto import MISSING_SQLCIPHER, SqlcipherMissing
from soulchat_local.store.db import history_exists, needs_passphrase
from soulchat_local.tui import app as app_module
from soulchat_local.tui.screens.protect import ProtectScreen
from soulchat_local.tui.screens.unlock import UnlockScreen

from .conftest import SIZE, idle, wait_until

pytestmark = pytest.mark.anyio

PASSPHRASE = "correct horse 電池"


def encrypted_history(text: str = "a night I could not sleep") -> int:
    store = open_store(get_paths(), PASSPHRASE)
    session = store.create_session("scripted")
    store.add_message(session, "user", text)
    store.add_message(session, "assistant", "that sounds hard")
    store.close()
    return session


async def type_into(pilot, box: Input, text: str) -> None:  # noqa: ANN001
    box.focus()
    box.value = text
    await pilot.press("enter")
    await pilot.pause()


async def on_screen(pilot, app, screen_type: type) -> None:  # noqa: ANN001
    """Wait until `screen_type` is shown and has put the focus where it wants it."""
    await wait_until(pilot, lambda: isinstance(app.screen, screen_type) and app.focused)


def files_hold(home: Path, secret: str) -> list[Path]:
    return [p for p in home.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


async def test_unlock_screen_says_a_wrong_passphrase_and_opens_with_the_right_one(
    make_app,
) -> None:
    encrypted_history()
    app = make_app(ScriptedEngine(["hello"]))
    async with app.run_test(size=SIZE) as pilot:
        await on_screen(pilot, app, UnlockScreen)
        box = app.screen.query_one("#passphrase", Input)
        assert box.password and app.focused is box  # never echoed
        assert app.store is None and app.engine is not None  # nothing read yet
        await pilot.press("ctrl+n")  # the chat's keys do nothing while locked
        assert isinstance(app.screen, UnlockScreen)
        await type_into(pilot, box, "wrong guess")
        error = app.screen.query_one("#unlock-error", Static)
        assert error.display and "does not open" in str(error.render())
        assert box.value == "" and isinstance(app.screen, UnlockScreen)
        await type_into(pilot, box, PASSPHRASE)
        await idle(pilot, app)
        assert app.screen is app.chat and app.focused is app.chat.chat_input
        assert [v.text for v in app.chat.views()] == [
            "a night I could not sleep",
            "that sounds hard",
        ]
        await pilot.press(*"still awake", "enter")
        await wait_until(pilot, lambda: len(app.chat.views()) == 4 and not app.generating)
    store = open_store(get_paths(), PASSPHRASE)  # the turn went into the encrypted history
    assert [m.content for m in store.messages(store.latest_session().id)][-2:] == [
        "still awake",
        "hello",
    ]
    store.close()


async def test_esc_on_the_unlock_screen_quits(make_app) -> None:
    encrypted_history()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_screen(pilot, app, UnlockScreen)
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0 and app.store is None


async def test_soulchat_passphrase_opens_without_asking(make_app, monkeypatch) -> None:
    encrypted_history()
    monkeypatch.setenv("SOULCHAT_PASSPHRASE", PASSPHRASE)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot, app)
        assert app.screen is app.chat and len(app.chat.views()) == 2


def test_a_wrong_soulchat_passphrase_is_a_user_error(tui_home, monkeypatch) -> None:
    encrypted_history()
    monkeypatch.setenv("SOULCHAT_PASSPHRASE", "not it")
    with pytest.raises(UserError, match="passphrase is wrong"):
        app_module.SoulChatApp(engine=ScriptedEngine())


async def test_first_run_offer_protects_the_new_history(make_app, tui_home: Path) -> None:
    app = make_app(ScriptedEngine(["hello"]), notice_seen=False)
    async with app.run_test(size=SIZE) as pilot:
        await on_screen(pilot, app, ProtectScreen)
        screen = app.screen
        first, second = screen.query_one("#first", Input), screen.query_one("#second", Input)
        assert first.password and second.password
        assert not history_exists(get_paths().history_db)  # nothing written before the answer
        first.value, second.value = PASSPHRASE, PASSPHRASE + "x"
        await pilot.click("#protect")
        error = screen.query_one("#protect-error", Static)
        assert error.display and "differ" in str(error.render())
        assert first.value == second.value == "" and app.screen is screen
        await type_into(pilot, first, PASSPHRASE)
        assert app.focused is second
        await type_into(pilot, second, PASSPHRASE)
        await idle(pilot, app)
        assert app.chat.banner("notice").display  # then the first-run notice, as before
        assert app.focused is app.chat.chat_input
        await pilot.press(*"first words", "enter")
        await wait_until(pilot, lambda: len(app.chat.views()) == 2 and not app.generating)
    db = get_paths().history_db
    assert needs_passphrase(db)
    assert files_hold(tui_home, PASSPHRASE) == []  # never stored
    assert files_hold(tui_home, "first words") == []  # the text is encrypted
    # the next start asks for it
    again = make_app(notice_seen=False)
    async with again.run_test(size=SIZE) as pilot:
        await on_screen(pilot, again, UnlockScreen)


@pytest.mark.parametrize("key", ["escape", "skip"])
async def test_first_run_offer_can_be_skipped(make_app, key: str) -> None:
    app = make_app(notice_seen=False)
    async with app.run_test(size=SIZE) as pilot:
        await on_screen(pilot, app, ProtectScreen)
        if key == "skip":
            await pilot.click("#skip")
        else:
            await pilot.press("escape")
        await idle(pilot, app)
        assert app.focused is app.chat.chat_input
    assert history_exists(get_paths().history_db) and not needs_passphrase(get_paths().history_db)
    again = make_app(notice_seen=False)
    async with again.run_test(size=SIZE) as pilot:
        await idle(pilot, again)  # offered once: the history is there now
        assert again.screen is again.chat


async def test_first_run_offer_says_how_to_get_sqlcipher3(make_app, monkeypatch) -> None:
    def missing() -> None:
        raise SqlcipherMissing(MISSING_SQLCIPHER)

    monkeypatch.setattr("soulchat_local.tui.history_lock.sqlcipher", missing)
    app = make_app(notice_seen=False)
    async with app.run_test(size=SIZE) as pilot:
        await on_screen(pilot, app, ProtectScreen)
        text = str(app.screen.query_one("#missing", Static).render())
        assert "pipx inject soulchat-local sqlcipher3" in text
        assert not app.screen.query(Input)  # nothing to type a passphrase into
        await pilot.press("enter")  # "Continue without" has the focus
        await idle(pilot, app)
    assert not needs_passphrase(get_paths().history_db)


async def test_unknown_session_after_unlock_is_a_user_error(make_app) -> None:
    encrypted_history()
    app = make_app(session=99)
    async with app.run_test(size=SIZE) as pilot:
        await on_screen(pilot, app, UnlockScreen)
        await type_into(pilot, app.screen.query_one("#passphrase", Input), PASSPHRASE)
        await pilot.pause()
    assert isinstance(app.start_error, UserError) and "no session 99" in str(app.start_error)


def test_an_encrypted_history_without_sqlcipher3_is_one_line(tui_home, monkeypatch) -> None:
    encrypted_history()

    def missing() -> None:
        raise SqlcipherMissing(MISSING_SQLCIPHER)

    monkeypatch.setattr("soulchat_local.tui.history_lock.sqlcipher", missing)
    with pytest.raises(SqlcipherMissing, match="pipx inject soulchat-local sqlcipher3"):
        app_module.SoulChatApp(engine=ScriptedEngine())
