"""Markdown that grows: the text is cut into chunks at paragraph breaks.

A chunk that is complete (about CHUNK_CHARS of text ending at a blank line outside a
code fence) is rendered once and left alone; only the open chunk at the end is
rendered again when text arrives. Appending therefore costs the size of the open
chunk, not of the message, and a long reply is a handful of widgets (mounting a widget
per Markdown block is what makes Textual's Markdown widget slow for long replies; see
tests/tui/bench_tui.py).
"""

from __future__ import annotations

from rich.markdown import Markdown as RichMarkdown
from textual.containers import Vertical
from textual.widgets import Static

CHUNK_CHARS = 1500


def cut_point(text: str, minimum: int = CHUNK_CHARS) -> int:
    """Where to close the chunk: just after the first blank line at or beyond `minimum`
    characters that is not inside a ``` fence and has text after it; 0 when none."""
    if len(text) < minimum:
        return 0
    fence_open = False
    position = 0
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith(("```", "~~~")):
            fence_open = not fence_open
        position += len(line)
        if (not fence_open and not line.strip() and position >= minimum
                and position < len(text)):
            return position
    return 0


def chunks_of(text: str) -> list[str]:
    """The text cut into chunks the way streaming cuts it."""
    pieces = []
    while True:
        cut = cut_point(text)
        if not cut:
            pieces.append(text)
            return pieces
        pieces.append(text[:cut])
        text = text[cut:]


class Chunk(Static):
    """One chunk of the message; remembers its height in lines."""

    lines: int = -1

    def show(self, markdown: RichMarkdown) -> None:
        """Show new text, and ask for a layout only when the height changed: most
        appends extend the last line, and a repaint of this widget is all they need."""
        width = self.content_region.width
        if width <= 0 or not self.is_attached:
            self.lines = -1
            self.update(markdown)
            return
        console = self.app.console
        lines = len(console.render_lines(markdown, console.options.update_width(width),
                                         pad=False))
        changed, self.lines = lines != self.lines, lines
        self.update(markdown, layout=changed)


class MarkdownText(Vertical):
    DEFAULT_CSS = """
    MarkdownText { height: auto; }
    MarkdownText > Chunk { height: auto; }
    """

    def __init__(self, text: str = "", **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self._done_chunks: list[str] = []
        self._tail = ""
        self._initial = text

    @property
    def source(self) -> str:
        return "".join(self._done_chunks) + self._tail

    def _markdown(self, text: str) -> RichMarkdown:
        dark = self.app.current_theme.dark if self.is_attached else True
        return RichMarkdown(text.rstrip("\n"), code_theme="monokai" if dark else "default",
                            hyperlinks=False)

    async def on_mount(self) -> None:
        if self._initial:
            text, self._initial = self._initial, ""
            await self.set_text(text)
        elif not self.children:
            await self.mount(Chunk(""))

    async def set_text(self, text: str) -> None:
        pieces = chunks_of(text)
        self._done_chunks, self._tail = pieces[:-1], pieces[-1]
        await self.remove_children()
        await self.mount_all([Chunk(self._markdown(piece)) for piece in pieces])

    async def append(self, text: str) -> None:
        if not self.children:
            await self.mount(Chunk(""))
        self._tail += text
        tail = self.children[-1]
        assert isinstance(tail, Chunk)
        new: list[Chunk] = []
        while cut := cut_point(self._tail):
            closed, self._tail = self._tail[:cut], self._tail[cut:]
            self._done_chunks.append(closed)
            tail.update(self._markdown(closed))
            tail = Chunk("")
            new.append(tail)
        tail.show(self._markdown(self._tail))
        if new:
            await self.mount_all(new)
