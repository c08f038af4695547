"""The engine interface, and a scripted engine for tests and the app's pilots.

An engine holds one loaded model. `build_prompt` renders the conversation (dropping
the oldest turns when it does not fit) and `stream` yields the reply text as it is
generated, stopping as soon as `stop` is set. The real engine is in llama_engine.py.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .config import CacheSettings, Sampling
from .context import fit, reply_reserve
from .prompts import Message, Segment, render, stop_strings


@dataclass
class Prompt:
    text: str
    tokens: list[int]
    n_ctx: int
    dropped_turns: int = 0
    messages: list[Message] = field(default_factory=list)
    # Saved prompt states this turn may start from and keeps its own in (prompt_state.py).
    states: SavedStates | None = None

    @property
    def used(self) -> int:
        return len(self.tokens)


class SavedStates(Protocol):
    def restore(self, engine: Engine, prompt: Prompt) -> None:
        """Before evaluating `prompt`: load the longest saved prefix of it, if any."""

    def keep(self, engine: Engine) -> None:
        """After the reply: save what the engine's cache now holds."""


@dataclass
class GenerationStats:
    prompt_tokens: int = 0
    evaluated_tokens: int = 0  # prompt tokens actually evaluated; the rest came from cache
    completion_tokens: int = 0
    ttft_s: float = 0.0
    tokens_per_s: float = 0.0
    finish_reason: str = ""  # "stop" (model ended), "length", "user" (stopped)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    text: str
    special: bool


class Engine(ABC):
    name: str
    backend: str
    n_ctx: int
    prompt_format: str
    threads: int = 0  # CPU threads it computes with (0: none worth counting)
    cache: CacheSettings = CacheSettings()

    def __init__(self) -> None:
        self.stats = GenerationStats()

    # -- what each engine provides --------------------------------------------------
    @abstractmethod
    def render(self, messages: Sequence[Message]) -> list[Segment]: ...

    @abstractmethod
    def tokenize(self, segments: Sequence[Segment]) -> list[int]: ...

    @abstractmethod
    def _generate(self, prompt: Prompt, sampling: Sampling) -> Iterator[str]:
        """Yield text pieces; set self.stats.completion_tokens as tokens come."""

    @abstractmethod
    def describe(self, tokens: Iterable[int]) -> list[TokenInfo]: ...

    def close(self) -> None:  # noqa: B027 - engines without resources need not free any
        """Free the model."""

    # -- prompt state: engines that can save theirs override these ---------------------
    def state_identity(self) -> dict[str, Any] | None:
        """What a saved state of this engine is valid for; None: it saves none."""
        return None

    def cached_tokens(self) -> list[int]:
        """The tokens whose keys and values the engine holds now."""
        return []

    def evaluate(self, tokens: Sequence[int]) -> None:
        """Make the cache hold exactly `tokens` (keeping what it already has of them)."""
        raise NotImplementedError

    def export_state(self) -> tuple[list[int], Any] | None:
        """(tokens, state bytes) for what the cache holds."""
        return None

    def import_state(self, tokens: Sequence[int], data: Any) -> bool:
        """Load a state exported for `tokens`; False (and an empty cache) if it fails."""
        return False

    # -- shared behaviour -----------------------------------------------------------
    def build_prompt(self, messages: Sequence[Message], max_tokens: int) -> Prompt:
        def encode(kept: list[Message]) -> tuple[list[Segment], int]:
            segments = self.render(kept)
            tokens = self.tokenize(segments)
            return (segments, tokens), len(tokens)

        fitted = fit(messages, encode, self.n_ctx, reply_reserve(self.n_ctx, max_tokens))
        segments, tokens = fitted.encoded  # type: ignore[misc]
        return Prompt(
            text="".join(s.text for s in segments),
            tokens=tokens,
            n_ctx=self.n_ctx,
            dropped_turns=fitted.dropped,
            messages=fitted.messages,
        )

    def stream(
        self, prompt: Prompt, sampling: Sampling, stop: threading.Event | None = None
    ) -> Iterator[str]:
        """Yield the reply as it is generated; return early once `stop` is set."""
        stopper = StopStrings(stop_strings(self.prompt_format))
        pieces = self._generate(prompt, sampling)
        try:
            for piece in pieces:
                if stop is not None and stop.is_set():
                    self.stats.finish_reason = "user"
                    break
                text, matched = stopper.feed(piece)
                if text:
                    yield text
                if matched:
                    self.stats.finish_reason = "stop"
                    break
            else:
                tail = stopper.flush()
                if tail:
                    yield tail
        finally:
            pieces.close()  # type: ignore[attr-defined]


class StopStrings:
    """Holds back text that might be the start of a stop string."""

    def __init__(self, stops: Sequence[str]) -> None:
        self.stops = tuple(s for s in stops if s)
        self.pending = ""

    def feed(self, piece: str) -> tuple[str, bool]:
        if not self.stops:
            return piece, False
        self.pending += piece
        for stop in self.stops:
            at = self.pending.find(stop)
            if at >= 0:
                out, self.pending = self.pending[:at], ""
                return out, True
        keep = 0
        for stop in self.stops:
            for n in range(min(len(stop) - 1, len(self.pending)), 0, -1):
                if self.pending.endswith(stop[:n]):
                    keep = max(keep, n)
                    break
        out = self.pending[: len(self.pending) - keep]
        self.pending = self.pending[len(out) :]
        return out, False

    def flush(self) -> str:
        out, self.pending = self.pending, ""
        return out


class ScriptedEngine(Engine):
    """A stand-in model for tests and the app's pilots: replies come from a queue.

    Tokens are Unicode code points (template text included), so prompt sizes are easy
    to reason about in tests. Each reply streams word by word (CJK character by
    character) with an optional delay per piece; a reply given as a list of strings
    streams as exactly those pieces (a tag split across tokens, say).
    """

    backend = "fake"

    def __init__(
        self,
        replies: Iterable[str | list[str]] = (),
        *,
        name: str = "scripted",
        n_ctx: int = 8192,
        delay: float = 0.0,
        prompt_format: str = "chatml",
    ) -> None:
        super().__init__()
        self.name = name
        self.n_ctx = n_ctx
        self.delay = delay
        self.prompt_format = prompt_format
        self.replies: deque[str | list[str]] = deque(replies)
        self.prompts: list[Prompt] = []  # every prompt generated from, for assertions

    def queue(self, *replies: str | list[str]) -> None:
        self.replies.extend(replies)

    def render(self, messages: Sequence[Message]) -> list[Segment]:
        return render(self.prompt_format, messages)

    def tokenize(self, segments: Sequence[Segment]) -> list[int]:
        return [ord(ch) for segment in segments for ch in segment.text]

    def describe(self, tokens: Iterable[int]) -> list[TokenInfo]:
        return [TokenInfo(t, chr(t), False) for t in tokens]

    def _generate(self, prompt: Prompt, sampling: Sampling) -> Iterator[str]:
        self.prompts.append(prompt)
        reply = self.replies.popleft() if self.replies else "I'm here with you. Tell me more."
        pieces = list(reply) if isinstance(reply, list) else split_pieces(reply)
        self.stats = GenerationStats(prompt_tokens=prompt.used, evaluated_tokens=prompt.used)
        started = time.perf_counter()
        first_at = started
        room = min(sampling.max_tokens, self.n_ctx - prompt.used)
        for count, piece in enumerate(pieces, start=1):
            if count > room:
                self.stats.finish_reason = "length"
                return
            if self.delay:
                time.sleep(self.delay)
            if count == 1:
                first_at = time.perf_counter()
                self.stats.ttft_s = first_at - started
            self.stats.completion_tokens = count
            elapsed = time.perf_counter() - first_at
            self.stats.tokens_per_s = (count - 1) / elapsed if elapsed > 0 else 0.0
            yield piece
        self.stats.finish_reason = "stop"


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading tokens two sequences share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def split_pieces(text: str) -> list[str]:
    """Word-sized pieces (keeping spaces), one piece per CJK character."""
    pieces: list[str] = []
    word = ""
    for ch in text:
        if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef":
            if word:
                pieces.append(word)
                word = ""
            pieces.append(ch)
        elif ch == " " and word.strip():
            pieces.append(word)
            word = ch
        else:
            word += ch
    if word:
        pieces.append(word)
    return pieces
