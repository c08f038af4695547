"""One conversation turn, the same for the CLI and the app.

The user's message is checked (message_check), assessed for risk with the session's
earlier user turns (safety.assess_turns, as `soulchat assess` does), and committed to the
store once its prompt is built, before generation starts (so a message that is too long
for the context leaves nothing stored); the reply is written to the store while it streams (every FLUSH_INTERVAL_S) and
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
from .message_check import check_message
from .prompts import Message, system_prompt
from .store import Store

FLUSH_INTERVAL_S = 0.5


def turns_for(store: Store, session_id: int | None, kind: str, text: str = "") -> list[str]:
    """The user turns, oldest first, that a turn is judged with: for "send" the session's
    user messages and `text`; for "edit" (the last user message replaced by `text`) the
    ones before it and `text`; for "regenerate" the stored ones as they are."""
    rows = store.messages(session_id) if session_id is not None else []
    turns = [row.content for row in rows if row.role == "user"]
    if kind == "regenerate":
        return turns
    if kind == "edit":
        turns = turns[:-1]
    elif kind != "send":
        raise ValueError(f"unknown kind of turn {kind!r}")
    return [*turns, text]


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
        region: str | None = None,
        persona: str | None = "counsellor",
    ) -> None:
        """`language` ('zh'/'en') is the persona's; the crisis lines are those of the
        user's region: the territory of `locale` (an explicit one, such as `ask --locale
        en_HK`), else `region` (config.toml's [care] region), else the environment's."""
        self.store = store
        self.engine = engine
        self.session_id = session_id
        self.sampling = sampling
        self.language = language
        self.persona = persona
        self.resources = safety.resources_for(locale, region)

    # -- what the model sees ----------------------------------------------------
    def system_text(self) -> str | None:
        stored = None
        if self.session_id is not None:
            stored = self.store.session(self.session_id).system_prompt
        return system_prompt(
            stored if stored is not None else self.persona,
            self.language,
            care=lambda written_in: safety.persona_care(written_in, self.resources),
        )

    def history(self, before: int | None = None) -> list[Message]:
        """The system prompt and the stored messages (none yet without a session); with
        `before`, only the messages stored before that message id."""
        system = self.system_text()
        messages = [Message("system", system)] if system else []
        if self.session_id is not None:
            messages += [
                Message(row.role, row.content, row.thinking)
                for row in self.store.messages(self.session_id)
                if before is None or row.id < before
            ]
        return messages

    @property
    def session(self) -> int:
        if self.session_id is None:
            self.session_id = self.store.create_session(self.engine.name)
        return self.session_id

    def assess(
        self, text: str = "", kind: str = "send"
    ) -> tuple[safety.Assessment, list[safety.Resource]]:
        """Risk of a turn of `kind` (see turns_for), judged with the session's earlier user
        turns; the region's lines when it is not none."""
        assessment = safety.assess_turns(turns_for(self.store, self.session_id, kind, text))
        return assessment, self.resources if assessment.risk != "none" else []

    def preview(self, text: str) -> Prompt:
        """The prompt this message would produce, without storing or generating."""
        assessment, _ = self.assess(text)
        return self._prompt(self.history() + [Message("user", text)], assessment)

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
        check_message(text)
        assessment, resources = self._assess_and_tell("send", text, on_assessed)
        # The prompt is built first: a message too long for the context is refused with
        # nothing stored.
        prompt = self._prompt(self.history() + [Message("user", text)], assessment)
        self.store.add_message(self.session, "user", text)
        return self._reply(prompt, assessment, resources, on_text, stop, on_thinking)

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
        assessment, resources = self._assess_and_tell("regenerate", "", on_assessed)
        before = later[0].id if later else None
        prompt = self._prompt(self.history(before), assessment)
        if later:
            self.store.delete_messages_from(self.session_id, later[0].id)
        return self._reply(prompt, assessment, resources, on_text, stop, on_thinking)

    def edit_last(
        self,
        text: str,
        *,
        on_text: Callable[[str], None] | None = None,
        stop: threading.Event | None = None,
        on_assessed: Callable[[safety.Assessment, list[safety.Resource]], None] | None = None,
        on_thinking: Callable[[str], None] | None = None,
    ) -> TurnResult:
        """Change the last user message and answer it again; a new text that cannot be sent
        leaves the old one where it was."""
        check_message(text)
        last_user = self._last_user()
        assessment, resources = self._assess_and_tell("edit", text, on_assessed)
        prompt = self._prompt(self.history(last_user.id) + [Message("user", text)], assessment)
        self.store.delete_messages_from(self.session_id, last_user.id)
        self.store.add_message(self.session, "user", text)
        return self._reply(prompt, assessment, resources, on_text, stop, on_thinking)

    def _assess_and_tell(
        self,
        kind: str,
        text: str,
        on_assessed: Callable[[safety.Assessment, list[safety.Resource]], None] | None,
    ) -> tuple[safety.Assessment, list[safety.Resource]]:
        """Assess before anything else, so help can be shown before the reply starts."""
        assessment, resources = self.assess(text, kind)
        if on_assessed is not None:
            on_assessed(assessment, resources)
        return assessment, resources

    def _last_user(self):  # noqa: ANN202
        users = [m for m in self.store.messages(self.session) if m.role == "user"]
        if not users:
            raise UserError("this session has no message to answer yet")
        return users[-1]

    def _prompt(self, messages: list[Message], assessment: safety.Assessment) -> Prompt:
        """The prompt for `messages` (the history as it will be once the turn is stored);
        a UserError when the newest message does not fit the context."""
        return self.engine.build_prompt(
            self._with_instruction(messages, assessment), self.sampling.max_tokens
        )

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
        prompt: Prompt,
        assessment: safety.Assessment,
        resources: list[safety.Resource],
        on_text: Callable[[str], None] | None,
        stop: threading.Event | None,
        on_thinking: Callable[[str], None] | None = None,
    ) -> TurnResult:
        """Stream the reply; a reasoning model's thinking goes to `on_thinking` and the
        store's `thinking` column, the answer to `on_text` and `content`."""
        model = self.engine.name
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
