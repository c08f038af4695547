"""The main screen: sessions on the left, the conversation, the message box, the status."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Static

from soulchat_local.store import MessageRow

from ..i18n import t
from ..widgets.banner import Banner
from ..widgets.chat_input import ChatInput
from ..widgets.markdown_text import RESERVE_LINES
from ..widgets.message import MessageView
from ..widgets.session_list import SessionList
from ..widgets.status_bar import StatusBar

WINDOW = 40  # messages mounted at a time
# what a reply's room leaves on screen above it: the user's message, headers, margins
ABOVE_REPLY = 8


class ChatScreen(Screen):
    AUTO_FOCUS = "#input"

    class Ready(Message):
        """The screen is composed: the app can fill it."""

    def __init__(self, language: str) -> None:
        super().__init__(id="chat-screen")
        self.language = language
        self.hidden: list[MessageRow] = []  # older messages not mounted yet
        self.show_thinking = False  # reasoning models' thinking: folded until F5

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

    async def show_messages(self, rows: list[MessageRow], show_id: int | None = None) -> None:
        """Show the last WINDOW messages (from `show_id` on when that is older); the rest
        wait behind a button. Every mounted message costs layout time on every frame of
        a streaming reply, so a long history is not mounted all at once."""
        await self.messages.remove_children()
        rows = [row for row in rows if row.role in ("user", "assistant")]
        start = max(0, len(rows) - WINDOW)
        ids = [row.id for row in rows]
        if show_id in ids:
            start = min(start, max(0, ids.index(show_id) - 2))
        self.hidden = rows[:start]
        widgets: list[Widget] = []
        if self.hidden:
            widgets.append(Button(self.earlier_label(), id="earlier", classes="earlier"))
        widgets += [self.view_of(row) for row in rows[start:]]
        if widgets:
            await self.messages.mount_all(widgets)
        self.messages.scroll_end(animate=False)
        self.messages.anchor()

    def view_of(self, row: MessageRow) -> MessageView:
        return MessageView(
            row.role,
            row.content,
            language=self.language,
            created=row.created,
            state="stopped" if row.partial else "done",
            message_id=row.id,
            thinking=row.thinking,
            thinking_shown=self.show_thinking,
        )

    def earlier_label(self) -> str:
        return t("sessions.earlier", self.language, n=len(self.hidden))

    async def show_earlier(self) -> None:
        if not self.hidden:
            return
        batch, self.hidden = self.hidden[-WINDOW:], self.hidden[:-WINDOW]
        button = self.query_one("#earlier", Button)
        self.messages.release_anchor()
        await self.messages.mount_all([self.view_of(row) for row in batch], after=button)
        if self.hidden:
            button.label = self.earlier_label()
        else:
            await button.remove()
        self.chat_input.focus()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "earlier":
            event.stop()
            await self.show_earlier()

    def reply_room(self) -> int:
        """Lines a new reply keeps free from the start: the rest of the screen below the
        user's message. The text fills that room without moving the view (or needing a
        layout); the view moves only once the reply outgrows the screen."""
        return max(RESERVE_LINES, self.messages.scrollable_content_region.height - ABOVE_REPLY)

    async def add_views(self, *views: MessageView) -> None:
        await self.messages.mount_all(views)
        self.messages.anchor()

    async def remove_from(self, view: MessageView) -> None:
        """Remove `view` and every message after it."""
        views = self.views()
        doomed = views[views.index(view) :]
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
        if self.hidden:
            self.query_one("#earlier", Button).label = self.earlier_label()
        self.status.show(language)
