"""The Textual app. It presents and drives the core; it never re-implements it.

Turns go through soulchat_local.chat.Conversation in a thread worker (llama.cpp blocks);
generated text is queued on the reply's widget and handed to the screen once per frame.
Sessions, search and renaming go through the Store, export through soulchat_local.export,
models through resolve_model and an engine factory (runtime.load_engine by default),
notices and banners through soulchat_local.safety.
"""

from __future__ import annotations

import asyncio
import gc
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker

from soulchat_local import lang, safety
from soulchat_local.catalogue import DEMO_MODEL, demo_model_path
from soulchat_local.chat import Conversation, TurnResult
from soulchat_local.config import Config, Sampling, load_config
from soulchat_local.engine import Engine
from soulchat_local.errors import UserError
from soulchat_local.paths import Paths, get_paths
from soulchat_local.registry import Registry
from soulchat_local.resolve import ModelRef, resolve_model
from soulchat_local.runtime import load_engine, open_store, sampling_with

from . import cjk
from .care import LINES_KEY, Care
from .i18n import t
from .prefs import Prefs, load_prefs, save_prefs
from .screens.chat import ChatScreen
from .screens.confirm import ConfirmModal
from .screens.export import ExportModal, write_export
from .screens.model_picker import ModelPicker
from .screens.no_model import NoModelScreen
from .screens.rename import RenameModal
from .screens.search import SearchModal
from .screens.settings import SettingsModal, SettingsResult
from .widgets.message import MessageView
from .widgets.session_list import SessionList

cjk.install()

EngineFactory = Callable[[ModelRef], Engine]
# Streamed text is handed to the screen every FRAME_S at most; when the screen's work
# (layout, painting) takes more than a budget of the UI thread's time, the interval
# stretches (up to FRAME_MAX_S). Where llama.cpp's threads occupy every core, each ms the
# UI works is a ms taken from them (on 2 cores, UI work of 5% of a reply made it ~5%
# slower: tests/tui/bench_tui.py), so the budget is small there and larger where a core
# is left over.
FRAME_S = 1 / 10
FRAME_MAX_S = 0.5
UI_BUDGET_SHARED_CORES = 0.025
UI_BUDGET_SPARE_CORE = 0.10
THEMES = {"dark": "textual-dark", "light": "textual-light"}

# action -> (footer label key, command palette help key)
ACTIONS = {
    "stop": ("bind.stop", "help.stop"),
    "new_session": ("bind.new", "help.new"),
    "regenerate": ("bind.regenerate", "help.regenerate"),
    "edit_last": ("bind.edit", "help.edit"),
    "copy": ("bind.copy", "help.copy"),
    "search": ("bind.search", "help.search"),
    "export": ("bind.export", "help.export"),
    "rename": ("bind.rename", "help.rename"),
    "delete": ("bind.delete", "help.delete"),
    "pick_model": ("bind.model", "help.model"),
    "settings": ("bind.settings", "help.settings"),
    "toggle_sidebar": ("bind.sidebar", "help.sidebar"),
    "toggle_theme": ("bind.theme", "help.theme"),
    "dismiss_banner": ("bind.dismiss", "help.dismiss"),
    "crisis_lines": ("bind.crisis", "help.crisis"),
    "show_earlier": ("bind.earlier", "help.earlier"),
}
OTHER_LABELS = {
    "submit": "bind.send", "newline": "bind.newline", "quit": "bind.quit",
    "app.rename": "bind.rename", "app.delete": "bind.delete",
}


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class SoulChatApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "SoulChat"
    BINDINGS = [
        # not in the footer: the reply being written says "Esc stops" in its header
        Binding("escape", "stop", "Stop", priority=True, show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        # crisis lines are always one key away, whatever the detector said
        Binding(LINES_KEY.lower(), "crisis_lines", "Crisis lines", priority=True),
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
        self.store = open_store(self.paths)
        self.care = Care(self)
        self.model_spec = model
        self.session_id = self._initial_session(session, new)
        self.engine: Engine | None = engine
        self.engine_factory: EngineFactory = engine_factory or (
            lambda ref: load_engine(ref, self.config)
        )
        self.model_ref: ModelRef | None = None
        self.loading = False
        self.generating = False
        self.editing = False
        self.stop_event = threading.Event()
        self.pending: tuple[str, str] | None = None  # (kind, text) waiting for the model
        self.reply_view: MessageView | None = None
        self.last_result: TurnResult | None = None
        self._frame_timer = None
        self._turn_worker: Worker | None = None
        self.engine_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")

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
        await self.show_session(self.session_id)
        self.care.show_first_run_notice()
        self.start_engine()

    def start_engine(self, spec: str | None = None) -> None:
        """Use the injected engine, or resolve the model and load it in the background."""
        if self.engine is not None and spec is None:
            self.call_later(self._engine_ready, self.engine)
            return
        try:
            ref = resolve_model(spec or self.model_spec, self.config, self.paths)
        except UserError as exc:
            if self.installed_models():
                self.push_screen(
                    ModelPicker(self.installed_models(), None, self.language, note=str(exc)),
                    self._model_picked,
                )
            else:
                self.push_screen(NoModelScreen(str(exc), self.language))
            self.chat.status.show(self.language, model="", loading=False)
            return
        self.model_ref = ref
        self.loading = True
        self.chat.status.show(self.language, model=ref.name, loading=True)
        self.run_worker(self.in_engine_thread(partial(self._load_thread, ref)), group="load",
                        exit_on_error=False)

    async def in_engine_thread(self, work: Callable[[], object]) -> object:
        """Run `work` in the one thread that talks to the model.

        Every load and turn runs in the same OS thread: llama.cpp's CPU thread pool
        (OpenMP) belongs to the thread that calls it, and a new calling thread per turn
        would leave the earlier pools competing for the cores.
        """
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.engine_thread, work)

    def _load_thread(self, ref: ModelRef) -> None:
        try:
            engine = self.engine_factory(ref)
        except Exception as exc:  # noqa: BLE001 - shown to the user, the app stays usable
            self.call_from_thread(self._engine_failed, ref, exc)
            return
        self.call_from_thread(self._engine_ready, engine)

    async def _engine_ready(self, engine: Engine) -> None:
        old, self.engine = self.engine, engine
        if old is not None and old is not engine:
            self.engine_thread.submit(old.close)
        self.loading = False
        if not gc.get_freeze_count():
            # What is alive now (Textual, the screen, the model) lives as long as the
            # app: out of the cyclic collector's reach, a full collection no longer walks
            # it, which took ~40 ms of the UI thread (so of the model's cores) per reply.
            gc.collect()
            gc.freeze()
        self.chat.status.show(self.language, model=engine.name, backend=engine.backend,
                              loading=False, n_ctx=engine.n_ctx)
        self.refresh_bindings()
        if self.pending is not None:
            kind, text = self.pending
            self.pending = None
            await self.start_turn(kind, text)

    def _engine_failed(self, ref: ModelRef, exc: Exception) -> None:
        self.loading = False
        self.chat.status.show(self.language, model="", loading=False)
        self.push_screen(NoModelScreen(f"{ref.name}: {exc}", self.language, "loaderror.title"))

    def installed_models(self) -> list[str]:
        names = sorted(Registry(self.paths).load())
        if DEMO_MODEL not in names and demo_model_path() is not None:
            names.append(DEMO_MODEL)
        return names

    # -- sessions ----------------------------------------------------------------------
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

    # -- turns -------------------------------------------------------------------------
    def sampling(self) -> Sampling:
        settings = self.store.session(self.session_id).settings if self.session_id else {}
        return sampling_with(
            self.config.sampling,
            temperature=settings.get("temperature"),
            top_p=settings.get("top_p"),
            max_tokens=settings.get("max_tokens"),
        )

    @property
    def persona(self) -> str:
        return self.model_ref.system_prompt if self.model_ref else "counsellor"

    def conversation(self) -> Conversation:
        assert self.engine is not None
        return Conversation(
            self.store, self.engine, self.session_id, sampling=self.sampling(),
            language=self.language, region=self.config.care.region, persona=self.persona,
        )

    async def on_chat_input_submitted(self, event) -> None:  # noqa: ANN001
        if self.busy():
            return
        kind = "edit" if self.editing else "send"
        event.chat_input.clear()
        self.set_editing(False)
        await self.begin_turn(kind, event.text)

    async def begin_turn(self, kind: str, text: str = "") -> None:
        """Show the user's message at once; generate now, or when the model is ready."""
        self.generating = True  # no second turn while this one's help is laid out
        try:
            await self.care.before_turn(kind, text)
        finally:
            self.generating = False
        screen = self.chat
        views = screen.views()
        if kind in ("edit", "regenerate"):
            users = [v for v in views if v.role == "user"]
            if users:
                anchor = users[-1]
                if kind == "regenerate":
                    later = views[views.index(anchor) + 1:]
                    if later:
                        await screen.remove_from(later[0])
                else:
                    await screen.remove_from(anchor)
        user = None
        if kind in ("send", "edit"):
            user = MessageView("user", text, language=self.language, created=now_iso())
        if self.engine is None:
            if user is not None:
                await screen.add_views(user)
            if self.loading:
                self.pending = (kind, text)
                self.notify(t("notice.queued", self.language))
            else:
                self.start_engine()
            return
        await self.start_turn(kind, text, user)

    async def start_turn(self, kind: str, text: str, user: MessageView | None = None) -> None:
        self.generating = True
        self.stop_event = threading.Event()
        view = MessageView("assistant", "", language=self.language, state="writing",
                           reserve=self.chat.reply_room())
        self.reply_view = view
        # the user's message and the reply's frame go in with one layout, not several
        with self.batch_update():
            await self.chat.add_views(*(v for v in (user, view) if v is not None))
            self.chat.show_dropped(0, 0)
        self._frame_s = FRAME_S
        spare_core = (os.cpu_count() or 1) > self.engine.threads
        self._ui_budget = UI_BUDGET_SPARE_CORE if spare_core else UI_BUDGET_SHARED_CORES
        self._frame_clock = (time.perf_counter(), time.thread_time())
        self._frame_timer = self.set_timer(FRAME_S, self._flush_frame)
        # a blinking cursor repaints the input twice a second: not while the model writes
        self.chat.chat_input.cursor_blink = False
        self._turn_worker = self.run_worker(
            self.in_engine_thread(
                partial(self._turn_thread, kind, text, view, self.stop_event)),
            group="turn", exit_on_error=False,
        )

    def _flush_frame(self) -> None:
        if self.reply_view is None or self._frame_timer is None:
            return
        if self.reply_view.is_mounted:
            self.reply_view.flush()
        wall, cpu = time.perf_counter(), time.thread_time()  # this is the UI's thread
        busy = (cpu - self._frame_clock[1]) / max(wall - self._frame_clock[0], 1e-6)
        self._frame_clock = (wall, cpu)
        if busy > self._ui_budget:
            self._frame_s = min(FRAME_MAX_S, self._frame_s * 1.5)
        else:
            self._frame_s = max(FRAME_S, self._frame_s / 1.2)
        self._frame_timer = self.set_timer(self._frame_s, self._flush_frame)

    def _turn_thread(self, kind: str, text: str, view: MessageView,
                     stop: threading.Event) -> None:
        conversation = self.conversation()

        def assessed(assessment: safety.Assessment, resources: list) -> None:  # noqa: ANN001
            self.call_from_thread(self.care.show_help, assessment)

        hooks = dict(on_text=view.feed, stop=stop, on_assessed=assessed)
        try:
            if kind == "regenerate":
                result = conversation.regenerate(**hooks)
            elif kind == "edit":
                result = conversation.edit_last(text, **hooks)
            else:
                result = conversation.send(text, **hooks)
        except Exception as exc:  # noqa: BLE001 - shown in the reply; the turn is kept
            self.call_from_thread(self._turn_failed, view, exc, conversation.session_id)
            return
        self.call_from_thread(self._turn_done, view, result)

    def _end_stream(self, view: MessageView) -> None:
        if self._frame_timer is not None:
            self._frame_timer.stop()
            self._frame_timer = None
        if view.is_mounted:
            view.end_stream()

    async def _turn_done(self, view: MessageView, result: TurnResult) -> None:
        try:
            self._end_stream(view)
            row = next((m for m in self.store.messages(result.session_id)
                        if m.id == result.reply_id), None)
            if view.is_mounted:
                if view.text != result.reply:
                    view.replace_text(result.reply)
                view.set_state("stopped" if result.stopped else "done",
                               created=row.created if row else now_iso(),
                               message_id=result.reply_id)
            self.last_result = result
            self.session_id = result.session_id
            prompt = result.prompt
            self.chat.status.show(
                self.language, tokens_per_s=result.stats.tokens_per_s, used=prompt.used,
                n_ctx=prompt.n_ctx, dropped=prompt.dropped_turns,
            )
            self.chat.show_dropped(prompt.dropped_turns, prompt.n_ctx)
        finally:
            self._turn_over()
        self.refresh_sidebar()

    async def _turn_failed(self, view: MessageView, exc: Exception,
                           session_id: int | None) -> None:
        self._end_stream(view)
        if view.is_mounted:
            view.set_state("error")
        self.session_id = session_id
        self.notify(t("notice.error", self.language, error=exc), severity="error", timeout=10)
        self._turn_over()
        self.refresh_sidebar()

    def _turn_over(self) -> None:
        self.generating = False
        self.reply_view = None
        self._turn_worker = None
        self.chat.chat_input.cursor_blink = True

    # -- actions -------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Bindings do not change with a turn: redrawing the footer at the start and end
        # of every reply costs the model more time than the dimmed keys are worth; keys
        # that cannot act while a reply is written say so instead.
        if action == "stop":
            return isinstance(self.screen, ChatScreen)
        return True

    def busy(self) -> bool:
        """True (and the user told so) while a reply is being written."""
        if self.generating:
            self.notify(t("notice.busy", self.language), severity="warning")
        return self.generating

    def action_stop(self) -> None:
        if self.generating:
            self.stop_event.set()
        elif self.editing:
            self.chat.chat_input.clear()
            self.set_editing(False)

    async def action_new_session(self) -> None:
        if self.busy():
            return
        await self.show_session(None)

    async def action_regenerate(self) -> None:
        if self.busy():
            return
        views = self.chat.views()
        if self.session_id is None or not any(v.role == "user" for v in views):
            self.notify(t("notice.nothing_to_regenerate", self.language), severity="warning")
            return
        await self.begin_turn("regenerate")

    def action_edit_last(self) -> None:
        if self.busy():
            return
        users = [v for v in self.chat.views() if v.role == "user"]
        if not users:
            self.notify(t("notice.nothing_to_edit", self.language), severity="warning")
            return
        box = self.chat.chat_input
        box.text = users[-1].text
        box.move_cursor(box.document.end)
        box.focus()
        self.set_editing(True)

    def set_editing(self, editing: bool) -> None:
        self.editing = editing
        box = self.chat.chat_input
        box.set_class(editing, "-editing")
        box.border_title = t("input.editing", self.language) if editing else None

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

    def action_search(self) -> None:
        self.push_screen(SearchModal(self.store, self.language), self._search_picked)

    async def _search_picked(self, hit) -> None:  # noqa: ANN001
        if hit is None:
            return
        if self.busy():
            return
        if hit.session_id != self.session_id or not any(
                v.message_id == hit.message_id for v in self.chat.views()):
            await self.show_session(hit.session_id, show_id=hit.message_id)
        for view in self.chat.views():
            view.set_class(view.message_id == hit.message_id, "-hit")
            if view.message_id == hit.message_id:
                self.chat.messages.release_anchor()
                self.chat.messages.scroll_to_widget(view, animate=False, top=True)
        self.chat.chat_input.focus()

    def _need_session(self) -> bool:
        if self.session_id is None:
            self.notify(t("notice.no_session", self.language), severity="warning")
            return False
        return True

    def action_export(self) -> None:
        if self._need_session():
            self.push_screen(ExportModal(self.language), self._export_picked)

    def _export_picked(self, choice: tuple[str, str] | None) -> None:
        if choice is None or self.session_id is None:
            return
        fmt, target = choice
        try:
            path = write_export(self.store, self.session_id, fmt, target)
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

    def action_pick_model(self) -> None:
        current = self.engine.name if self.engine else None
        self.push_screen(ModelPicker(self.installed_models(), current, self.language),
                         self._model_picked)

    def _model_picked(self, name: str | None) -> None:
        if not name or (self.engine is not None and name == self.engine.name):
            return
        if self.busy():
            return
        self.model_spec = name
        self.start_engine(name)

    def action_settings(self) -> None:
        stored = self.store.session(self.session_id).system_prompt if self.session_id else None
        self.push_screen(
            SettingsModal(stored or self.persona, self.sampling(), self.language),
            self._settings_saved,
        )

    async def _settings_saved(self, result: SettingsResult | None) -> None:
        if result is None:
            return
        if self.session_id is None:
            model = self.engine.name if self.engine else (self.model_spec or "")
            self.session_id = self.store.create_session(model)
        self.store.update_session(self.session_id, system_prompt=result.system_prompt,
                                  settings=result.sampling)
        if result.language != self.language:
            self.set_language(result.language)
        self.refresh_sidebar()
        self.notify(t("notice.settings_saved", self.language))

    def set_language(self, language: str) -> None:
        self.language = language
        self.prefs.language = language
        save_prefs(self.paths, self.prefs)
        self.chat.relabel(language)
        self.care.relabel()
        self.localize_bindings()
        self.call_later(self.refresh_sidebar)

    async def action_show_earlier(self) -> None:
        await self.chat.show_earlier()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.chat.query_one("#sidebar")
        sidebar.display = not sidebar.display

    def action_toggle_theme(self) -> None:
        self.theme = THEMES["light"] if self.theme == THEMES["dark"] else THEMES["dark"]

    def watch_theme(self, theme: str) -> None:
        if theme != self.prefs.theme and self.is_mounted:
            self.prefs.theme = theme
            save_prefs(self.paths, self.prefs)

    def action_dismiss_banner(self) -> None:
        self.care.dismiss()

    def action_crisis_lines(self) -> None:
        self.care.toggle_lines()

    async def action_quit(self) -> None:
        """Stop a reply being written (it is kept, marked stopped), then leave."""
        if self.generating and self._turn_worker is not None:
            self.stop_event.set()
            await self._turn_worker.wait()
        self.exit(0)

    # -- words ---------------------------------------------------------------------------
    def localize_bindings(self) -> None:
        """Footer labels in the current language."""
        chat = self.chat
        nodes = [self, chat]
        if chat.is_mounted:
            nodes += [chat.chat_input, chat.sessions]
        for node in nodes:
            table = node._bindings.key_to_bindings
            for key, bindings in table.items():
                table[key] = [self._localized(b) for b in bindings]
        self.refresh_bindings()

    def _localized(self, binding: Binding) -> Binding:
        action = binding.action
        key = OTHER_LABELS.get(action) or ACTIONS.get(action, (None,))[0]
        return replace(binding, description=t(key, self.language)) if key else binding

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        keys = {b.action: self.get_key_display(b)
                for bindings in self._bindings.key_to_bindings.values() for b in bindings}
        for action, (label, help_key) in ACTIONS.items():
            if action == "stop" and not self.generating:
                continue
            help_text = t(help_key, self.language)
            if action in keys:
                help_text += f" ({keys[action]})"
            yield SystemCommand(t(label, self.language), help_text,
                                partial(self.run_action, action))
        yield from super().get_system_commands(screen)

    def on_unmount(self) -> None:
        if self.engine is not None:
            self.engine_thread.submit(self.engine.close)
        self.engine_thread.shutdown(wait=True)
        self.store.close()


def run_app(model: str | None = None, session: int | None = None, new: bool = False) -> int:
    """Open the app (`soulchat`, `soulchat chat`); returns the exit code."""
    app = SoulChatApp(model=model, session=session, new=new)
    result = app.run()
    return int(result or 0)


