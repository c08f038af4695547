"""Opening an encrypted history: its passphrase, typed hidden; a wrong one says so and
lets the user try again; Esc quits."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from ..i18n import t


class UnlockScreen(Screen[bool]):
    """`unlock(passphrase)` opens the history and says whether it could."""

    BINDINGS = [Binding("escape", "leave", "Quit")]

    def __init__(self, language: str, unlock: Callable[[str], bool]) -> None:
        super().__init__(classes="modal", id="unlock-screen")
        self.language = language
        self.unlock = unlock

    def compose(self) -> ComposeResult:
        lang = self.language
        with Vertical(classes="dialog"):
            yield Static(t("unlock.title", lang), classes="dialog-title")
            yield Static(t("unlock.body", lang), markup=False)
            yield Input(password=True, id="passphrase", placeholder=t("unlock.placeholder", lang))
            yield Static("", id="unlock-error", classes="dialog-error", markup=False)
            yield Static(t("unlock.hint", lang), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#unlock-error", Static).display = False
        self.query_one("#passphrase", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        box = event.input
        passphrase, box.value = box.value, ""
        if passphrase and self.unlock(passphrase):
            self.dismiss(True)
            return
        error = self.query_one("#unlock-error", Static)
        error.update(t("unlock.wrong" if passphrase else "unlock.empty", self.language))
        error.display = True
        box.focus()

    def action_leave(self) -> None:
        self.app.exit(0)
