"""Sessions: showing one, the sidebar, and the keys that act on a session (new,
search, export, rename, delete) with their boxes' answers.

Part of SoulChatApp (tui/app.py holds the state these methods use).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from soulchat_local.errors import UserError
from soulchat_local.export import export_path, write_export

from .i18n import t
from .screens.confirm import ConfirmModal
from .screens.export import ExportModal
from .screens.rename import RenameModal
from .screens.search import SearchModal
from .widgets.session_list import SessionList


class SessionActions:
    """What the app does with the history's sessions."""

    async def show_session(self, session_id: int | None, show_id: int | None = None) -> None:
        self.session_id = session_id
        self.editing = False
        rows = self.store.messages(session_id) if session_id is not None else []
        await self.chat.show_messages(rows, show_id)
        self.refresh_sidebar()
        self.chat.show_dropped(0, 0)
        self.chat.status.show(self.language, tokens_per_s=None, used=None, dropped=0)
        self.chat.chat_input.focus()

    def refresh_sidebar(self) -> None:
        self.chat.sessions.show_sessions(self.store.sessions(), self.session_id, self.language)

    async def on_session_list_picked(self, event: SessionList.Picked) -> None:
        session = event.session
        if self.busy():
            return
        if session.id != self.session_id:
            await self.show_session(session.id)
        self.chat.chat_input.focus()

    def _need_session(self) -> bool:
        if self.session_id is None:
            self.notify(t("notice.no_session", self.language), severity="warning")
            return False
        return True

    async def action_new_session(self) -> None:
        if self.busy():
            return
        await self.show_session(None)

    def action_search(self) -> None:
        self.push_screen(SearchModal(self.store, self.language), self._search_picked)

    async def _search_picked(self, hit) -> None:  # noqa: ANN001
        if hit is None:
            return
        if self.busy():
            return
        if hit.session_id != self.session_id or not any(
            v.message_id == hit.message_id for v in self.chat.views()
        ):
            await self.show_session(hit.session_id, show_id=hit.message_id)
        for view in self.chat.views():
            view.set_class(view.message_id == hit.message_id, "-hit")
            if view.message_id == hit.message_id:
                self.chat.messages.release_anchor()
                self.chat.messages.scroll_to_widget(view, animate=False, top=True)
        self.chat.chat_input.focus()

    def action_export(self) -> None:
        if self._need_session():
            self.push_screen(ExportModal(self.language), self._export_picked)

    def _export_picked(self, choice: tuple[str, str] | None) -> None:
        if choice is None or self.session_id is None:
            return
        fmt, target = choice
        try:
            path = export_path(self.store, self.session_id, fmt, target)
        except (OSError, UserError) as exc:
            self.notify(t("notice.error", self.language, error=exc), severity="error")
            return
        if path.exists():
            self.push_screen(
                ConfirmModal(
                    t("confirm.overwrite", self.language, path=path),
                    t("button.replace", self.language),
                    self.language,
                ),
                partial(self._overwrite_answered, self.session_id, fmt, target, path),
            )
            return
        self._write_export(self.session_id, fmt, path)

    def _overwrite_answered(
        self, session_id: int, fmt: str, target: str, path: Path, yes: bool | None
    ) -> None:
        if yes:
            self._write_export(session_id, fmt, path)
        else:  # back to the box, to pick another name
            self.push_screen(ExportModal(self.language, fmt, target), self._export_picked)

    def _write_export(self, session_id: int, fmt: str, path: Path) -> None:
        try:
            write_export(self.store, session_id, fmt, path)
        except (OSError, UserError) as exc:
            self.notify(t("notice.error", self.language, error=exc), severity="error")
            return
        self.notify(t("notice.exported", self.language, path=path), timeout=10)

    def action_rename(self) -> None:
        if self._need_session():
            title = self.store.session(self.session_id).title
            self.push_screen(RenameModal(title, self.language), self._renamed)

    async def _renamed(self, title: str | None) -> None:
        if title and self.session_id is not None:
            self.store.update_session(self.session_id, title=title)
            self.refresh_sidebar()
            self.notify(t("notice.renamed", self.language, title=title))

    def action_delete(self) -> None:
        if not self._need_session() or self.busy():
            return
        title = self.store.session(self.session_id).title or t("sessions.untitled", self.language)
        question = t("confirm.delete", self.language, title=title)
        self.push_screen(
            ConfirmModal(question, t("button.delete", self.language), self.language),
            partial(self._delete_confirmed, self.session_id),
        )

    async def _delete_confirmed(self, session_id: int, yes: bool | None) -> None:
        if not yes:
            return
        self.store.delete_session(session_id)
        latest = self.store.latest_session()
        await self.show_session(latest.id if latest else None)
        self.notify(t("notice.deleted", self.language))
