"""One conversation turn, the same for the CLI and the app.

The user's message is assessed for risk and committed to the store before generation
starts; the reply is written to the store while it streams (every FLUSH_INTERVAL_S) and
marked complete at the end, or left partial when it was stopped or the process died.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from . import prompt_state, reasoning, safety
from .config import Sampling
from .engine import Engine, GenerationStats, Prompt
from .errors import UserError
from .prompts import Message, system_prompt
from .store import Store

FLUSH_INTERVAL_S = 0.5


@dataclass
class TurnResult:
    session_id: int
    reply_id: int
    reply: str
    prompt: Prompt
    stats: GenerationStats
    assessment: safety.Assessment
    resources: list[safety.Resource] = field(default_factory=list)
    thinking: str = ""  # a reasoning model's thinking, kept apart from `reply`

    @property
    def stopped(self) -> bool:
        return self.stats.finish_reason == "user"


class Conversation:
    """A session of the history store talked to through an engine."""

    def __init__(
        self,
        store: Store,
        engine: Engine,
        session_id: int | None,
        *,
        sampling: Sampling,
        language: str = "en",
        locale: str | None = None,
        persona: str | None = "counsellor",
    ) -> None:
        self.store = store
        self.engine = engine
        self.session_id = session_id
        self.sampling = sampling
        self.language = language
        self.locale = locale
        self.persona = persona

    # -- what the model sees ----------------------------------------------------
    def system_text(self) -> str | None:
        stored = None
        if self.session_id is not None:
            stored = self.store.session(self.session_id).system_prompt
        return system_prompt(stored if stored is not None else self.persona, self.language)

    def history(self) -> list[Message]:
        """The system prompt and the stored messages (none yet without a session)."""
        system = self.system_text()
        messages = [Message("system", system)] if system else []
        if self.session_id is not None:
            messages += [
                Message(row.role, row.content, row.thinking)
                for row in self.store.messages(self.session_id)
            ]
        return messages

    @property
    def session(self) -> int:
        if self.session_id is None:
            self.session_id = self.store.create_session(self.engine.name)
        return self.session_id

    def assess(self, text: str) -> tuple[safety.Assessment, list[safety.Resource]]:
        assessment = safety.assess(text)
        resources = safety.resources_for(self.locale) if assessment.risk != "none" else []
        return assessment, resources

    def preview(self, text: str) -> Prompt:
        """The prompt this message would produce, without storing or generating."""
        assessment, _ = self.assess(text)
        messages = self.history() + [Message("user", text)]
        return self.engine.build_prompt(
            self._with_instruction(messages, assessment), self.sampling.max_tokens
        )

    # -- turns --------------------------------------------------------------------
    def send(
        self,
        text: str,
        *,
        on_text: Callable[[str], None] | None = None,
        stop: threading.Event | None = None,
        on_assessed: Callable[[safety.Assessment, list[safety.Resource]], None] | None = None,
        on_thinking: Callable[[str], None] | None = None,
    ) -> TurnResult:
        if not text.strip():
            raise UserError("the message is empty")
        assessment, resources = self._assess_and_tell(text, on_assessed)
        self.store.add_message(self.session, "user", text)
        return self._reply(assessment, resources, on_text, stop, on_thinking)

    def regenerate(
        self,
        *,
        on_text: Callable[[str], None] | None = None,
        stop: threading.Event | None = None,
        on_assessed: Callable[[safety.Assessment, list[safety.Resource]], None] | None = None,
        on_thinking: Callable[[str], None] | None = None,
    ) -> TurnResult:
        """Replace the reply to the last user message."""
        last_user = self._last_user()
        later = [m for m in self.store.messages(self.session_id) if m.id > last_user.id]
        if later:
            self.store.delete_messages_from(self.session_id, later[0].id)
        assessment, resources = self._assess_and_tell(last_user.content, on_assessed)
        return self._reply(assessment, resources, on_text, stop, on_thinking)

    def edit_last(
        self,
        text: str,
        *,
        on_text: Callable[[str], None] | None = None,
        stop: threading.Event | None = None,
        on_assessed: Callable[[safety.Assessment, list[safety.Resource]], None] | None = None,
        on_thinking: Callable[[str], None] | None = None,
    ) -> TurnResult:
        """Change the last user message and answer it again."""
        if not text.strip():
            raise UserError("the message is empty")
        last_user = self._last_user()
        self.store.delete_messages_from(self.session_id, last_user.id)
        return self.send(
            text, on_text=on_text, stop=stop, on_assessed=on_assessed, on_thinking=on_thinking
        )

    def _assess_and_tell(
        self,
        text: str,
        on_assessed: Callable[[safety.Assessment, list[safety.Resource]], None] | None,
    ) -> tuple[safety.Assessment, list[safety.Resource]]:
        """Assess before anything else, so help can be shown before the reply starts."""
        assessment, resources = self.assess(text)
        if on_assessed is not None:
            on_assessed(assessment, resources)
        return assessment, resources

    def _last_user(self):  # noqa: ANN202
        users = [m for m in self.store.messages(self.session) if m.role == "user"]
        if not users:
            raise UserError("this session has no message to answer yet")
        return users[-1]

    def _with_instruction(
        self, messages: list[Message], assessment: safety.Assessment
    ) -> list[Message]:
        """For a turn at risk the newest user message carries a safety instruction.

        It is added to the prompt only (not stored), at the end, so the cached prefix of
        the conversation stays valid.
        """
        instruction = safety.safety_instruction(assessment.risk, self.language)
        if not instruction or not messages or messages[-1].role != "user":
            return messages
        last = messages[-1]
        return messages[:-1] + [Message("user", f"{last.content}\n\n({instruction})")]

    def _reply(
        self,
        assessment: safety.Assessment,
        resources: list[safety.Resource],
        on_text: Callable[[str], None] | None,
        stop: threading.Event | None,
        on_thinking: Callable[[str], None] | None = None,
    ) -> TurnResult:
        """Stream the reply; a reasoning model's thinking goes to `on_thinking` and the
        store's `thinking` column, the answer to `on_text` and `content`."""
        model = self.engine.name
        messages = self._with_instruction(self.history(), assessment)
        prompt = self.engine.build_prompt(messages, self.sampling.max_tokens)
        prompt.states = prompt_state.for_turn(self.store, self.engine, self.session)
        reply_id = self.store.add_message(
            self.session, "assistant", "", model=model, partial=True, prompt_tokens=prompt.used
        )
        parts: dict[str, list[str]] = {reasoning.THINKING: [], reasoning.ANSWER: []}
        splitter = reasoning.ThinkSplitter(reasoning.prompt_opens_thinking(prompt.text))
        callbacks = {reasoning.THINKING: on_thinking, reasoning.ANSWER: on_text}

        def take(pieces: list[tuple[str, str]]) -> None:
            for kind, text in pieces:
                parts[kind].append(text)
                if callbacks[kind] is not None:
                    callbacks[kind](text)

        last_flush = time.monotonic()
        try:
            for piece in self.engine.stream(prompt, self.sampling, stop):
                take(splitter.feed(piece))
                if time.monotonic() - last_flush >= FLUSH_INTERVAL_S:
                    self.store.update_message(
                        reply_id,
                        "".join(parts[reasoning.ANSWER]),
                        thinking="".join(parts[reasoning.THINKING]),
                    )
                    last_flush = time.monotonic()
            take(splitter.flush())
        finally:
            stats = self.engine.stats
            reply = "".join(parts[reasoning.ANSWER])
            thinking = "".join(parts[reasoning.THINKING])
            self.store.update_message(
                reply_id,
                reply,
                partial=stats.finish_reason not in ("stop", "length"),
                completion_tokens=stats.completion_tokens,
                finish_reason=stats.finish_reason or "error",
                thinking=thinking,
            )
        if self.store.session(self.session_id).model != model:
            self.store.update_session(self.session_id, model=model)
        return TurnResult(
            self.session_id,
            reply_id,
            reply,
            prompt,
            stats,
            assessment,
            resources,
            thinking=thinking,
        )
