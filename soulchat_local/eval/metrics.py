"""The SoulChat paper's automatic metrics, on our own tokens.

Tokens: text is NFKC-normalised (full-width letters and digits become ASCII) and
lower-cased; every CJK character (Han, kana, Hangul) is one token and every run of other
letters and digits is one token (so Chinese is scored character by character and English
word by word, in one text as in the other); punctuation, symbols and spaces only separate
tokens. This is rouge-score's default English tokenizer, widened to CJK characters, and
used for every metric, so that matching "，" and "。" earns no BLEU.

- BLEU-n (n = 1..4) is *cumulative* and *corpus-level*, as sacrebleu computes it: clipped
  n-gram matches and totals are summed over all pairs, BLEU-n = BP * exp(mean of log p_k
  for k = 1..n), BP = exp(1 - ref_len / hyp_len) when the replies are shorter in total,
  else 1. Smoothing is sacrebleu's default "exp" (Chen & Cherry 2014, method 3, NIST): the
  k-th order with no match gets p = 1 / (2^k * total). No match at all, or an order with no
  n-grams, gives 0.
- ROUGE-1/2 and ROUGE-L are F1 (beta = 1) per pair, as rouge-score computes them, then
  averaged over pairs: F1 = 2PR / (P + R) from clipped n-gram overlap (ROUGE-n) or from
  the longest common subsequence (ROUGE-L, sentence level, not "Lsum").
- distinct-n (Li et al. 2016): distinct n-grams / all n-grams over all generated replies.
- mean length: tokens per reply.

Scores are reported on a 0-100 scale except mean length.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_TOKEN = re.compile(rf"[{_CJK}]|(?:(?![{_CJK}])[^\W_])+")

METRICS = (
    "bleu-1",
    "bleu-2",
    "bleu-3",
    "bleu-4",
    "rouge-1",
    "rouge-2",
    "rouge-l",
    "distinct-1",
    "distinct-2",
    "mean_length",
)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def ngrams(words: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def bleu(
    hypotheses: Sequence[Sequence[str]], references: Sequence[Sequence[str]], max_order: int = 4
) -> list[float]:
    """Corpus BLEU-1 .. BLEU-max_order (cumulative, 'exp' smoothing), 0-100."""
    correct = [0] * max_order
    total = [0] * max_order
    hyp_len = sum(len(h) for h in hypotheses)
    ref_len = sum(len(r) for r in references)
    for hyp, ref in zip(hypotheses, references, strict=True):
        for n in range(1, max_order + 1):
            hyp_grams, ref_grams = ngrams(hyp, n), ngrams(ref, n)
            total[n - 1] += sum(hyp_grams.values())
            correct[n - 1] += sum(min(c, ref_grams[g]) for g, c in hyp_grams.items())
    if not any(correct):
        return [0.0] * max_order
    brevity = 1.0 if hyp_len >= ref_len else math.exp(1 - ref_len / hyp_len)
    log_precisions: list[float] = []
    scores: list[float] = []
    zero_orders = 0
    for n in range(max_order):
        if total[n] == 0:
            scores += [0.0] * (max_order - n)
            break
        if correct[n] == 0:
            zero_orders += 1
            precision = 1 / (2**zero_orders * total[n])
        else:
            precision = correct[n] / total[n]
        log_precisions.append(math.log(precision))
        scores.append(100 * brevity * math.exp(sum(log_precisions) / len(log_precisions)))
    return scores


def _f1(overlap: int, hyp_count: int, ref_count: int) -> float:
    if overlap == 0:
        return 0.0
    precision, recall = overlap / hyp_count, overlap / ref_count
    return 2 * precision * recall / (precision + recall)


def rouge_n(hyp: Sequence[str], ref: Sequence[str], n: int) -> float:
    """ROUGE-n F1 of one pair, 0-1."""
    hyp_grams, ref_grams = ngrams(hyp, n), ngrams(ref, n)
    overlap = sum((hyp_grams & ref_grams).values())
    return _f1(overlap, sum(hyp_grams.values()), sum(ref_grams.values()))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    if len(a) < len(b):
        a, b = b, a
    row = [0] * (len(b) + 1)
    for x in a:
        diagonal = 0
        for j, y in enumerate(b, start=1):
            above = row[j]
            row[j] = diagonal + 1 if x == y else max(row[j], row[j - 1])
            diagonal = above
    return row[-1]


def rouge_l(hyp: Sequence[str], ref: Sequence[str]) -> float:
    """ROUGE-L F1 of one pair (longest common subsequence), 0-1."""
    return _f1(lcs_length(hyp, ref), len(hyp), len(ref))


def distinct(texts: Sequence[Sequence[str]], n: int) -> float:
    """Distinct n-grams over all n-grams of all texts, 0-1 (0 when there are none)."""
    seen: set[tuple[str, ...]] = set()
    count = 0
    for words in texts:
        grams = ngrams(words, n)
        seen.update(grams)
        count += sum(grams.values())
    return len(seen) / count if count else 0.0


def diversity(texts: Sequence[str]) -> dict[str, float]:
    """distinct-1/2 (0-100) and mean length (tokens) of a set of texts."""
    words = [tokens(t) for t in texts]
    return {
        "distinct-1": 100 * distinct(words, 1),
        "distinct-2": 100 * distinct(words, 2),
        "mean_length": sum(map(len, words)) / len(words) if words else 0.0,
    }


def score(replies: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Every metric of METRICS for generated replies against their references."""
    if len(replies) != len(references):
        raise ValueError("one reply per reference")
    hyps = [tokens(r) for r in replies]
    refs = [tokens(r) for r in references]
    scores = dict(zip(("bleu-1", "bleu-2", "bleu-3", "bleu-4"), bleu(hyps, refs), strict=True))
    pairs = list(zip(hyps, refs, strict=True))
    count = max(len(pairs), 1)
    scores["rouge-1"] = 100 * sum(rouge_n(h, r, 1) for h, r in pairs) / count
    scores["rouge-2"] = 100 * sum(rouge_n(h, r, 2) for h, r in pairs) / count
    scores["rouge-l"] = 100 * sum(rouge_l(h, r) for h, r in pairs) / count
    scores.update(diversity(replies))
    return scores
