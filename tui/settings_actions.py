"""The settings box's answer (persona, sampling, language) and the theme.

Part of SoulChatApp (tui/app.py holds the state these methods use).
"""

from __future__ import annotations

from .i18n import t
from .prefs import save_prefs
from .screens.settings import SettingsModal, SettingsResult

THEMES = {"dark": "textual-dark", "light": "textual-light"}


class SettingsActions:
    """Settings per session, and the interface's language and theme (remembered)."""

    def action_settings(self) -> None:
        stored = self.store.session(self.session_id).system_prompt if self.session_id else None
        self.push_screen(
            SettingsModal(stored or self.persona, self.sampling(), self.language),
            self._settings_saved,
        )

    async def _settings_saved(self, result: SettingsResult | None) -> None:
        if result is None:
            return
        if self.session_id is None:
            model = self.engine.name if self.engine else (self.model_spec or "")
            self.session_id = self.store.create_session(model)
        self.store.update_session(
            self.session_id, system_prompt=result.system_prompt, settings=result.sampling
        )
        if result.language != self.language:
            self.set_language(result.language)
        self.refresh_sidebar()
        self.notify(t("notice.settings_saved", self.language))

    def set_language(self, language: str) -> None:
        self.language = language
        self.prefs.language = language
        save_prefs(self.paths, self.prefs)
        self.chat.relabel(language)
        self.localize_bindings()
        self.call_later(self.refresh_sidebar)

    def action_toggle_theme(self) -> None:
        self.theme = THEMES["light"] if self.theme == THEMES["dark"] else THEMES["dark"]

    def watch_theme(self, theme: str) -> None:
        if theme != self.prefs.theme and self.is_mounted:
            self.prefs.theme = theme
            save_prefs(self.paths, self.prefs)
