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
        self.language = language

    def relabel(self, session: SessionRow) -> None:
        if session == self.session:
            return
        self.session = session
        self.query_one(".session-title", Label).update(
            session.title or t("sessions.untitled", self.language))
        self.query_one(".session-date", Label).update(local_time(session.updated))


class SessionList(ListView):
    BINDINGS = [
        Binding("f2", "app.rename", "Rename"),
        Binding("delete", "app.delete", "Delete"),
    ]

    async def show_sessions(self, sessions: list[SessionRow], current: int | None,
                            language: str) -> None:
        items = list(self.query_children(SessionItem))
        if [i.session.id for i in items] == [s.id for s in sessions] and all(
                i.language == language for i in items):
            # same sessions in the same order (the usual case after a turn): relabel only
            for item, session in zip(items, sessions, strict=True):
                item.relabel(session)
            self._select(sessions, current)
            return
        await self.clear()
        items = [SessionItem(s, language) for s in sessions]
        if items:
            await self.extend(items)
        self._select(sessions, current)

    def _select(self, sessions: list[SessionRow], current: int | None) -> None:
        for index, session in enumerate(sessions):
            if session.id == current:
                self.index = index
                break
        else:
            self.index = None
