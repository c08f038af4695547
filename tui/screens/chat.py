"""The main screen: sessions on the left, the conversation, the message box, the status."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from soulchat_local.store import MessageRow

from ..i18n import t
from ..widgets.banner import Banner
from ..widgets.chat_input import ChatInput
from ..widgets.message import MessageView
from ..widgets.session_list import SessionList
from ..widgets.status_bar import StatusBar


class ChatScreen(Screen):
    AUTO_FOCUS = "#input"

    class Ready(Message):
        """The screen is composed: the app can fill it."""

    def __init__(self, language: str) -> None:
        super().__init__(id="chat-screen")
        self.language = language

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="sidebar"):
                yield Static(t("sessions.title", self.language), id="sidebar-title")
                yield SessionList(id="sessions")
            with Vertical(id="chat"):
                yield Banner("", id="notice", markup=False)
                yield Banner("", id="crisis", markup=False)
                yield VerticalScroll(id="messages", can_focus=False)
                yield Static("", id="dropped-note", markup=False)
                yield ChatInput(id="input", placeholder=t("input.placeholder", self.language))
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        for banner_id in ("#notice", "#crisis", "#dropped-note"):
            self.query_one(banner_id).display = False
        self.query_one("#messages", VerticalScroll).anchor()
        self.post_message(self.Ready())

    # -- what the app calls ---------------------------------------------------------
    @property
    def messages(self) -> VerticalScroll:
        return self.query_one("#messages", VerticalScroll)

    @property
    def chat_input(self) -> ChatInput:
        return self.query_one("#input", ChatInput)

    @property
    def status(self) -> StatusBar:
        return self.query_one("#status", StatusBar)

    @property
    def sessions(self) -> SessionList:
        return self.query_one("#sessions", SessionList)

    def banner(self, name: str) -> Banner:
        return self.query_one(f"#{name}", Banner)

    def views(self) -> list[MessageView]:
        return list(self.messages.query_children(MessageView))

    async def show_messages(self, rows: list[MessageRow]) -> None:
        await self.messages.remove_children()
        views = [
            MessageView(
                row.role, row.content, language=self.language, created=row.created,
                state="stopped" if row.partial else "done", message_id=row.id,
            )
            for row in rows if row.role in ("user", "assistant")
        ]
        if views:
            await self.messages.mount_all(views)
        self.messages.scroll_end(animate=False)
        self.messages.anchor()

    async def add_view(self, view: MessageView) -> None:
        await self.messages.mount(view)
        self.messages.anchor()

    async def remove_from(self, view: MessageView) -> None:
        """Remove `view` and every message after it."""
        views = self.views()
        doomed = views[views.index(view):]
        await self.messages.remove_children(doomed)

    def show_dropped(self, dropped: int, n_ctx: int) -> None:
        note = self.query_one("#dropped-note", Static)
        note.display = dropped > 0
        if dropped:
            note.update("⚠ " + t("note.dropped", self.language, n=dropped, n_ctx=n_ctx))

    def relabel(self, language: str) -> None:
        self.language = language
        self.query_one("#sidebar-title", Static).update(t("sessions.title", language))
        self.chat_input.placeholder = t("input.placeholder", language)
        for view in self.views():
            view.relabel(language)
        self.status.show(language)
