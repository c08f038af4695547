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
from rich.segment import Segment
from textual.containers import Vertical
from textual.widgets import Static

CHUNK_CHARS = 800
RESERVE_LINES = 6


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
    """One chunk of the message.

    While it grows it reserves room in steps of RESERVE_LINES: most appends then leave its
    height unchanged and need a repaint of this widget only, not a layout of the screen
    (a layout is most of what an append costs).
    """

    reserved: int = 0
    markdown: RichMarkdown | None = None

    def show(self, markdown: RichMarkdown) -> None:
        """Show growing text: rendered once here (the lines tell the height, and the
        widget paints them as they are); settle() renders it normally at the end."""
        width = self.content_region.width
        self.markdown = markdown
        if width <= 0 or not self.is_attached:
            self.update(markdown)
            return
        console = self.app.console
        lines = console.render_lines(markdown, console.options.update_width(width), pad=False)
        grew = len(lines) > self.reserved
        if grew:
            self.reserved = len(lines) + RESERVE_LINES
            self.styles.min_height = self.reserved
        self.update(RenderedLines(lines), layout=grew)

    def settle(self) -> None:
        """Give back the room reserved for text that will not come, and show the text
        as Markdown again (so that it re-wraps when the window is resized)."""
        if self.reserved:
            self.reserved = 0
            self.styles.min_height = None
        if self.markdown is not None:
            self.update(self.markdown)
            self.markdown = None


class RenderedLines:
    """Lines of segments that Rich already rendered, handed to a widget as they are."""

    def __init__(self, lines: list[list[Segment]]) -> None:
        self.lines = lines

    def __rich_console__(self, console, options):  # noqa: ANN001, ANN204
        for line in self.lines:
            yield from line
            yield Segment.line()


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

    def settle(self) -> None:
        """The text is complete: no more room is kept for it."""
        for chunk in self.query_children(Chunk):
            chunk.settle()

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
            tail.settle()
            tail.update(self._markdown(closed))
            tail = Chunk("")
            new.append(tail)
        tail.show(self._markdown(self._tail))
        if new:
            await self.mount_all(new)
