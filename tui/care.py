"""The care banners: the first-run notice (not a replacement for professional help)
and the crisis lines a risky message brings up (soulchat_local.safety writes both).

Part of SoulChatApp (tui/app.py holds the state these methods use).
"""

from __future__ import annotations

from soulchat_local import safety

from .i18n import t
from .prefs import save_prefs


class Care:
    """Shows and dismisses the notice and crisis banners; they never take focus."""

    def show_first_run_notice(self) -> None:
        if self.prefs.first_run_shown:
            return
        notice = safety.first_run_notice(self.language)
        self.chat.banner("notice").show_text(notice, t("notice.dismiss", self.language))
        self.prefs.first_run_shown = True
        save_prefs(self.paths, self.prefs)

    def show_crisis(self, resources: list[safety.Resource]) -> None:
        text = safety.crisis_banner(self.language, resources)
        self.chat.banner("crisis").show_text(text, t("notice.dismiss", self.language))

    def action_dismiss_banner(self) -> None:
        for name in ("crisis", "notice"):
            banner = self.chat.banner(name)
            if banner.display:
                banner.dismiss()
                return
