"""The message box: Enter sends, Shift+Enter / Ctrl+J / Alt+Enter insert a new line.

Many terminals send the same code for Enter and Shift+Enter. There, ending a line with a
backslash and pressing Enter inserts the new line instead of sending (the backslash
goes away), and Ctrl+J works everywhere (it is a different byte from Enter).
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea

NEWLINE_KEYS = ("shift+enter", "ctrl+j", "alt+enter", "newline")


class ChatInput(TextArea):
    BINDINGS = [
        Binding("enter", "submit", "Send", key_display="Enter"),
        Binding("shift+enter,ctrl+j", "newline", "New line", key_display="Shift+Enter"),
    ]

    class Submitted(Message):
        def __init__(self, chat_input: ChatInput, text: str) -> None:
            super().__init__()
            self.chat_input = chat_input
            self.text = text

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(soft_wrap=True, show_line_numbers=False, tab_behavior="focus",
                         compact=True, highlight_cursor_line=False, **kwargs)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.action_submit()
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.action_newline()
            return
        await super()._on_key(event)

    def action_newline(self) -> None:
        self.insert("\n")

    def action_submit(self) -> None:
        row, column = self.cursor_location
        line = self.document.get_line(row)
        if column > 0 and line[:column].endswith("\\") and self.selection.is_empty:
            # The fallback for terminals where Shift+Enter arrives as Enter.
            self.replace("\n", (row, column - 1), (row, column))
            return
        text = self.text
        if not text.strip():
            return
        self.post_message(self.Submitted(self, text))
