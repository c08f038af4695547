"""Replies of reasoning models: the thinking between `<think>` and `</think>`, then the answer.

Qwen3-based counselling models (PsyLLM, SoulChat-R1-style fine-tunes) open their reply with
`<think>`, reason, close it with `</think>` and then answer. Some templates put the opening
tag in the prompt itself (the reply then starts inside the thinking). The tags arrive as
text pieces of any size, so a tag may be split across pieces: `ThinkSplitter` holds back
only what could still become a tag and passes everything else on at once.

Only a reply that *starts* with `<think>` (after white space) is taken as reasoning, and only
the first `</think>` closes it: a model that writes the words "<think>" later in an answer,
or a reply of a model that does not reason, passes through untouched, character for
character (so re-rendered history stays what the model generated).
"""

from __future__ import annotations

from dataclasses import dataclass, field

OPEN, CLOSE = "<think>", "</think>"
THINKING, ANSWER = "thinking", "answer"


def prompt_opens_thinking(prompt_text: str) -> bool:
    """True when the rendered prompt ends inside an opened `<think>` block."""
    tail = prompt_text.rstrip()
    return tail.endswith(OPEN)


@dataclass
class ThinkSplitter:
    """Feed reply pieces; get (kind, text) pieces back, kind THINKING or ANSWER."""

    in_thinking: bool = False  # the prompt already opened the thinking
    _state: str = field(init=False)
    _pending: str = field(default="", init=False)
    _trim: bool = field(default=False, init=False)  # drop leading white space of what follows

    def __post_init__(self) -> None:
        self._state = THINKING if self.in_thinking else "start"
        self._trim = self.in_thinking

    def feed(self, piece: str) -> list[tuple[str, str]]:
        self._pending += piece
        out: list[tuple[str, str]] = []
        while self._pending:
            before = (self._state, len(self._pending))
            if self._state == "start":
                self._start()
            elif self._state == THINKING:
                self._thinking(out)
            else:
                self._answer(out)
            if (self._state, len(self._pending)) == before:
                break  # waiting for more text
        return out

    def flush(self) -> list[tuple[str, str]]:
        """The end of the reply: whatever was held back, as what it was part of."""
        text, self._pending = self._pending, ""
        if self._state == THINKING:
            text = text.rstrip() if not self._trim else text.strip()
            return [(THINKING, text)] if text else []
        if self._state == ANSWER and self._trim:
            text = text.lstrip()
        return [(ANSWER, text)] if text else []

    # -- states -------------------------------------------------------------------
    def _start(self) -> None:
        head = self._pending.lstrip()
        if head.startswith(OPEN):
            self._pending = head[len(OPEN) :]
            self._state, self._trim = THINKING, True
        elif not OPEN.startswith(head):  # not (yet) a tag: an ordinary answer
            self._state = ANSWER
        # else: white space or a part of "<think>" so far; wait

    def _thinking(self, out: list[tuple[str, str]]) -> None:
        if self._trim:
            self._pending = self._pending.lstrip()
            if not self._pending:
                return
            self._trim = False
        at = self._pending.find(CLOSE)
        if at >= 0:
            text = self._pending[:at].rstrip()
            if text:
                out.append((THINKING, text))
            self._pending = self._pending[at + len(CLOSE) :]
            self._state, self._trim = ANSWER, True
            return
        keep = _partial_suffix(self._pending, CLOSE)
        body = self._pending[: len(self._pending) - keep]
        # White space at the end might be the last before `</think>`: hold it back too.
        text = body.rstrip()
        if text:
            out.append((THINKING, text))
            self._pending = self._pending[len(text) :]

    def _answer(self, out: list[tuple[str, str]]) -> None:
        if self._trim:
            self._pending = self._pending.lstrip()
            if not self._pending:
                return
            self._trim = False
        out.append((ANSWER, self._pending))
        self._pending = ""


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest end of `text` that is a proper beginning of `tag`."""
    for n in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:n]):
            return n
    return 0


def split_reply(text: str, *, in_thinking: bool = False) -> tuple[str, str]:
    """(thinking, answer) of a whole reply, as streaming it through ThinkSplitter gives."""
    splitter = ThinkSplitter(in_thinking)
    parts = splitter.feed(text) + splitter.flush()
    thinking = "".join(t for kind, t in parts if kind == THINKING)
    answer = "".join(t for kind, t in parts if kind == ANSWER)
    return thinking, answer
