"""Pick the model from the installed ones (and the demo model when it is installed)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..i18n import t


class ModelPicker(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, names: list[str], current: str | None, language: str,
                 note: str = "") -> None:
        super().__init__(classes="modal")
        self.names = names
        self.current = current
        self.language = language
        self.note = note

    def compose(self) -> ComposeResult:
        lang = self.language
        with Vertical(classes="dialog"):
            yield Static(t("model.title", lang), classes="dialog-title")
            if self.note:
                yield Static(self.note, classes="dialog-hint", markup=False)
            if not self.names:
                yield Static(t("model.none", lang), markup=False)
            options = [
                Option(name + (" " + t("model.current", lang) if name == self.current else ""),
                       id=name)
                for name in self.names
            ]
            yield OptionList(*options, id="models")

    def on_mount(self) -> None:
        models = self.query_one("#models", OptionList)
        if self.current in self.names:
            models.highlighted = self.names.index(self.current)
        models.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
