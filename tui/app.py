"""The Textual app: its keys, its state, start-up and shut-down. It presents and drives
the core; it never re-implements it.

The app's work is in one file per job, each a part of SoulChatApp:

    history_lock.py     opening the history: unlock screen, first run's passphrase offer
    engine_host.py      the engine thread; loading and swapping models
    turns.py            a turn from the message sent to the reply shown; stop, regenerate, edit
    frame_pacing.py     how often streamed text is drawn
    gc_freeze.py        long-lived objects out of the garbage collector's reach
    sessions.py         the sidebar; new, search, export, rename, delete
    settings_actions.py the settings box's answer; language and theme
    care.py             the first-run notice and the crisis banner
    view_actions.py     copy, sidebar, earlier messages
    footer.py           footer labels and the command palette in the app's language

Screens (screens/, one per file) and widgets (widgets/) only show and ask; the parts
above act on their answers.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker

from soulchat_local import lang
from soulchat_local.chat import TurnResult
from soulchat_local.config import Config, load_config
from soulchat_local.engine import Engine
from soulchat_local.errors import UserError
from soulchat_local.paths import Paths, get_paths
from soulchat_local.resolve import ModelRef
from soulchat_local.runtime import load_engine, open_store
from soulchat_local.store import Store

from . import cjk
from .care import Care
from .engine_host import EngineFactory, EngineHost
from .footer import FooterWords
from .frame_pacing import FramePacer
from .history_lock import HistoryLock, history_gate
from .prefs import Prefs, load_prefs
from .screens.chat import ChatScreen
from .sessions import SessionActions
from .settings_actions import THEMES, SettingsActions
from .turns import Turns
from .view_actions import ViewActions
from .widgets.message import MessageView

cjk.install()


class SoulChatApp(
    HistoryLock,
    EngineHost,
    Turns,
    SessionActions,
    SettingsActions,
    Care,
    ViewActions,
    FooterWords,
    App[int],
):
    CSS_PATH = "app.tcss"
    TITLE = "SoulChat"
    BINDINGS = [
        # not in the footer: the reply being written says "Esc stops" in its header
        Binding("escape", "stop", "Stop", priority=True, show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+n", "new_session", "New"),
        Binding("ctrl+r", "regenerate", "Regenerate"),
        Binding("ctrl+l", "edit_last", "Edit last", show=False),
        Binding("ctrl+o", "copy", "Copy reply", show=False),
        Binding("ctrl+f", "search", "Search"),
        Binding("ctrl+s", "export", "Export", show=False),
        Binding("f3", "pick_model", "Model"),
        Binding("f4", "settings", "Settings"),
        Binding("f2", "rename", "Rename", show=False),
        Binding("f8", "delete", "Delete", show=False),
        Binding("ctrl+b", "toggle_sidebar", "Sidebar", show=False),
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False),
        Binding("ctrl+g", "dismiss_banner", "Dismiss banner", show=False),
        # the folded thinking's own line says "F5 shows it"
        Binding("f5", "toggle_thinking", "Thinking", show=False),
    ]

    def __init__(
        self,
        *,
        model: str | None = None,
        session: int | None = None,
        new: bool = False,
        engine: Engine | None = None,
        engine_factory: EngineFactory | None = None,
        paths: Paths | None = None,
        config: Config | None = None,
        language: str | None = None,
    ) -> None:
        super().__init__()
        self.paths = paths or get_paths()
        self.config = config or load_config(self.paths.config_file)
        self.prefs: Prefs = load_prefs(self.paths)
        self.language = language or self.prefs.language or lang.language()
        # the history (history_lock.py): opened now unless a passphrase is to be asked
        self.gate = history_gate(self.paths, self.prefs)
        self.store: Store | None = None if self.gate else open_store(self.paths)
        self.wanted_session = (session, new)
        self.session_id = None if self.gate else self._initial_session(session, new)
        self.start_error: UserError | None = None  # raised by run_app once the app is gone
        self.model_spec = model
        # the model (engine_host.py)
        self.engine: Engine | None = engine
        self.engine_factory: EngineFactory = engine_factory or (
            lambda ref: load_engine(ref, self.config)
        )
        self.model_ref: ModelRef | None = None
        self.loading = False
        self.engine_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")
        # the turn (turns.py)
        self.generating = False
        self.editing = False
        self.stop_event = threading.Event()
        self.pending: tuple[str, str] | None = None  # (kind, text) waiting for the model
        self.reply_view: MessageView | None = None
        self.last_result: TurnResult | None = None
        self.pacer: FramePacer | None = None
        self._turn_worker: Worker | None = None

    def _initial_session(self, session: int | None, new: bool) -> int | None:
        if session is not None:
            return self.store.session(session).id
        if new:
            return None
        latest = self.store.latest_session()
        return latest.id if latest else None

    # -- start-up ----------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        return ChatScreen(self.language)

    @property
    def chat(self) -> ChatScreen:
        return self.screen_stack[0]  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.theme = self.prefs.theme or THEMES["dark"]

    async def on_chat_screen_ready(self, event: ChatScreen.Ready) -> None:
        self.localize_bindings()
        await self.open_history()

    async def start_chat(self) -> None:
        """The history is open: show it, and get the model ready."""
        await self.show_session(self.session_id)
        self.show_first_run_notice()
        self.start_engine()

    # -- keys ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Bindings do not change with a turn: redrawing the footer at the start and end
        # of every reply costs the model more time than the dimmed keys are worth; keys
        # that cannot act while a reply is written say so instead.
        if self.store is None:  # the history is not open yet
            return action == "quit"
        if action == "stop":
            return isinstance(self.screen, ChatScreen)
        return True

    # -- shut-down -----------------------------------------------------------------------
    async def action_quit(self) -> None:
        """Stop a reply being written (it is kept, marked stopped), then leave."""
        if self.generating and self._turn_worker is not None:
            self.stop_event.set()
            await self._turn_worker.wait()
        self.exit(0)

    def on_unmount(self) -> None:
        self.close_engine()
        if self.store is not None:
            self.store.close()


def run_app(model: str | None = None, session: int | None = None, new: bool = False) -> int:
    """Open the app (`soulchat`, `soulchat chat`); returns the exit code."""
    app = SoulChatApp(model=model, session=session, new=new)
    result = app.run()
    if app.start_error is not None:
        raise app.start_error
    return int(result or 0)
