"""Hashed n-gram features for the learned layer (pure Python, so training and inference
compute exactly the same thing).

Chinese: character 1-3-grams of the simplified text. English: word 1-2-grams and character
3-5-grams inside word boundaries. Every feature is hashed (crc32) into DIM buckets; values
are log(1 + count), L2-normalised, so a long post does not weigh more than a short message.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from functools import lru_cache

from . import normalize

DIM = 1 << 18
MAX_CHARS = 3000  # the head and tail of a very long text are what the classifier reads

# Set phrases that use death words for something else (hyperbole, hair dye, a process, the
# news). They are replaced by one neutral token before the n-grams are taken, in training and
# at run time alike, so the classifier cannot learn "死" or "die" as risk from them.
_ZH_IDIOM = re.compile(
    r"[累热饿冷困气吓笑烦忙丑美帅香穷闷渴痒疼痛困酸]死(?:了|我了|人了|啦|掉了)?|想死(?:你们|你|您|我|他|她)了?|死机|死定了|"
    r"跳楼价|跳楼机|作死|死党|死磕|得要死|要死不活|(?:自杀|轻生)(?:率|预防|干预|热线|新闻|事件)|(?:预防|防止)(?:自杀|轻生)"
)
_EN_IDIOM = re.compile(
    r"\b(?:dying to|killing it|cut (?:myself|me) (?:some )?slack|(?:be|is) the (?:death|end) of me|(?:is|are|was) killing me|to death|(?:died|dying|dead) laughing|drop-dead|"
    r"d[iy]e (?:my|her|his|their|the) (?:\w+ )?hair|cut (?:myself|me) a (?:slice|piece)|"
    r"kill (?:the|a|this|that) (?:process|task|job|app|lights|engine|server|program|bug)|tired of living (?:in|with|at|here)|"
    r"(?:phone|battery|laptop|car|computer) (?:died|is dead)|suicide (?:prevention|rates?|awareness|statistics))\b"
)
# More such phrases, which the encoder layer reads out as well (stop 20). risk_model.npz was
# trained before them; fold them into the two patterns above when it is next retrained.
_LATER = re.compile(
    r"死也不|打死我也|死活|杀死(?:一个|这个|那个)?(?:进程|程序|任务)|"
    r"\bend (?:the|this|our) (?:call|meeting|game|stream)\b"
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ZH_KEEP = re.compile(r"[\u3400-\u9fff\uf900-\ufaff〇a-z0-9]+")
_LATIN = re.compile(r"[A-Za-z]")
_EN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def language(text: str) -> str:
    """'zh' when a fifth or more of the letters are Chinese characters, else 'en'."""
    cjk = len(_CJK.findall(text))
    letters = cjk + len(_LATIN.findall(text))
    return "zh" if letters and cjk / letters >= 0.2 else "en"


def length(text: str) -> int:
    """Words in English, characters in Chinese (the unit the short-message rule counts)."""
    if language(text) == "zh":
        return len(_CJK.findall(text))
    return len(_EN_WORD.findall(text.lower()))


def without_set_phrases(text: str) -> str:
    """The lower-cased text with the set phrases above taken out (the encoder layer reads
    it so: the embedding of "我想死你了" is near the embedding of a wish to die)."""
    text = _LATER.sub(" ", _ZH_IDIOM.sub("", text.lower()))
    return " ".join(_EN_IDIOM.sub(" ", text).split())


def _clip(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    half = MAX_CHARS // 2
    return text[:half] + " " + text[-half:]


def _h(gram: str) -> int:
    return zlib.crc32(gram.encode("utf-8")) % DIM


def _zh_counts(text: str) -> Counter[int]:
    counts: Counter[int] = Counter()
    for run in _ZH_KEEP.findall(_ZH_IDIOM.sub("〇", normalize.chinese(text))):
        counts.update(_h("z" + run[i : i + n]) for n in (1, 2, 3) for i in range(len(run) - n + 1))
    return counts


@lru_cache(maxsize=50_000)
def _word(word: str) -> tuple[int, ...]:
    """The word itself and its character 3-5-grams, hashed (cached: words repeat)."""
    padded = f" {word} "
    grams = ["w" + word] + [
        "c" + padded[i : i + n] for n in (3, 4, 5) for i in range(len(padded) - n + 1)
    ]
    return tuple(_h(g) for g in grams)


def _en_counts(text: str) -> Counter[int]:
    words = _EN_WORD.findall(_EN_IDIOM.sub(" xidiomx ", normalize.english(text)))
    hashed = [i for w in words for i in _word(w)]
    hashed += [_h("b" + a + " " + b) for a, b in zip(words, words[1:], strict=False)]
    return Counter(hashed)


def featurize(text: str) -> tuple[list[int], list[float]]:
    """Sparse (indices, values) for one text, each index once."""
    text = _clip(text)
    counts = _zh_counts(text) if language(text) == "zh" else _en_counts(text)
    if not counts:
        return [], []
    values = [math.log1p(c) for c in counts.values()]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return list(counts), [v / norm for v in values]
