"""The private attributes of Textual and Rich the app relies on (no public way exists).

pyproject.toml bounds both packages; these tests are what tells a version bump that a
hook is gone, loudly, instead of the footer keeping English labels or Chinese text
wrapping badly without anyone noticing.
"""

from __future__ import annotations

import re
from importlib.metadata import version

from textual.binding import Binding

from soulchat_local.tui import cjk
from soulchat_local.tui.widgets.chat_input import ChatInput


def test_textual_nodes_keep_their_bindings_in_key_to_bindings() -> None:
    # tui/footer.py relabels the footer by replacing the Binding objects of live nodes
    node = ChatInput()
    table = getattr(getattr(node, "_bindings", None), "key_to_bindings", None)
    assert isinstance(table, dict), (
        f"textual {version('textual')} has no DOMNode._bindings.key_to_bindings: "
        "tui/footer.py localize_bindings() needs another way to relabel keys"
    )
    assert table and all(
        isinstance(key, str) and isinstance(b, Binding) for key, bs in table.items() for b in bs
    ), f"textual {version('textual')} changed what key_to_bindings holds"
    assert any(b.action == "submit" for bs in table.values() for b in bs)


def test_rich_splits_words_with_the_module_pattern_re_word() -> None:
    # tui/cjk.py replaces that pattern; Rich must still read it on every call
    from rich import _wrap

    assert isinstance(getattr(_wrap, "re_word", None), re.Pattern), (
        f"rich {version('rich')} has no rich._wrap.re_word: tui/cjk.py cannot make CJK "
        "text break between characters"
    )
    saved = _wrap.re_word
    try:
        _wrap.re_word = re.compile(r"\s*\S+\s*")
        # 7 cells: Rich's own pattern moves the whole CJK run ("one word") to line 2
        assert _wrap.divide_line("ab 一二三四五", 7) == [3, 6]
        assert cjk.install()
        assert _wrap.divide_line("ab 一二三四五", 7) == [5], "rich stopped reading re_word"
    finally:
        _wrap.re_word = saved
