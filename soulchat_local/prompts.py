"""Prompt formats, and which system prompt a conversation gets (the personas are in personas.py).

A format turns a list of messages into *segments*: template text, whose special tokens
are parsed, and literal text (what the user or the model wrote), tokenized with special
parsing off so that typing `<|im_end|>` cannot forge a turn. Rendering depends only on
the messages, so the same history gives the same tokens every turn and llama.cpp can
reuse its cache for everything but the new tail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .errors import UserError
from .personas import COUNSELLOR as COUNSELLOR  # re-exported: the default persona
from .personas import persona_text

FORMATS = ("gguf", "chatml", "soulchat-v1")

# SoulChat v1 (ChatGLM-6B fine-tune): plain text turns, no system prompt.
V1_USER, V1_COUNSELLOR = "用户：", "心理咨询师："
V1_STOPS = ("\n" + V1_USER, "\n用户:")

# Placeholders for a message's content ("\ue000" N "\ue001") and its thinking (N "t").
_SENTINEL = re.compile("\ue000(\\d+)(t?)\ue001")


@dataclass(frozen=True)
class Message:
    role: str  # "system" | "user" | "assistant"
    content: str
    # A reasoning model's thinking before this reply (reasoning.py). Earlier turns' thinking
    # reaches the prompt only where the model's own template puts it (as
    # `reasoning_content`); Qwen3's drops it, and so do the built-in formats.
    thinking: str = ""


@dataclass(frozen=True)
class Segment:
    text: str
    literal: bool  # True: user/model text, tokenized with special-token parsing off
    message: int = -1  # index of the message this literal text came from


def system_prompt(choice: str | None, language: str) -> str | None:
    """A named persona (personas.py: `counsellor` in the given language, `soulchat2`, ...),
    `none` for no system prompt; anything else is used as the system prompt itself.
    The same choice always gives the same text, so the cached prompt prefix holds."""
    if choice is None:
        choice = "counsellor"
    if choice == "none" or not choice.strip():
        return None
    return persona_text(choice, language) or choice


def stop_strings(fmt: str) -> tuple[str, ...]:
    return V1_STOPS if fmt == "soulchat-v1" else ()


def render(
    fmt: str,
    messages: Sequence[Message],
    *,
    template: str | None = None,
    bos_token: str = "",
    eos_token: str = "",
) -> list[Segment]:
    """Segments of the prompt that asks the model for the next assistant reply."""
    if fmt == "soulchat-v1":
        return _render_v1(messages)
    if fmt == "gguf" and template:
        return _render_jinja(template, messages, bos_token, eos_token)
    if fmt in ("gguf", "chatml"):
        return _render_chatml(messages)
    raise UserError(f"unknown prompt format {fmt!r}; known: {', '.join(FORMATS)}")


def _render_v1(messages: Sequence[Message]) -> list[Segment]:
    segments: list[Segment] = []
    for index, message in enumerate(messages):
        if message.role == "system":
            continue
        prefix = V1_USER if message.role == "user" else V1_COUNSELLOR
        if segments:
            prefix = "\n" + prefix
        segments += [Segment(prefix, False), Segment(message.content, True, index)]
    segments.append(Segment("\n" + V1_COUNSELLOR if segments else V1_COUNSELLOR, False))
    return segments


def _render_chatml(messages: Sequence[Message]) -> list[Segment]:
    segments: list[Segment] = []
    for index, message in enumerate(messages):
        segments += [
            Segment(f"<|im_start|>{message.role}\n", False),
            Segment(message.content, True, index),
            Segment("<|im_end|>\n", False),
        ]
    segments.append(Segment("<|im_start|>assistant\n", False))
    return segments


def _render_jinja(
    template: str, messages: Sequence[Message], bos_token: str, eos_token: str
) -> list[Segment]:
    """Render the model's own template with placeholders, then put the text back in."""
    formatter = _formatter(template, bos_token, eos_token)
    placeholders = _placeholders(messages)
    try:
        text = formatter(messages=placeholders).prompt
    except Exception:  # noqa: BLE001 - templates raise whatever they like
        text = _render_without_system(formatter, messages)
    segments: list[Segment] = []
    position = 0
    for match in _SENTINEL.finditer(text):
        if match.start() > position:
            segments.append(Segment(text[position : match.start()], False))
        index = int(match.group(1))
        message = messages[index]
        segments.append(
            Segment(message.thinking if match.group(2) else message.content, True, index)
        )
        position = match.end()
    if position < len(text):
        segments.append(Segment(text[position:], False))
    return segments


@lru_cache(maxsize=8)
def _formatter(template: str, bos_token: str, eos_token: str):  # noqa: ANN202
    """Compiling a template takes milliseconds; every turn renders with the same one."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    return Jinja2ChatFormatter(template, eos_token=eos_token, bos_token=bos_token)


def _render_without_system(formatter, messages: Sequence[Message]) -> str:  # noqa: ANN001
    """Templates that reject a system role get it folded into the first user turn."""
    if not messages or messages[0].role != "system":
        raise UserError("the model's chat template cannot render this conversation")
    placeholders = _placeholders(messages)[1:]
    for item in placeholders:
        if item["role"] == "user":
            item["content"] = "\ue0000\ue001\n\n" + item["content"]
            break
    try:
        return formatter(messages=placeholders).prompt
    except Exception as exc:  # noqa: BLE001
        raise UserError(
            f"the model's chat template failed ({exc}); import the model with another prompt format"
        ) from exc


def _placeholders(messages: Sequence[Message]) -> list[dict[str, str]]:
    """What the template is given: a placeholder per text, so the text goes back in whole."""
    items = []
    for i, m in enumerate(messages):
        item = {"role": m.role, "content": f"\ue000{i}\ue001"}
        if m.thinking and m.role == "assistant":
            item["reasoning_content"] = f"\ue000{i}t\ue001"
        items.append(item)
    return items
