"""Prompt formats and the counselling persona.

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

FORMATS = ("gguf", "chatml", "soulchat-v1")

COUNSELLOR = {
    "zh": (
        "你是一位温和、耐心的心理陪伴者，用中文与来访者交谈。"
        "先倾听，再回应：复述你听到的内容，说出你感受到的对方的情绪，"
        "一次只问一个开放式的问题，帮助对方把心里的事慢慢说清楚。"
        "不要急着给建议、下结论或说教；当对方愿意时，再和对方一起想办法。"
        "认可对方的感受，给予安慰和希望，语言简短、真诚、口语化。"
        "你不是医生，不做诊断，不开药。"
    ),
    "en": (
        "You are a warm, patient listener offering emotional support. "
        "Listen first, then respond: reflect back what you heard, name the feelings you "
        "sense, and ask one open question at a time to help the person put their thoughts "
        "into words. Do not rush to advice, conclusions or lectures; explore options "
        "together only when the person is ready. Validate their feelings and offer comfort "
        "and hope, in short, sincere, plain language. You are not a doctor: you do not "
        "diagnose or prescribe."
    ),
}

# SoulChat v1 (ChatGLM-6B fine-tune): plain text turns, no system prompt.
V1_USER, V1_COUNSELLOR = "用户：", "心理咨询师："
V1_STOPS = ("\n" + V1_USER, "\n用户:")

_SENTINEL = re.compile("\ue000(\\d+)\ue001")


@dataclass(frozen=True)
class Message:
    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass(frozen=True)
class Segment:
    text: str
    literal: bool  # True: user/model text, tokenized with special-token parsing off
    message: int = -1  # index of the message this literal text came from


def system_prompt(choice: str | None, language: str, care: str = "") -> str | None:
    """The persona `counsellor` in the given language, followed by `care` (its standing
    care paragraph with the region's crisis lines: safety.persona_care); `none` for no
    system prompt; anything else is used as the system prompt itself."""
    if choice is None or choice == "counsellor":
        persona = COUNSELLOR["zh" if language == "zh" else "en"]
        if not care:
            return persona
        return persona + care if language == "zh" else f"{persona} {care}"
    if choice == "none" or not choice.strip():
        return None
    return choice


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
    placeholders = [
        {"role": m.role, "content": f"\ue000{i}\ue001"} for i, m in enumerate(messages)
    ]
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
        segments.append(Segment(messages[index].content, True, index))
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
    placeholders = [
        {"role": m.role, "content": f"\ue000{i}\ue001"} for i, m in enumerate(messages)
    ][1:]
    for item in placeholders:
        if item["role"] == "user":
            item["content"] = "\ue0000\ue001\n\n" + item["content"]
            break
    try:
        return formatter(messages=placeholders).prompt
    except Exception as exc:  # noqa: BLE001
        raise UserError(
            f"the model's chat template failed ({exc}); "
            "import the model with another prompt format"
        ) from exc
