"""One message of the conversation: a header line and the text.

Replies render as Markdown. While a reply streams, text arrives through `feed()` (any
thread; it only appends to a list) and is handed to the screen once per frame by
`flush()`: all tokens of a frame go in one append, and an append re-renders only the
open chunk at the end of the message and repaints the lines that changed (see
markdown_text.py), never the whole message.

A reasoning model's thinking (`feed_thinking()`, flushed the same way) sits above the reply,
folded to one line that counts it and names the key that unfolds it (F5, every reply at
once); a click unfolds or folds one.
"""

from __future__ import annotations

import threading
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ..i18n import t
from .markdown_text import MarkdownText


def local_time(stamp: str) -> str:
    """'2026-11-26T08:22:01.123+00:00' -> '2026-11-26 08:22' in the local time zone."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp[:16].replace("T", " ")


class MessageView(Vertical, can_focus=True):
    """A message; focusable so that it can be selected and copied."""

    def __init__(
        self,
        role: str,
        content: str,
        *,
        language: str,
        created: str = "",
        state: str = "done",  # "done", "writing", "stopped", "error"
        message_id: int | None = None,
        reserve: int = 0,  # lines kept for a reply about to stream in
        thinking: str = "",  # a reasoning model's thinking before this reply
        thinking_shown: bool = False,  # unfolded
    ) -> None:
        super().__init__(classes=f"message {role}")
        self.reserve = reserve
        self.role = role
        self.language = language
        self.created = created
        self.state = state
        self.message_id = message_id
        self._text = content
        self._pending: list[str] = []
        self._thinking = thinking
        self._pending_thinking: list[str] = []
        self._thinking_shown = thinking_shown
        self._lock = threading.Lock()
        if message_id is not None:
            self.id = f"message-{message_id}"

    # -- composing ---------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self.header_text(), classes="message-header", markup=False)
        if self.role == "assistant" and (self._thinking or self.state == "writing"):
            fold = Static(self.thinking_text(), classes="message-thinking", markup=False)
            fold.display = bool(self._thinking)
            yield fold
        if self.role == "assistant":
            yield MarkdownText(self._text, reserve=self.reserve, classes="message-body")
        else:
            yield Static(self._text, classes="message-body", markup=False)

    def header_text(self) -> str:
        parts = [t(f"role.{self.role}", self.language)]
        if self.created:
            parts.append(local_time(self.created))
        if self.state == "writing":
            parts.append(t("message.writing", self.language))
        elif self.state == "stopped":
            parts.append("■ " + t("message.stopped", self.language))
        elif self.state == "error":
            parts.append("✗ " + t("message.error", self.language))
        return " · ".join(parts)

    def thinking_text(self) -> str:
        thinking = self._thinking
        if self._thinking_shown:
            return f"{t('thinking.open', self.language)}\n{thinking}"
        key = (
            "thinking.writing" if self.state == "writing" and not self._text else "thinking.folded"
        )
        return t(key, self.language, n=len(thinking))

    @property
    def thinking(self) -> str:
        with self._lock:
            return self._thinking + "".join(self._pending_thinking)

    @property
    def text(self) -> str:
        with self._lock:
            return self._text + "".join(self._pending)

    def set_state(
        self, state: str, *, created: str | None = None, message_id: int | None = None
    ) -> None:
        self.state = state
        self.set_class(state == "stopped", "-stopped")
        self.set_class(state == "writing", "-writing")
        if created is not None:
            self.created = created
        if message_id is not None and self.message_id is None:
            self.message_id = message_id
            self.id = f"message-{message_id}"
        if self.is_mounted:
            self.query_one(".message-header", Static).update(self.header_text())
            self._show_thinking_text()

    def relabel(self, language: str) -> None:
        self.language = language
        self.query_one(".message-header", Static).update(self.header_text())
        self._show_thinking_text()

    # -- the thinking --------------------------------------------------------------
    def show_thinking(self, shown: bool) -> None:
        """Unfold (True) or fold the thinking."""
        self._thinking_shown = shown
        self._show_thinking_text()

    def set_thinking(self, thinking: str) -> None:
        """Show `thinking` as the whole of it (the stored one, at the end of a turn)."""
        with self._lock:
            self._pending_thinking.clear()
            self._thinking = thinking
        self._show_thinking_text()

    def on_click(self, event) -> None:  # noqa: ANN001
        widget = getattr(event, "widget", None)
        if widget is not None and widget.has_class("message-thinking"):
            self.show_thinking(not self._thinking_shown)

    def _show_thinking_text(self) -> None:
        if not self.is_mounted:
            return
        folds = self.query(".message-thinking")
        if not folds:
            return
        fold = folds.first(Static)
        fold.display = bool(self._thinking)
        if self._thinking:
            fold.update(self.thinking_text())

    # -- streaming ---------------------------------------------------------------
    def feed(self, piece: str) -> None:
        """Queue generated text; safe to call from the generation thread."""
        with self._lock:
            self._pending.append(piece)

    def feed_thinking(self, piece: str) -> None:
        """Queue generated thinking; safe to call from the generation thread."""
        with self._lock:
            self._pending_thinking.append(piece)

    def flush(self) -> None:
        """Hand the text queued since the last frame to the Markdown widget."""
        with self._lock:
            thought = "".join(self._pending_thinking)
            self._pending_thinking.clear()
            self._thinking += thought
            answer_starts = bool(self._pending) and not self._text
        if thought or answer_starts:
            self._show_thinking_text()
        with self._lock:
            if not self._pending:
                return
            chunk = "".join(self._pending)
            self._pending.clear()
            self._text += chunk
        if self.role == "assistant":
            self.query_one(MarkdownText).append(chunk)
        else:
            self.query_one(".message-body", Static).update(self._text)

    def end_stream(self) -> None:
        self.flush()
        if self.role == "assistant":
            self.query_one(MarkdownText).settle()

    def replace_text(self, text: str) -> None:
        """Show `text` as the whole message (when the stored reply differs)."""
        with self._lock:
            self._pending.clear()
            self._text = text
        if self.role == "assistant":
            self.query_one(MarkdownText).set_text(text)
        else:
            self.query_one(".message-body", Static).update(text)
