"""The export box: Markdown or JSON, into ~/soulchat-exports or a path the user picks
(soulchat_local.export writes the file)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from soulchat_local.export import default_export_dir

from ..i18n import t


class ExportModal(ModalScreen[tuple[str, str] | None]):
    """Returns (format, target) where format is 'md' or 'json' and target may be ''."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, language: str, fmt: str = "md", target: str = "") -> None:
        """`fmt` and `target`: the choice to show again (after "keep the existing file")."""
        super().__init__(classes="modal")
        self.language = language
        self.fmt = fmt
        self.target = target

    def compose(self) -> ComposeResult:
        lang = self.language
        with Vertical(classes="dialog"):
            yield Static(t("export.title", lang), classes="dialog-title")
            yield Static(t("export.format", lang))
            with RadioSet(id="format"):
                yield RadioButton("Markdown", value=self.fmt == "md", id="md")
                yield RadioButton("JSON", value=self.fmt == "json", id="json")
            yield Static(t("export.path", lang))
            yield Input(self.target, placeholder=str(default_export_dir()) + "/", id="target")
            yield Static(
                t("export.hint", lang, dir=default_export_dir()),
                classes="dialog-hint",
                markup=False,
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("bind.export", lang), variant="primary", id="save")
                yield Button(t("button.cancel", lang), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#target", Input).focus()

    def _result(self) -> tuple[str, str]:
        pressed = self.query_one("#format", RadioSet).pressed_button
        fmt = pressed.id if pressed is not None and pressed.id else "md"
        return fmt, self.query_one("#target", Input).value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(self._result())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self._result() if event.button.id == "save" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
