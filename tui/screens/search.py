"""Search every session (the store's full-text search) and pick a hit to open it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from soulchat_local.store import SearchHit, Store

from ..i18n import t
from ..widgets.message import local_time


def hit_label(hit: SearchHit, language: str) -> Content:
    """Title and date on one line, the snippet (matches in [brackets]) under it."""
    head = f"{hit.session_title or t('sessions.untitled', language)} · {local_time(hit.created)}"
    return Content.assemble((head, "bold"), "\n", hit.snippet)


class SearchModal(ModalScreen[SearchHit | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, store: Store, language: str) -> None:
        super().__init__(classes="modal")
        self.store = store
        self.language = language
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(t("search.title", self.language), classes="dialog-title")
            yield Input(placeholder=t("search.placeholder", self.language), id="query")
            yield Static("", id="search-count")
            yield OptionList(id="hits")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            return
        self.hits = self.store.search(event.value)
        hits = self.query_one("#hits", OptionList)
        hits.clear_options()
        hits.add_options([Option(hit_label(h, self.language)) for h in self.hits])
        count = self.query_one("#search-count", Static)
        if self.hits:
            count.update(t("search.count", self.language, n=len(self.hits)))
            hits.highlighted = 0
            hits.focus()
        else:
            count.update(t("search.none", self.language))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
