"""Per-session system prompt and sampling settings; the interface language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static, TextArea

from soulchat_local.config import Sampling

from ..i18n import t

# The same ranges config.toml accepts (DESIGN.md: [sampling]).
FIELDS = {
    "temperature": (float, lambda v: 0 <= v <= 5),
    "top_p": (float, lambda v: 0 < v <= 1),
    "max_tokens": (int, lambda v: v >= 1),
}


@dataclass
class SettingsResult:
    system_prompt: str
    sampling: dict[str, Any] = field(default_factory=dict)
    language: str = "en"


class SettingsModal(ModalScreen[SettingsResult | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, system_prompt: str, sampling: Sampling, language: str) -> None:
        super().__init__(classes="modal")
        self.system_prompt = system_prompt
        self.sampling = sampling
        self.language = language

    def compose(self) -> ComposeResult:
        lang = self.language
        with VerticalScroll(classes="dialog wide"):
            yield Static(t("settings.title", lang), classes="dialog-title")
            yield Static(t("settings.system", lang))
            yield TextArea(self.system_prompt, id="system-prompt", soft_wrap=True)
            yield Static(t("settings.system_hint", lang), classes="dialog-hint", markup=False)
            with Horizontal(classes="fields"):
                for name in FIELDS:
                    with Vertical(classes="field"):
                        yield Static(t(f"settings.{name}", lang))
                        yield Input(str(getattr(self.sampling, name)), id=name)
            yield Static(t("settings.language", lang))
            yield Select([("English", "en"), ("中文", "zh")], value=lang, allow_blank=False,
                         id="language")
            yield Static("", id="settings-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("button.save", lang), variant="primary", id="save")
                yield Button(t("button.cancel", lang), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#system-prompt", TextArea).focus()

    def collect(self) -> SettingsResult | None:
        values: dict[str, Any] = {}
        for name, (kind, valid) in FIELDS.items():
            raw = self.query_one(f"#{name}", Input).value.strip()
            try:
                value = kind(raw)
            except ValueError:
                value = None
            if value is None or not valid(value):
                label = t(f"settings.{name}", self.language)
                self.query_one("#settings-error", Static).update(
                    t("settings.invalid", self.language, field=label, value=raw)
                )
                return None
            values[name] = value
        prompt = self.query_one("#system-prompt", TextArea).text.strip() or "none"
        language = self.query_one("#language", Select).value
        return SettingsResult(prompt, values, str(language))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        result = self.collect()
        if result is not None:
            self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
