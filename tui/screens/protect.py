"""The first run's offer to protect the history with a passphrase: typed twice, hidden,
skippable. It returns the passphrase (the app opens the new history with it and keeps it
nowhere) or None."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from ..i18n import t


class ProtectScreen(Screen[str | None]):
    BINDINGS = [Binding("escape", "skip", "Not now")]

    def __init__(self, language: str, missing: str | None = None) -> None:
        """`missing`: why encryption cannot be offered here (sqlcipher3 is not installed)."""
        super().__init__(classes="modal", id="protect-screen")
        self.language = language
        self.missing = missing

    def compose(self) -> ComposeResult:
        lang = self.language
        with Vertical(classes="dialog wide"):
            yield Static(t("protect.title", lang), classes="dialog-title")
            yield Static(t("protect.body", lang), markup=False)
            if self.missing:
                yield Static(self.missing, classes="dialog-error", markup=False, id="missing")
                with Horizontal(classes="dialog-buttons"):
                    yield Button(t("protect.continue", lang), variant="primary", id="skip")
                return
            yield Input(password=True, id="first", placeholder=t("protect.first", lang))
            yield Input(password=True, id="second", placeholder=t("protect.second", lang))
            yield Static("", id="protect-error", classes="dialog-error", markup=False)
            yield Static(t("protect.hint", lang), classes="dialog-hint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("protect.protect", lang), variant="primary", id="protect")
                yield Button(t("protect.skip", lang), id="skip")

    def on_mount(self) -> None:
        if self.missing:
            self.query_one("#skip", Button).focus()
            return
        self.query_one("#protect-error", Static).display = False
        self.query_one("#first", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "first":
            self.query_one("#second", Input).focus()
        else:
            self._protect()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "protect":
            self._protect()
        else:
            self.dismiss(None)

    def _protect(self) -> None:
        first, second = self.query_one("#first", Input), self.query_one("#second", Input)
        if not first.value:
            problem = "protect.empty"
        elif first.value != second.value:
            problem = "protect.differ"
        else:
            self.dismiss(first.value)
            return
        first.value = second.value = ""
        error = self.query_one("#protect-error", Static)
        error.update(t(problem, self.language))
        error.display = True
        first.focus()

    def action_skip(self) -> None:
        self.dismiss(None)
