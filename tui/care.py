"""Care on screen: the first-run notice, the crisis lines, the concern note.

- The first-run notice (not a replacement for professional help) shows once per home,
  shared with `soulchat ask` (safety.notice_due), and folds to one line once read: when
  the first message is sent, or on Ctrl+G or a click.
- A turn's verdict comes from the core (safety.assess_turns over chat.turns_for, the call
  the turn itself makes) and its help is shown and laid out before the user's message and
  the reply's room go in, so the message, the banner and the reply all stay in view.
  Crisis: the banner with the region's lines. Concern: one quiet line naming the key.
- F1 opens the crisis lines at any time, whatever the detector said.

Nothing here takes focus from the message box. Part of SoulChatApp (tui/app.py holds the
state these methods use).
"""

from __future__ import annotations

from soulchat_local import safety
from soulchat_local.chat import turns_for

from .i18n import t
from .widgets.banner import Banner

LINES_KEY = "F1"  # the key that opens the crisis lines (bound in app.py)


class Care:
    """Shows and folds the notice, the crisis banner and the concern note."""

    @property
    def care_resources(self) -> list[safety.Resource]:
        """The crisis lines of the user's region: [care] region, else the environment's
        territory; never the interface language."""
        return safety.resources_for(None, self.config.care.region)

    def care_banner(self, name: str) -> Banner:
        return self.chat.banner(name)

    # -- the first-run notice ------------------------------------------------------------
    def show_first_run_notice(self) -> None:
        if not safety.notice_due(self.paths):
            return
        self._show_notice()
        safety.mark_notice_shown(self.paths)

    def _show_notice(self) -> None:
        self.care_banner("notice").show_text(
            safety.first_run_notice(self.language),
            t("notice.fold", self.language),
            folded=safety.notice_line(self.language),
        )

    # -- help for a turn -------------------------------------------------------------------
    async def show_help_before(self, kind: str, text: str) -> None:
        """Before a turn's message and reply go in: fold the notice (it has been read),
        show the help the turn calls for, and let the screen lay both out."""
        notice = self.care_banner("notice")
        if notice.display and not notice.folded:
            notice.fold()
        turns = turns_for(self.store, self.session_id, kind, text)
        self.show_help(safety.assess_turns(turns))
        await self.chat.laid_out()

    def show_help(self, assessment: safety.Assessment) -> None:
        """Crisis: the banner with the lines. Concern: the one-line note (unless the lines
        are open already). None: the note goes; an open banner stays until closed."""
        note = self.care_banner("care-note")
        if assessment.risk == "crisis":
            note.dismiss()
            self.show_lines()
        elif assessment.risk == "concern" and not self.care_banner("crisis").display:
            note.show_text(safety.concern_note(self.language, self.care_resources, LINES_KEY))
        else:
            note.dismiss()

    def show_lines(self) -> None:
        text = safety.crisis_banner(self.language, self.care_resources)
        self.care_banner("crisis").show_text(text, t("notice.dismiss", self.language))

    def action_crisis_lines(self) -> None:
        banner = self.care_banner("crisis")
        if banner.display:
            banner.dismiss()
        else:
            self.care_banner("care-note").dismiss()
            self.show_lines()

    def action_dismiss_banner(self) -> None:
        """Ctrl+G: the crisis lines first, then the note, then the notice (folds, hides)."""
        for name in ("crisis", "care-note", "notice"):
            banner = self.care_banner(name)
            if banner.display:
                banner.dismiss()
                return

    def relabel_care(self) -> None:
        """After a language switch: what is on screen, in the new language."""
        if self.care_banner("crisis").display:
            self.show_lines()
        note = self.care_banner("care-note")
        if note.display:
            note.show_text(safety.concern_note(self.language, self.care_resources, LINES_KEY))
        notice = self.care_banner("notice")
        if notice.display:
            folded = notice.folded
            self._show_notice()
            if folded:
                notice.fold()
