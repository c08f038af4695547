"""Wrapping of Chinese text mixed with English (tui/cjk.py)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from soulchat_local.tui import cjk

MIXED = "欢迎。这是一个完全在你电脑上运行的 AI 陪伴者，你写下的内容不会离开这台电脑。Hello world, this is English."


def wrapped(text: str, width: int) -> list[str]:
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(Text(text))
    return console.export_text().rstrip("\n").split("\n")


def test_chinese_breaks_between_characters_not_before_closing_punctuation() -> None:
    assert cjk.install()
    lines = wrapped(MIXED, 30)
    assert "".join(line.rstrip() for line in lines).replace(" ", "") == MIXED.replace(" ", "")
    for line in lines[:-1]:
        assert Console().measure(Text(line.rstrip())).maximum >= 24  # no half-empty lines
    for line in lines[1:]:
        assert line[0] not in "，。！？；：、）"
    # English still breaks at spaces only
    assert [line.rstrip() for line in wrapped("alpha beta gamma delta", 12)] == [
        "alpha beta", "gamma delta"]
