"""The sidebar: sessions newest first, each with its title and date.

One OptionList, not a widget per session: every layout of the screen (and a streaming
reply causes some) arranges each widget on it, so a sidebar of widgets made every reply
slower the more sessions there were.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from soulchat_local.store import SessionRow

from ..i18n import t
from .message import local_time


def session_prompt(session: SessionRow, language: str) -> Content:
    title = session.title or t("sessions.untitled", language)
    return Content.assemble(Content(title), "\n",
                            Content.styled(local_time(session.updated), "$text-muted"))


class SessionList(OptionList):
    BINDINGS = [
        Binding("f2", "app.rename", "Rename"),
        Binding("delete", "app.delete", "Delete"),
    ]

    class Picked(Message):
        """A session was chosen (Enter or a click)."""

        def __init__(self, session: SessionRow) -> None:
            super().__init__()
            self.session = session

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(compact=True, **kwargs)
        self.sessions: list[SessionRow] = []
        self.language = ""

    def show_sessions(self, sessions: list[SessionRow], current: int | None,
                      language: str) -> None:
        if ([s.id for s in sessions] == [s.id for s in self.sessions]
                and language == self.language):
            # the same sessions in the same order (the usual case after a turn)
            for index, (old, new) in enumerate(zip(self.sessions, sessions, strict=True)):
                if old != new:
                    self.replace_option_prompt_at_index(index, session_prompt(new, language))
        else:
            self.clear_options()
            self.add_options(Option(session_prompt(s, language), id=f"session-{s.id}")
                             for s in sessions)
        self.sessions, self.language = sessions, language
        ids = [s.id for s in sessions]
        self.highlighted = ids.index(current) if current in ids else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Picked(self.sessions[event.option_index]))
