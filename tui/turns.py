"""A turn, from the message sent to the reply shown: send, regenerate, edit the last
message, stop. The core's Conversation runs the turn in the engine thread; its text is
queued on the reply's widget and drawn once per frame (frame_pacing.py).

Part of SoulChatApp (tui/app.py holds the state these methods use).
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from functools import partial

from soulchat_local import safety
from soulchat_local.chat import Conversation, TurnResult
from soulchat_local.config import Sampling
from soulchat_local.errors import UserError
from soulchat_local.message_check import MAX_BYTES, NotText, TooLong, check_message
from soulchat_local.runtime import sampling_for, sampling_with

from .frame_pacing import FramePacer
from .i18n import t
from .widgets.message import MessageView


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class Turns:
    """Runs the conversation's turns and shows them as they are written."""

    def busy(self) -> bool:
        """True (and the user told so) while a reply is being written."""
        if self.generating:
            self.notify(t("notice.busy", self.language), severity="warning")
        return self.generating

    def sampling(self) -> Sampling:
        settings = self.store.session(self.session_id).settings if self.session_id else {}
        return sampling_with(
            sampling_for(self.config, self.model_ref),
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
            self.store,
            self.engine,
            self.session_id,
            sampling=self.sampling(),
            language=self.language,
            region=self.config.care.region,
            persona=self.persona,
        )

    async def on_chat_input_submitted(self, event) -> None:  # noqa: ANN001
        if self.busy():
            return
        kind = "edit" if self.editing else "send"
        if not self.sendable(event.text):
            return  # the text stays in the input
        event.chat_input.clear()
        self.set_editing(False)
        await self.begin_turn(kind, event.text)

    def sendable(self, text: str) -> bool:
        """False (and the user told why) for a message the core would refuse."""
        try:
            check_message(text)
        except TooLong as exc:
            kib = -(-exc.size // 1024)
            line = t("notice.too_long", self.language, kib=kib, limit=MAX_BYTES // 1024)
        except NotText:
            line = t("notice.not_text", self.language)
        except UserError:
            return False  # empty: the input does not send it anyway
        else:
            return True
        self.notify(line, severity="error", timeout=10)
        return False

    async def begin_turn(self, kind: str, text: str = "") -> None:
        """Show the user's message at once; generate now, or when the model is ready."""
        self.generating = True  # no second turn while this one's help is laid out
        try:
            await self.show_help_before(kind, text)  # care.py
        finally:
            self.generating = False
        screen = self.chat
        views = screen.views()
        if kind in ("edit", "regenerate"):
            users = [v for v in views if v.role == "user"]
            if users:
                anchor = users[-1]
                if kind == "regenerate":
                    later = views[views.index(anchor) + 1 :]
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
        view = MessageView(
            "assistant",
            "",
            language=self.language,
            state="writing",
            reserve=self.chat.reply_room(),
            thinking_shown=self.chat.show_thinking,
        )
        self.reply_view = view
        # the user's message and the reply's frame go in with one layout, not several
        with self.batch_update():
            await self.chat.add_views(*(v for v in (user, view) if v is not None))
            self.chat.show_dropped(0, 0)
        self.pacer = FramePacer(self, view, self.engine.threads)
        # a blinking cursor repaints the input twice a second: not while the model writes
        self.chat.chat_input.cursor_blink = False
        self._turn_worker = self.run_worker(
            self.in_engine_thread(partial(self._turn_thread, kind, text, view, self.stop_event)),
            group="turn",
            exit_on_error=False,
        )

    def _turn_thread(self, kind: str, text: str, view: MessageView, stop: threading.Event) -> None:
        conversation = self.conversation()

        def assessed(assessment: safety.Assessment, resources: list) -> None:  # noqa: ANN001
            self.call_from_thread(self.show_help, assessment)

        hooks = dict(
            on_text=view.feed, stop=stop, on_assessed=assessed, on_thinking=view.feed_thinking
        )
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
        if self.pacer is not None:
            self.pacer.stop()
            self.pacer = None
        if view.is_mounted:
            view.end_stream()

    async def _turn_done(self, view: MessageView, result: TurnResult) -> None:
        try:
            self._end_stream(view)
            row = next(
                (m for m in self.store.messages(result.session_id) if m.id == result.reply_id), None
            )
            if view.is_mounted:
                if view.text != result.reply:
                    view.replace_text(result.reply)
                view.set_thinking(result.thinking)
                view.set_state(
                    "stopped" if result.stopped else "done",
                    created=row.created if row else now_iso(),
                    message_id=result.reply_id,
                )
            self.last_result = result
            self.session_id = result.session_id
            prompt = result.prompt
            self.chat.status.show(
                self.language,
                tokens_per_s=result.stats.tokens_per_s,
                used=prompt.used,
                n_ctx=prompt.n_ctx,
                dropped=prompt.dropped_turns,
            )
            self.chat.show_dropped(prompt.dropped_turns, prompt.n_ctx)
        finally:
            self._turn_over()
        self.refresh_sidebar()

    async def _turn_failed(self, view: MessageView, exc: Exception, session_id: int | None) -> None:
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

    # -- the keys that change a turn ---------------------------------------------------
    def action_stop(self) -> None:
        if self.generating:
            self.stop_event.set()
        elif self.editing:
            self.chat.chat_input.clear()
            self.set_editing(False)

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
