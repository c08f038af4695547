"""Keys that change only what is shown: copy a reply, the sidebar, earlier messages.

Part of SoulChatApp (tui/app.py holds the state these methods use).
"""

from __future__ import annotations

from .i18n import t
from .widgets.message import MessageView


class ViewActions:
    def action_copy(self) -> None:
        focused = self.focused
        if isinstance(focused, MessageView):
            view = focused
        else:
            replies = [v for v in self.chat.views() if v.role == "assistant"]
            view = replies[-1] if replies else None
        if view is None or not view.text:
            self.notify(t("notice.nothing_to_copy", self.language), severity="warning")
            return
        self.copy_to_clipboard(view.text)
        self.notify(t("notice.copied", self.language, n=len(view.text)))

    def action_toggle_sidebar(self) -> None:
        sidebar = self.chat.query_one("#sidebar")
        sidebar.display = not sidebar.display

    async def action_show_earlier(self) -> None:
        await self.chat.show_earlier()

    def action_toggle_thinking(self) -> None:
        """Unfold (or fold again) the thinking of every reply of a reasoning model."""
        self.chat.show_thinking = not self.chat.show_thinking
        for view in self.chat.views():
            view.show_thinking(self.chat.show_thinking)
