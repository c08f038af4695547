"""Opening the history: at once when it is plaintext or SOULCHAT_PASSPHRASE unlocks it;
behind the unlock screen when it is encrypted; after the first run's offer of a
passphrase when there is no history yet. The passphrase goes to the store's connection
and is kept nowhere else.

Part of SoulChatApp (tui/app.py holds the state these methods use).
"""

from __future__ import annotations

from soulchat_local.errors import UserError
from soulchat_local.paths import Paths
from soulchat_local.runtime import open_store
from soulchat_local.store.crypto import (
    SqlcipherMissing,
    WrongPassphrase,
    passphrase_from_env,
    sqlcipher,
)
from soulchat_local.store.db import history_exists, needs_passphrase

from .prefs import Prefs
from .screens.protect import ProtectScreen
from .screens.unlock import UnlockScreen


def history_gate(paths: Paths, prefs: Prefs) -> str | None:
    """'unlock', 'offer', or None when the history can be opened right away."""
    if passphrase_from_env() is not None:
        return None
    if needs_passphrase(paths.history_db):
        sqlcipher()  # without it nothing can open the history: one line, before the app
        return "unlock"
    if not prefs.first_run_shown and not history_exists(paths.history_db):
        return "offer"
    return None


class HistoryLock:
    """The screens in front of the chat until the history is open."""

    async def open_history(self) -> None:
        """Start the chat on the open history, or push the screen that leads to it."""
        if self.gate is None:
            await self.start_chat()
        elif self.gate == "unlock":
            self.push_screen(UnlockScreen(self.language, self._try_unlock), self._history_open)
        elif self.gate == "offer":
            try:
                sqlcipher()
                missing = None
            except SqlcipherMissing as exc:
                missing = str(exc)
            self.push_screen(ProtectScreen(self.language, missing), self._protect_answered)

    def _try_unlock(self, passphrase: str) -> bool:
        try:
            self.store = open_store(self.paths, passphrase)
        except WrongPassphrase:
            return False
        except UserError as exc:  # e.g. a history from a newer soulchat-local
            self.start_error = exc
            self.exit(2)
            return False
        return True

    async def _protect_answered(self, passphrase: str | None) -> None:
        try:
            self.store = open_store(self.paths, passphrase)
        except UserError as exc:  # asked for protection: never fall back to plaintext
            self.notify(str(exc), severity="error", timeout=15)
            await self.open_history()
            return
        await self._history_open(True)

    async def _history_open(self, opened: bool | None) -> None:
        if not opened or self.store is None:
            return
        self.gate = None
        try:
            self.session_id = self._initial_session(*self.wanted_session)
        except UserError as exc:
            self.start_error = exc
            self.exit(2)
            return
        await self.start_chat()
