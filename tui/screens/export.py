"""Export the session to Markdown or JSON: a file in ~/soulchat-exports or a path the user picks."""

from __future__ import annotations

import json
import re
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from soulchat_local.export import session_json, session_markdown
from soulchat_local.paths import make_private_dir, write_private_text
from soulchat_local.store import Store

from ..i18n import t

SUFFIXES = {"md": ".md", "json": ".json"}


def default_export_dir() -> Path:
    return Path.home() / "soulchat-exports"


def export_name(session_id: int, title: str, fmt: str) -> str:
    slug = re.sub(r"[^\w]+", "-", title, flags=re.UNICODE).strip("-").lower()[:40]
    return f"session-{session_id}{'-' + slug if slug else ''}{SUFFIXES[fmt]}"


def write_export(store: Store, session_id: int, fmt: str, target: str | None) -> Path:
    """Write the export (mode 0600: it is private text) and return where it went.

    `target` empty: the default folder; an existing folder or one ending in '/': a file
    named after the session in it; anything else: that file.
    """
    session = store.session(session_id)
    name = export_name(session_id, session.title, fmt)
    if not target or not target.strip():
        folder = default_export_dir()
        make_private_dir(folder)
        path = folder / name
    else:
        raw = target.strip()
        path = Path(raw).expanduser()
        if path.is_dir() or raw.endswith(("/", "\\")):
            path.mkdir(parents=True, exist_ok=True)
            path = path / name
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        text = json.dumps(session_json(store, session_id), ensure_ascii=False, indent=2) + "\n"
    else:
        text = session_markdown(store, session_id)
    write_private_text(path, text)
    return path


class ExportModal(ModalScreen[tuple[str, str] | None]):
    """Returns (format, target) where format is 'md' or 'json' and target may be ''."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, language: str) -> None:
        super().__init__(classes="modal")
        self.language = language

    def compose(self) -> ComposeResult:
        lang = self.language
        with Vertical(classes="dialog"):
            yield Static(t("export.title", lang), classes="dialog-title")
            yield Static(t("export.format", lang))
            with RadioSet(id="format"):
                yield RadioButton("Markdown", value=True, id="md")
                yield RadioButton("JSON", id="json")
            yield Static(t("export.path", lang))
            yield Input(placeholder=str(default_export_dir()) + "/", id="target")
            yield Static(t("export.hint", lang, dir=default_export_dir()), classes="dialog-hint",
                         markup=False)
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
