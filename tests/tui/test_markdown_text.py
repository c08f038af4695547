"""The growing Markdown widget: chunking, and appending piece by piece."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from soulchat_local.tui.widgets.markdown_text import CHUNK_CHARS, MarkdownText, chunks_of, cut_point

pytestmark = pytest.mark.anyio


def long_markdown(paragraphs: int) -> str:
    parts = []
    for i in range(paragraphs):
        parts.append(f"Paragraph {i} " + "word " * 60)
        if i % 7 == 3:
            parts.append("```python\n" + "\n\n".join(f"x{i} = {i}" for i in range(40)) + "\n```")
    return "\n\n".join(parts) + "\n"


def test_chunks_cover_the_text_and_never_split_a_code_fence() -> None:
    text = long_markdown(60)
    chunks = chunks_of(text)
    assert "".join(chunks) == text
    assert len(chunks) > 5
    for chunk in chunks[:-1]:
        assert len(chunk) >= CHUNK_CHARS and chunk.endswith("\n\n")
        assert chunk.count("```") % 2 == 0  # fences stay whole (the code has blank lines)
    assert cut_point("short\n\ntext") == 0


async def test_appending_piece_by_piece_gives_the_same_chunks() -> None:
    text = long_markdown(40)

    class Host(App):
        def compose(self) -> ComposeResult:
            yield MarkdownText(id="md")

    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        widget = app.query_one("#md", MarkdownText)
        for start in range(0, len(text), 37):
            await widget.append(text[start:start + 37])
        await pilot.pause()
        assert widget.source == text
        statics = list(widget.query_children(Static))
        assert len(statics) == len(chunks_of(text))  # a few widgets, not one per block
        await widget.set_text("**bold** and `code`")
        await pilot.pause()
        assert widget.source == "**bold** and `code`"
        assert len(list(widget.query_children(Static))) == 1
