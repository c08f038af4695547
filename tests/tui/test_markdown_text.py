"""The growing Markdown widget: chunking, appending piece by piece, spare lines."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.markdown import Markdown as RichMarkdown
from textual.app import App, ComposeResult

from soulchat_local.tui.widgets.markdown_text import (
    CHUNK_CHARS,
    MarkdownText,
    chunks_of,
    cut_point,
    rich_markdown,
)

pytestmark = pytest.mark.anyio


def long_markdown(paragraphs: int) -> str:
    parts = []
    for i in range(paragraphs):
        parts.append(f"Paragraph {i} " + "word " * 60)
        if i % 7 == 3:
            parts.append("```python\n" + "\n\n".join(f"x{i} = {i}" for i in range(40)) + "\n```")
        if i % 5 == 1:
            parts.append("- first **point**\n- second ~~point~~\n  1. nested")
    return "\n\n".join(parts) + "\n"


class Host(App):
    def __init__(self, text: str = "", reserve: int = 0) -> None:
        super().__init__()
        self.text, self.reserve = text, reserve

    def compose(self) -> ComposeResult:
        yield MarkdownText(self.text, reserve=self.reserve, id="md")


def texts(widget: MarkdownText) -> list[str]:
    return [line.text.rstrip() for line in widget.lines]


def test_chunks_cover_the_text_and_never_split_a_code_fence() -> None:
    text = long_markdown(60)
    chunks = chunks_of(text)
    assert "".join(chunks) == text
    assert len(chunks) > 5
    for chunk in chunks[:-1]:
        assert len(chunk) >= CHUNK_CHARS and chunk.endswith("\n\n")
        assert chunk.count("```") % 2 == 0  # fences stay whole (the code has blank lines)
    assert cut_point("short\n\ntext") == 0


@pytest.mark.parametrize("dark", [True, False])
def test_shared_parser_renders_what_rich_markdown_renders(dark: bool) -> None:
    sample = ("# Title\n\nSome *emphasis*, `code`, ~~gone~~ and [a link](https://example.org).\n\n"
              "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint('hi')\n```\n\n"
              "1. one\n2. two\n\n> quoted 中文也可以\n")
    console = Console(width=60, force_terminal=True, color_system="truecolor")
    expected = RichMarkdown(sample, code_theme="monokai" if dark else "default",
                            hyperlinks=False)
    ours = rich_markdown(sample, dark)
    assert console.render_lines(ours) == console.render_lines(expected)


async def test_appending_piece_by_piece_renders_what_the_whole_text_renders(
        monkeypatch) -> None:  # noqa: ANN001
    text = long_markdown(40)
    rendered: list[int] = []
    render_chunk = MarkdownText._render_chunk

    def counting(self, chunk: str, dark: bool, width: int):  # noqa: ANN001, ANN202
        rendered.append(len(chunk))
        return render_chunk(self, chunk, dark, width)

    monkeypatch.setattr(MarkdownText, "_render_chunk", counting)
    app = Host(reserve=6)
    async with app.run_test(size=(100, 40)) as pilot:
        widget = app.query_one("#md", MarkdownText)
        await pilot.pause()
        rendered.clear()
        for start in range(0, len(text), 37):
            widget.append(text[start:start + 37])
        await pilot.pause()
        assert widget.source == text
        streamed = texts(widget)
        # each append renders the open chunk only, never the message so far
        assert max(rendered) < CHUNK_CHARS + 1500 < len(text) // 5
        widget.set_text(text)
        await pilot.pause()
        assert texts(widget) == streamed
        widget.set_text("**bold** and `code`")
        await pilot.pause()
        assert widget.source == "**bold** and `code`"
        assert texts(widget) == ["bold and code"]


async def test_streaming_keeps_spare_lines_and_gives_them_back() -> None:
    app = Host(reserve=4)
    async with app.run_test(size=(80, 30)) as pilot:
        widget = app.query_one("#md", MarkdownText)
        await pilot.pause()
        assert widget.size.height == 4  # room before any text
        step = widget.reserve_step()
        assert step == 10
        heights = []
        for i in range(60):
            widget.append(f"word{i} " * 3 + ("\n\n" if i % 4 == 3 else ""))
            await pilot.pause()
            heights.append(widget.size.height)
            assert widget.size.height >= widget.line_count
        # the height changed a few times, in steps, not with every new line
        changes = sum(1 for a, b in zip(heights, heights[1:], strict=False) if a != b)
        assert widget.line_count > 2 * step and changes <= widget.line_count // step + 1
        widget.settle()
        await pilot.pause()
        assert widget.size.height == widget.line_count


async def test_a_resize_wraps_the_lines_again() -> None:
    text = long_markdown(6)
    app = Host(text)
    async with app.run_test(size=(100, 40)) as pilot:
        widget = app.query_one("#md", MarkdownText)
        await pilot.pause()
        wide = widget.line_count
        assert widget.size.height == wide
        await pilot.resize_terminal(50, 40)
        await pilot.pause()
        assert widget.line_count > wide and widget.size.height == widget.line_count
        assert max(len(line) for line in texts(widget)) <= 50


async def test_a_theme_change_renders_the_lines_again() -> None:
    app = Host("Some `code` and:\n\n```python\nprint('hi')\n```\n")
    async with app.run_test(size=(60, 20)) as pilot:
        app.theme = "textual-dark"
        await pilot.pause()
        widget = app.query_one("#md", MarkdownText)
        dark = list(widget.lines)
        app.theme = "textual-light"
        await pilot.pause()
        widget.render_line(0)
        light = list(widget.lines)
        assert [line.text for line in light] == [line.text for line in dark]
        assert light != dark  # same text, other colours (the code theme follows the theme)
        assert light == widget._render_chunk(widget.source, False, widget.content_size.width)
