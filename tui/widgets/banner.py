"""Notices shown above the chat (first-run notice, crisis banner).

They never take focus: the message box keeps it. A banner with a folded form (the
first-run notice) folds to that one line when dismissed (Ctrl+G, a click) and hides on
the next dismissal; the others hide at once.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Static


class Banner(Static, can_focus=False):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.text = ""
        self.folded_text = ""

    def show_text(self, text: str, hint: str = "", folded: str = "") -> None:
        """Show `text` in full; `folded`: the one line it folds to once read."""
        self.text, self.folded_text = text, folded
        self.remove_class("-folded")
        self.update(text)
        self.border_subtitle = hint
        self.display = True

    @property
    def folded(self) -> bool:
        return self.has_class("-folded")

    def fold(self) -> None:
        """Down to its one line (hidden when it has none)."""
        if not self.folded_text:
            self.dismiss()
            return
        self.add_class("-folded")
        self.update(self.folded_text)
        self.border_subtitle = ""

    def dismiss(self) -> None:
        if self.display and self.folded_text and not self.folded:
            self.fold()
        else:
            self.display = False

    def on_click(self, event: events.Click) -> None:
        self.dismiss()
