"""When there is no model to talk with: say exactly how to get one."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ..i18n import t


def commands_in(message: str) -> list[str]:
    """The `commands` quoted in a core error message, in order."""
    return re.findall(r"`([^`]+)`", message)


class NoModelScreen(ModalScreen[None]):
    """Esc closes it to read the history anyway; Ctrl+Q quits."""

    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, message: str, language: str, title_key: str = "nomodel.title") -> None:
        super().__init__(classes="modal")
        self.message = message
        self.language = language
        self.title_key = title_key

    def compose(self) -> ComposeResult:
        lang = self.language
        with Vertical(classes="dialog wide", id="no-model"):
            yield Static(t(self.title_key, lang), classes="dialog-title")
            if self.title_key == "nomodel.title":
                yield Static(t("nomodel.body", lang), markup=False)
            yield Static(self.message, classes="dialog-error", markup=False)
            for command in commands_in(self.message):
                yield Static("  $ " + command, classes="command", markup=False)
            if self.title_key == "nomodel.title":
                yield Static(t("nomodel.steps", lang), classes="dialog-hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
