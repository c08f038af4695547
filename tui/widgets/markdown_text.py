"""Markdown that grows: one widget that paints its lines itself (Textual's line API).

The text is cut into chunks at paragraph breaks. A chunk that is complete (about
CHUNK_CHARS of text ending at a blank line outside a code fence) is rendered to lines
once; only the open chunk at the end is rendered again when text arrives, so appending
costs the size of that chunk, not of the message (a long reply never turns quadratic).

While text streams in, the widget keeps spare lines below the text: an append that
fits in them repaints only the lines that changed, and only an append that overflows
them needs a layout of the screen (a layout is most of what a frame would otherwise
cost; see tests/tui/bench_tui.py).
"""

from __future__ import annotations

import copy

from markdown_it import MarkdownIt
from rich.markdown import Markdown as RichMarkdown
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

CHUNK_CHARS = 400
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


# Rich's Markdown builds a new parser (with its link matcher) for every text it is given,
# which is most of what rendering a short text costs: streaming parses with one parser,
# set up with the rules Rich's Markdown enables, and hands the tokens to a copy of a
# Markdown made once per theme.
PARSER = MarkdownIt().enable("strikethrough").enable("table")
TEMPLATES: dict[bool, RichMarkdown] = {}


def rich_markdown(text: str, dark: bool) -> RichMarkdown:
    """Rich's Markdown of `text`, the same as RichMarkdown(text, ...) renders."""
    if dark not in TEMPLATES:
        TEMPLATES[dark] = RichMarkdown("", code_theme="monokai" if dark else "default",
                                       hyperlinks=False)
    markdown = copy.copy(TEMPLATES[dark])
    markdown.markup = text
    markdown.parsed = PARSER.parse(text)
    return markdown


def common_prefix(old: list[Strip], new: list[Strip]) -> int:
    count = 0
    for before, after in zip(old, new, strict=False):
        if before != after:
            break
        count += 1
    return count


class MarkdownText(Widget):
    DEFAULT_CSS = "MarkdownText { height: auto; }"

    def __init__(self, text: str = "", *, reserve: int = 0,
                 **kwargs) -> None:  # noqa: ANN003
        """`reserve`: lines to keep for text about to stream in (0: the text is complete)."""
        super().__init__(**kwargs)
        pieces = chunks_of(text)
        self._chunks: list[str] = pieces[:-1]
        self._tail = pieces[-1]
        self._key: tuple[int, bool] | None = None  # (width, dark) the lines are for
        self._dark: bool | None = None
        self._done_lines: list[Strip] = []  # lines of the closed chunks
        self._tail_lines: list[Strip] = []
        self.reserved = reserve  # height kept while text streams in

    @property
    def source(self) -> str:
        return "".join(self._chunks) + self._tail

    @property
    def line_count(self) -> int:
        return len(self._done_lines) + len(self._tail_lines)

    @property
    def lines(self) -> list[Strip]:
        """The rendered lines (at the width of the last layout or append)."""
        return self._done_lines + self._tail_lines

    # -- rendering ---------------------------------------------------------------------
    def _render_chunk(self, text: str, dark: bool, width: int) -> list[Strip]:
        markdown = rich_markdown(text.rstrip("\n"), dark)
        console = self.app.console
        options = self.app.console_options.update_width(width).update(highlight=False)
        return [Strip(line) for line in console.render_lines(markdown, options, pad=False)]

    def _closed_lines(self, text: str, dark: bool, width: int) -> list[Strip]:
        # a closed chunk ended at a blank line: keep it as the gap to the next one
        return [*self._render_chunk(text, dark, width), Strip.blank(0)]

    def _tail_rendered(self, dark: bool, width: int) -> list[Strip]:
        return self._render_chunk(self._tail, dark, width) if self._tail else []

    def _current_key(self, width: int) -> tuple[int, bool]:
        if self._dark is None:  # looked up once per style change: render_line asks often
            self._dark = self.app.current_theme.dark
        return width, self._dark

    def _ensure_lines(self, width: int) -> None:
        """Render everything again when the width or the theme changed."""
        key = self._current_key(width)
        if key == self._key:
            return
        self._key = key
        _, dark = key
        self._done_lines = [line for chunk in self._chunks
                            for line in self._closed_lines(chunk, dark, width)]
        self._tail_lines = self._tail_rendered(dark, width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if width <= 0:
            return 0
        self._ensure_lines(width)
        return max(self.line_count, self.reserved)

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        style = self.rich_style
        self._ensure_lines(width)
        done = len(self._done_lines)
        if y < done:
            line = self._done_lines[y]
        elif y - done < len(self._tail_lines):
            line = self._tail_lines[y - done]
        else:
            return Strip.blank(width, style)
        return line.apply_style(style).crop_extend(0, width, style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._key = self._dark = None  # the theme (or colours) may have changed

    # -- changing the text -------------------------------------------------------------
    def set_text(self, text: str) -> None:
        pieces = chunks_of(text)
        self._chunks, self._tail = pieces[:-1], pieces[-1]
        self._key = None
        self.reserved = 0
        self.refresh(layout=True)

    def append(self, text: str) -> None:
        """Add streamed text: re-render the open chunk, repaint the lines that changed."""
        self._tail += text
        width = self.content_size.width
        if width <= 0 or self._key != self._current_key(width):
            self._key = None  # not laid out yet (or resized): the next layout renders it
            self.refresh(layout=True)
            return
        _, dark = self._key
        first = len(self._done_lines)
        before = self.line_count
        while cut := cut_point(self._tail):
            closed, self._tail = self._tail[:cut], self._tail[cut:]
            self._chunks.append(closed)
            self._done_lines += self._closed_lines(closed, dark, width)
            self._tail_lines = []
        lines = self._tail_rendered(dark, width)
        if first == len(self._done_lines):
            first += common_prefix(self._tail_lines, lines)
        self._tail_lines = lines
        if self.line_count > self.reserved:
            self.reserved = self.line_count + self.reserve_step()
            self.refresh(layout=True)
        else:
            self.refresh(Region(0, first, width, max(before, self.line_count) - first))

    def reserve_step(self) -> int:
        """Spare lines kept below streaming text: a third of the screen, so that a long
        reply needs a layout every dozen lines or so, not on every new line."""
        return max(RESERVE_LINES, self.app.size.height // 3)

    def settle(self) -> None:
        """The text is complete: give back the spare lines."""
        if self.reserved:
            self.reserved = 0
            self.refresh(layout=True)
