"""The sidebar: sessions newest first, each with its title and date."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Label, ListItem, ListView

from soulchat_local.store import SessionRow

from ..i18n import t
from .message import local_time


class SessionItem(ListItem):
    def __init__(self, session: SessionRow, language: str) -> None:
        title = session.title or t("sessions.untitled", language)
        super().__init__(
            Label(title, classes="session-title", markup=False),
            Label(local_time(session.updated), classes="session-date", markup=False),
            id=f"session-{session.id}",
        )
        self.session = session


class SessionList(ListView):
    BINDINGS = [
        Binding("f2", "app.rename", "Rename"),
        Binding("delete", "app.delete", "Delete"),
    ]

    async def show_sessions(self, sessions: list[SessionRow], current: int | None,
                            language: str) -> None:
        await self.clear()
        items = [SessionItem(s, language) for s in sessions]
        if items:
            await self.extend(items)
        for index, session in enumerate(sessions):
            if session.id == current:
                self.index = index
                break
        else:
            self.index = None
