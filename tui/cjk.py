"""Line breaking for Chinese, Japanese and Korean text.

Rich (which Textual uses to wrap text) breaks lines only at spaces, so a run of CJK
text is one long "word": in mixed text such as "运行的 AI 陪伴者，你写下的内容……" the whole
run after "AI" jumps to the next line, leaving half a line empty. CJK text may break
between any two characters, except before closing punctuation (。，！ ...), so
`install()` gives Rich's word splitter a pattern that makes each CJK character (with
the closing punctuation after it) a word of its own. Rich reads that module-level
pattern on every call; if a later Rich stops using it, wrapping simply falls back to
Rich's own behaviour.
"""

from __future__ import annotations

import re

CJK = "\u2e80-\u2fff\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
# closing punctuation that must not start a line (fullwidth forms and CJK symbols)
CLOSING = "\u3001\u3002\u300d\u300f\u3011\u3015\u3009\u300b\uff01\uff09\uff0c\uff0e\uff1a\uff1b\uff1f\u201d\u2019\u2026\u2014"
OPENING_OR_PUNCT = "\u3000-\u303f\uff00-\uffef"

WORD = re.compile(
    rf"\s*(?:[{CJK}{OPENING_OR_PUNCT}][{CLOSING}]*|[^\s{CJK}{OPENING_OR_PUNCT}]+[{CLOSING}]*)\s*"
)


def install() -> bool:
    """Use the CJK-aware word pattern in Rich's wrapper; False if Rich has no such hook."""
    try:
        from rich import _wrap
    except ImportError:  # pragma: no cover - Rich always ships it today
        return False
    if not isinstance(getattr(_wrap, "re_word", None), re.Pattern):
        return False
    _wrap.re_word = WORD
    return True
