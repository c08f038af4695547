"""What the app shows about care: the first-run notice, the crisis lines, the concern note.

The verdict for a turn comes from the core (safety.assess_turns over chat.turns_for, the
same call the turn itself makes) and is shown before the user's message is put on screen,
so the room a reply keeps is measured with the banner already there: the message, the
banner and the reply all stay in view. Nothing here takes focus from the message box.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from soulchat_local import safety
from soulchat_local.chat import turns_for

from .i18n import t
from .widgets.banner import Banner

if TYPE_CHECKING:
    from .app import SoulChatApp

LINES_KEY = "F1"  # the key that opens the crisis lines (bound in app.py)


class Care:
    def __init__(self, app: SoulChatApp) -> None:
        self.app = app
        self.resources = safety.resources_for(None, app.config.care.region)

    @property
    def language(self) -> str:
        return self.app.language

    def banner(self, name: str) -> Banner:
        return self.app.chat.banner(name)

    # -- the first-run notice ------------------------------------------------------------
    def show_first_run_notice(self) -> None:
        """Once per home (shared with `soulchat ask`); folds to one line once read."""
        if not safety.notice_due(self.app.paths):
            return
        self.banner("notice").show_text(
            safety.first_run_notice(self.language),
            t("notice.fold", self.language),
            folded=safety.notice_line(self.language),
        )
        safety.mark_notice_shown(self.app.paths)

    def notice_read(self) -> None:
        """The user sent a message: the notice has been read, it gives the room back."""
        notice = self.banner("notice")
        if notice.display and not notice.folded:
            notice.fold()

    # -- help for a turn -------------------------------------------------------------------
    async def before_turn(self, kind: str, text: str) -> None:
        """Show the help a turn calls for, and let the screen lay it out, before the
        user's message and the reply's room go in."""
        self.notice_read()
        assessment = safety.assess_turns(turns_for(self.app.store, self.app.session_id, kind, text))
        self.show_help(assessment)
        await self.app.chat.laid_out()

    def show_help(self, assessment: safety.Assessment) -> None:
        """Crisis: the banner with the region's lines. Concern: one quiet line saying
        help is there and which key shows it. None: the note goes; a banner stays until
        the user closes it."""
        note = self.banner("care-note")
        if assessment.risk == "crisis":
            note.dismiss()
            self.show_lines()
        elif assessment.risk == "concern" and not self.banner("crisis").display:
            note.show_text(safety.concern_note(self.language, self.resources, key=LINES_KEY))
        else:
            note.dismiss()

    def show_lines(self) -> None:
        text = safety.crisis_banner(self.language, self.resources)
        self.banner("crisis").show_text(text, t("notice.dismiss", self.language))

    def toggle_lines(self) -> None:
        """F1: the crisis lines, whatever the detector said."""
        banner = self.banner("crisis")
        if banner.display:
            banner.dismiss()
        else:
            self.banner("care-note").dismiss()
            self.show_lines()

    def dismiss(self) -> None:
        """Ctrl+G: the crisis banner first, then the concern note, then the notice."""
        for name in ("crisis", "care-note", "notice"):
            banner = self.banner(name)
            if banner.display:
                banner.dismiss()
                return

    def relabel(self) -> None:
        """After a language switch: what is on screen, in the new language."""
        if self.banner("crisis").display:
            self.show_lines()
        note = self.banner("care-note")
        if note.display:
            note.show_text(safety.concern_note(self.language, self.resources, key=LINES_KEY))
        notice = self.banner("notice")
        if notice.display:
            folded = notice.folded
            notice.show_text(
                safety.first_run_notice(self.language),
                t("notice.fold", self.language),
                folded=safety.notice_line(self.language),
            )
            if folded:
                notice.fold()
