"""Notices shown above the chat (first-run notice, crisis banner).

They never take focus: the message box keeps it, and Ctrl+G (or a click) hides them.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Static


class Banner(Static, can_focus=False):
    def show_text(self, text: str, hint: str = "") -> None:
        self.update(text)
        self.border_subtitle = hint
        self.display = True

    def dismiss(self) -> None:
        self.display = False

    def on_click(self, event: events.Click) -> None:
        self.dismiss()
