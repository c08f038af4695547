"""Fitting a conversation into the context window.

When the history no longer fits, the oldest messages are left out of the prompt (they
stay in the history store). The system prompt and the newest user message are never
dropped. Messages go in whole user+reply exchanges and the number dropped is rounded up
to a multiple of DROP_CHUNK, so the kept prefix - and llama.cpp's cache of it - stays the
same for several turns instead of shifting by one exchange every turn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .errors import UserError
from .prompts import Message

DROP_CHUNK = 4  # messages, i.e. two user+reply exchanges

T = TypeVar("T")


@dataclass(frozen=True)
class Fitted:
    messages: list[Message]
    dropped: int  # messages left out, oldest first
    encoded: object  # whatever `encode` returned for the kept messages
    used: int  # prompt tokens


def reply_reserve(n_ctx: int, max_tokens: int) -> int:
    """Room kept free for the reply: max_tokens, but never more than half the window."""
    return max(16, min(max_tokens, n_ctx // 2))


def fit(
    messages: Sequence[Message],
    encode: Callable[[list[Message]], tuple[T, int]],
    n_ctx: int,
    reserve: int,
) -> Fitted:
    """Keep as much recent history as fits in `n_ctx - reserve` tokens.

    `encode(messages)` returns (anything, token count); it is called a few times.
    """
    budget = n_ctx - reserve
    head = [m for m in messages[:1] if m.role == "system"]
    body = list(messages[len(head) :])
    # Indices where the kept history may start: at a user message, never past the newest.
    starts = [i for i, m in enumerate(body) if m.role == "user"] or [0]
    newest_user = starts[-1]

    def attempt(start: int) -> tuple[T, int]:
        return encode(head + body[start:])

    encoded, used = attempt(0)
    if used <= budget:
        return Fitted(list(messages), 0, encoded, used)
    chunked = [s for s in starts if s > 0 and (s % DROP_CHUNK == 0 or s == newest_user)]
    for start in chunked:
        encoded, used = attempt(start)
        if used <= budget:
            return Fitted(head + body[start:], start, encoded, used)
    _, used = attempt(newest_user)
    raise UserError(
        f"the message is too long for the context window ({used} tokens with the system "
        f"prompt, {budget} available of n_ctx={n_ctx}): shorten it or raise [model] n_ctx"
    )
