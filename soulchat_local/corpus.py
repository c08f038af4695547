"""Reading counselling dialogue corpora for fine-tuning and evaluation.

One loader for the shapes counselling data comes in, told apart by the shape of each
record (never by the file name; only a .jsonl file is always read line by line):

- SoulChatCorpus  `{"id", "topic", "messages": [{"role", "content"}, ...]}`
- PsyDTCorpus     `{"id", "normalizedTag", "messages": [system, user, assistant, ...]}`
- ShareGPT        `{"conversations": [{"from": "human"|"gpt"|"system", "value"}], "system"?}`
- our history     `soulchat history export ID --format json` (`title`, `messages` with
                  `created` and `partial`); a stopped (partial) reply and what follows it
                  are left out
- SoulChat v1     plain text `用户：…\\n心理咨询师：…` in `{"text"}`, or `{"input", "target"}`
                  (also `output` / `response`) where the input ends with `心理咨询师：`
- any other `{"messages": [{"role", "content"}]}` (OpenAI style)

A file is a JSON array of records, one JSON object, or JSON Lines (one record a line);
a directory means every *.json and *.jsonl file in it, in name order. A record that
cannot be read is counted and the first few are named (`file:line: why`); loading
never stops for one.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UserError
from .prompts import Message

BAD_EXAMPLES = 5  # how many bad records a LoadResult names

ROLES = {
    "system": "system",
    "user": "user",
    "human": "user",
    "用户": "user",
    "来访者": "user",
    "assistant": "assistant",
    "gpt": "assistant",
    "chatgpt": "assistant",
    "心理咨询师": "assistant",
    "咨询师": "assistant",
}

# A SoulChat v1 turn starts a line with its speaker and a full-width (or ASCII) colon.
_V1_TURN = re.compile(r"^(用户|心理咨询师)[：:]", re.MULTILINE)


@dataclass
class Dialogue:
    id: str
    messages: list[Message]
    source: str  # where it was read: "file:line"
    format: str  # "soulchat" | "psydt" | "sharegpt" | "history" | "soulchat-v1" | "messages"

    def targets(self) -> Iterator[tuple[list[Message], Message]]:
        """Every counsellor turn with the whole conversation before it, oldest first."""
        for index, message in enumerate(self.messages):
            if message.role == "assistant":
                yield self.messages[:index], message


@dataclass
class LoadResult:
    dialogues: list[Dialogue] = field(default_factory=list)
    bad_count: int = 0
    bad_examples: list[str] = field(default_factory=list)  # "file:line: why", the first few

    def formats(self) -> Counter[str]:
        """How many dialogues of each format were read."""
        return Counter(d.format for d in self.dialogues)

    def describe_bad(self) -> str:
        """One line for the user: how many records were skipped and the first reasons."""
        if not self.bad_count:
            return ""
        return f"skipped {self.bad_count} bad record(s): " + "; ".join(self.bad_examples)


class BadRecord(ValueError):
    """Why one record is not a usable dialogue."""


def load_dialogues(path: str | Path, *, limit: int | None = None) -> LoadResult:
    """Every readable dialogue under `path` (file or directory); at most `limit` of them."""
    root = Path(path).expanduser()
    if root.is_dir():
        files = sorted(p for p in root.iterdir() if p.suffix.lower() in (".json", ".jsonl"))
        if not files:
            raise UserError(f"no .json or .jsonl files in {root}")
    elif root.is_file():
        files = [root]
    else:
        raise UserError(f"dialogue data not found: {root}")
    result = LoadResult()
    for file in files:
        for where, record in _records(file):
            if limit is not None and len(result.dialogues) >= limit:
                return result
            try:
                if isinstance(record, BadRecord):
                    raise record
                result.dialogues.append(parse_record(record, where))
            except BadRecord as exc:
                result.bad_count += 1
                if len(result.bad_examples) < BAD_EXAMPLES:
                    result.bad_examples.append(f"{where}: {exc}")
    return result


# -- files -> records ----------------------------------------------------------------
def _records(file: Path) -> Iterator[tuple[str, Any]]:
    """(file:line, record) for each record; a record that is not JSON comes as BadRecord."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        yield f"{file.name}:1", BadRecord("the file is not UTF-8 text")
        return
    except OSError as exc:
        raise UserError(f"cannot read {file}: {exc.strerror or exc}") from exc
    start = _skip_space(text, 0)
    if start == len(text):
        return
    if file.suffix.lower() != ".jsonl":
        if text[start] == "[":
            yield from _array_records(file.name, text, start)
            return
        try:
            record, end = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError:
            record, end = None, -1
        if end >= 0 and _skip_space(text, end) == len(text):
            yield f"{file.name}:{_line(text, start)}", record
            return
        first = text[start:].split("\n", 1)[0]
        try:
            json.loads(first)
        except json.JSONDecodeError:  # one broken document, not JSON Lines
            error = _broken(text, start)
            yield (
                f"{file.name}:{_line(text, error.pos)}",
                BadRecord(f"not valid JSON ({error.msg})"),
            )
            return
    yield from _line_records(file.name, text)


def _broken(text: str, start: int) -> json.JSONDecodeError:
    try:
        json.loads(text[start:])
    except json.JSONDecodeError as exc:
        return json.JSONDecodeError(exc.msg, text, start + exc.pos)
    return json.JSONDecodeError("extra data", text, start)


def _array_records(name: str, text: str, start: int) -> Iterator[tuple[str, Any]]:
    """The elements of a JSON array, each with the line it starts on."""
    position = _skip_space(text, start + 1)
    if position < len(text) and text[position] == "]":
        return
    while position < len(text):
        where = f"{name}:{_line(text, position)}"
        try:
            record, position = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            yield where, BadRecord(f"not valid JSON ({exc.msg}); the rest of the file is skipped")
            return
        yield where, record
        position = _skip_space(text, position)
        if position == len(text):
            break
        if text[position] == ",":
            position = _skip_space(text, position + 1)
        elif text[position] == "]":
            return
        else:
            where = f"{name}:{_line(text, position)}"
            yield where, BadRecord("the JSON array is broken here; the rest of the file is skipped")
            return
    yield f"{name}:{_line(text, position)}", BadRecord("the JSON array is not closed")


def _line_records(name: str, text: str) -> Iterator[tuple[str, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield f"{name}:{number}", BadRecord(f"not valid JSON ({exc.msg})")
            continue
        yield f"{name}:{number}", record


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"\s*")


def _skip_space(text: str, position: int) -> int:
    return _SPACE.match(text, position).end()  # type: ignore[union-attr]


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


# -- record -> dialogue --------------------------------------------------------------
def parse_record(record: Any, where: str = "?") -> Dialogue:
    """One record as a Dialogue; BadRecord says why it is not one."""
    if not isinstance(record, dict):
        raise BadRecord(f"a record must be a JSON object, not {_kind(record)}")
    if "messages" in record:
        fmt, messages = _from_messages(record)
    elif "conversations" in record:
        fmt, messages = "sharegpt", _from_sharegpt(record)
    elif isinstance(record.get("text"), str) or isinstance(record.get("input"), str):
        fmt, messages = "soulchat-v1", _from_v1(record)
    else:
        keys = ", ".join(sorted(map(str, record))[:6]) or "none"
        raise BadRecord(
            f"unknown record shape (keys: {keys}); expected messages, conversations, text or input"
        )
    _check_order(messages)
    raw_id = record.get("id")
    ident = str(raw_id) if isinstance(raw_id, (str, int)) and str(raw_id) else where
    return Dialogue(ident, messages, where, fmt)


def _from_messages(record: dict[str, Any]) -> tuple[str, list[Message]]:
    items = record["messages"]
    if not isinstance(items, list) or not items:
        raise BadRecord("`messages` must be a non-empty list")
    is_history = "title" in record and any(
        isinstance(item, dict) and "partial" in item for item in items
    )
    messages: list[Message] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise BadRecord(f"message {number} is {_kind(item)}, not an object")
        if is_history and item.get("partial"):
            break  # a reply the user stopped is no counsellor turn, nor is what follows
        if "role" not in item or "content" not in item:
            raise BadRecord(f"message {number} has no `role` or no `content`")
        messages.append(_message(item["role"], item["content"], number))
    if is_history:
        fmt = "history"
    elif "normalizedTag" in record:
        fmt = "psydt"
    elif "topic" in record:
        fmt = "soulchat"
    else:
        fmt = "messages"
    return fmt, messages


def _from_sharegpt(record: dict[str, Any]) -> list[Message]:
    items = record["conversations"]
    if not isinstance(items, list) or not items:
        raise BadRecord("`conversations` must be a non-empty list")
    messages: list[Message] = []
    system = record.get("system")
    if isinstance(system, str) and system.strip():
        messages.append(Message("system", system))
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise BadRecord(f"conversation turn {number} is {_kind(item)}, not an object")
        if "from" not in item or "value" not in item:
            raise BadRecord(f"conversation turn {number} has no `from` or no `value`")
        messages.append(_message(item["from"], item["value"], number))
    return messages


def _from_v1(record: dict[str, Any]) -> list[Message]:
    if isinstance(record.get("text"), str):
        return parse_v1_text(record["text"])
    target = next((record[k] for k in ("target", "output", "response") if k in record), None)
    if not isinstance(target, str) or not target.strip():
        raise BadRecord("an `input` record needs a non-empty `target`, `output` or `response`")
    context = record["input"].rstrip()
    if not re.search(r"心理咨询师[：:]$", context):
        context += "\n心理咨询师："
    return parse_v1_text(context + target)


def parse_v1_text(text: str) -> list[Message]:
    """`用户：…\\n心理咨询师：…` turns as messages; a line without a speaker continues the turn."""
    turns = list(_V1_TURN.finditer(text))
    if not turns or text[: turns[0].start()].strip():
        raise BadRecord("text is not in the SoulChat v1 form `用户：…\\n心理咨询师：…`")
    messages = []
    ends = [t.start() for t in turns[1:]] + [len(text)]
    for number, (turn, end) in enumerate(zip(turns, ends, strict=True), start=1):
        messages.append(_message(turn.group(1), text[turn.end() : end].strip(), number))
    return messages


def _message(role: Any, content: Any, number: int) -> Message:
    mapped = ROLES.get(role.strip().lower()) if isinstance(role, str) else None
    if mapped is None:
        raise BadRecord(f"message {number} has unknown role {role!r}")
    if not isinstance(content, str):
        raise BadRecord(f"message {number} content is {_kind(content)}, not text")
    if not content.strip():
        raise BadRecord(f"message {number} is empty")
    return Message(mapped, content)


def _check_order(messages: list[Message]) -> None:
    """An optional system prompt first, then user and counsellor turns taking turns."""
    turns = messages[1:] if messages and messages[0].role == "system" else messages
    expected = "user"
    for number, message in enumerate(turns, start=len(messages) - len(turns) + 1):
        if message.role != expected:
            if message.role == "system":
                raise BadRecord(f"message {number} is a system prompt after the first message")
            raise BadRecord(
                f"message {number} is a {message.role} turn where a {expected} turn belongs "
                "(turns must alternate, starting with the user)"
            )
        expected = "assistant" if expected == "user" else "user"
    if not any(m.role == "assistant" for m in turns):
        raise BadRecord("no counsellor (assistant) turn")


def _kind(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true/false",
        type(None): "null",
        int: "a number",
        float: "a number",
    }
    return names.get(type(value), type(value).__name__)
