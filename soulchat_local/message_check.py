"""What a user's message must be before anything reads it: text, not empty, at most
MAX_BYTES of UTF-8.

One check for `soulchat assess`, `soulchat ask` and the app (chat.Conversation), so that a
pasted megabyte or a binary file gets one clear line and nothing is assessed or stored.
"""

from __future__ import annotations

import re

from .errors import UserError

MAX_BYTES = 64 * 1024  # a chat message is far shorter; the risk assessor reads it all
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class TooLong(UserError):
    def __init__(self, line: str, size: int) -> None:
        super().__init__(line)
        self.size = size


class NotText(UserError):
    pass


def check_message(text: object, where: str = "") -> str:
    """`text` itself, or a UserError saying what is wrong with it; `where` ("stdin line 3")
    starts the line."""
    prefix = f"{where}: " if where else ""
    if not isinstance(text, str):
        raise UserError(f"{prefix}a message must be a string")
    if not text.strip():
        raise UserError(f"{prefix}the message is empty")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:  # lone surrogates: undecodable bytes read from stdin
        raise NotText(f"{prefix}the message contains binary data, not text") from None
    if size > MAX_BYTES:
        raise TooLong(
            f"{prefix}the message is {size} bytes, over the {MAX_BYTES}-byte limit "
            f"({MAX_BYTES // 1024} KiB): send it in parts",
            size,
        )
    if _CONTROL.search(text) or "\ufffd" in text:
        raise NotText(f"{prefix}the message contains binary data, not text")
    return text
