"""The eval metrics against values worked out by hand (the arithmetic is in each test)."""

from __future__ import annotations

import math

import pytest

from soulchat_local.eval.metrics import (
    METRICS,
    bleu,
    distinct,
    lcs_length,
    rouge_l,
    rouge_n,
    score,
    tokens,
)

approx = pytest.approx

EN_HYP, EN_REF = "The cat sat on the mat.", "the cat is on the mat"
ZH_HYP, ZH_REF = "我很难过。", "我真的很难过，"


def test_tokens_are_characters_for_chinese_and_words_for_english() -> None:
    assert tokens(ZH_REF) == ["我", "真", "的", "很", "难", "过"]
    assert tokens("Ｈｅｌｌｏ, World! 我很好123abc") == [
        "hello",
        "world",
        "我",
        "很",
        "好",
        "123abc",
    ]
    assert tokens("don't") == ["don", "t"]  # rouge-score splits at the apostrophe too
    assert tokens("…！？ -- ") == []


def test_bleu_english_pair() -> None:
    # hyp: the cat sat on the mat / ref: the cat is on the mat (6 tokens each, BP = 1)
    # 1-grams 5/6 (the x2, cat, on, mat); 2-grams 3/5 (the cat, on the, the mat);
    # 3-grams 1/4 (on the mat); 4-grams 0/3 -> exp smoothing 1/(2*3)
    b1, b2, b3, b4 = bleu([tokens(EN_HYP)], [tokens(EN_REF)])
    assert b1 == approx(100 * 5 / 6)
    assert b2 == approx(100 * math.sqrt(5 / 6 * 3 / 5))
    assert b3 == approx(50.0)  # (5/6 * 3/5 * 1/4) ** (1/3) = (1/8) ** (1/3)
    assert b4 == approx(100 * (1 / 8 * 1 / 6) ** 0.25)
    assert b4 == approx(37.9918, abs=1e-4)


def test_bleu_chinese_pair_with_brevity_penalty() -> None:
    # hyp 我很难过 (4 chars), ref 我真的很难过 (6): BP = exp(1 - 6/4) = exp(-0.5)
    # 1-grams 4/4; 2-grams 2/3 (很难, 难过); 3-grams 1/2 (很难过); 4-grams 0/1 -> 1/2
    bp = math.exp(-0.5)
    b1, b2, b3, b4 = bleu([tokens(ZH_HYP)], [tokens(ZH_REF)])
    assert b1 == approx(100 * bp)
    assert b2 == approx(100 * bp * math.sqrt(2 / 3))
    assert b3 == approx(100 * bp * (2 / 3 * 1 / 2) ** (1 / 3))
    assert b4 == approx(100 * bp * (1 / 3 * 1 / 2) ** 0.25)


def test_bleu_is_corpus_level_not_an_average_of_sentences() -> None:
    # Sums of both pairs above: 1-grams 9/10, 2-grams 5/8, 3-grams 2/6, 4-grams 0/4 -> 1/8;
    # hyp_len 10, ref_len 12: BP = exp(1 - 12/10)
    hyps = [tokens(EN_HYP), tokens(ZH_HYP)]
    refs = [tokens(EN_REF), tokens(ZH_REF)]
    bp = math.exp(1 - 12 / 10)
    b1, b2, b3, b4 = bleu(hyps, refs)
    assert b1 == approx(100 * bp * 9 / 10)
    assert b2 == approx(100 * bp * (9 / 10 * 5 / 8) ** 0.5)
    assert b3 == approx(100 * bp * (9 / 10 * 5 / 8 * 2 / 6) ** (1 / 3))
    assert b4 == approx(100 * bp * (9 / 10 * 5 / 8 * 2 / 6 * 1 / 8) ** 0.25)


def test_bleu_smoothing_doubles_for_each_order_without_a_match() -> None:
    # hyp a b c d, ref a x b y c z d: 1-grams 4/4, then no 2-, 3- or 4-gram matches:
    # p2 = 1/(2*3), p3 = 1/(4*2), p4 = 1/(8*1); BP = exp(1 - 7/4)
    bp = math.exp(1 - 7 / 4)
    b1, b2, b3, b4 = bleu([["a", "b", "c", "d"]], [list("axbyczd")])
    assert b1 == approx(100 * bp)
    assert b2 == approx(100 * bp * (1 / 6) ** 0.5)
    assert b3 == approx(100 * bp * (1 / 6 * 1 / 8) ** (1 / 3))
    assert b4 == approx(100 * bp * (1 / 6 * 1 / 8 * 1 / 8) ** 0.25)


def test_bleu_edge_cases() -> None:
    # A one-token reply has no bigrams: BLEU-2.. are 0; BLEU-1 = exp(1 - 2/1) * 1/1.
    assert bleu([["ok"]], [["ok", "fine"]]) == approx([100 * math.exp(-1), 0, 0, 0])
    assert bleu([["no"]], [["ok"]]) == [0.0] * 4  # no match at all
    assert bleu([[]], [["ok"]]) == [0.0] * 4
    assert bleu([["a", "b"]], [["a", "b"]], max_order=2) == approx([100, 100])


def test_rouge_on_known_pairs() -> None:
    en_h, en_r = tokens(EN_HYP), tokens(EN_REF)
    assert rouge_n(en_h, en_r, 1) == approx(5 / 6)  # P = R = 5/6
    assert rouge_n(en_h, en_r, 2) == approx(3 / 5)
    assert rouge_l(en_h, en_r) == approx(5 / 6)  # LCS: the cat on the mat
    zh_h, zh_r = tokens(ZH_HYP), tokens(ZH_REF)
    assert rouge_n(zh_h, zh_r, 1) == approx(0.8)  # P = 1, R = 4/6: 2*(2/3)/(5/3)
    assert rouge_n(zh_h, zh_r, 2) == approx(0.5)  # P = 2/3, R = 2/5: 2*(4/15)/(16/15)
    assert rouge_l(zh_h, zh_r) == approx(0.8)  # LCS 我很难过 = 4
    # LCS need not be contiguous: a c e; overlap of bigrams is none
    assert lcs_length(list("abcde"), list("axcye")) == 3
    assert rouge_l(list("abcde"), list("axcye")) == approx(0.6)
    assert rouge_n(list("abcde"), list("axcye"), 2) == 0.0
    assert rouge_n(["a", "a", "b"], ["a", "b", "b"], 1) == approx(2 / 3)  # counts clipped
    assert rouge_l([], ["a"]) == 0.0


def test_distinct_and_mean_length() -> None:
    # a b a | a c: 1-grams 5 of which 3 distinct; 2-grams (a b)(b a)(a c) all distinct
    texts = [["a", "b", "a"], ["a", "c"]]
    assert distinct(texts, 1) == approx(3 / 5)
    assert distinct(texts, 2) == approx(1.0)
    assert distinct([[]], 1) == 0.0


def test_score_puts_it_together() -> None:
    scores = score([EN_HYP, ZH_HYP], [EN_REF, ZH_REF])
    assert list(scores) == list(METRICS)
    assert scores["rouge-1"] == approx(100 * (5 / 6 + 0.8) / 2)
    assert scores["rouge-2"] == approx(100 * (3 / 5 + 0.5) / 2)
    assert scores["rouge-l"] == approx(100 * (5 / 6 + 0.8) / 2)
    # replies: the cat sat on the mat | 我很难过 -> 10 tokens, 9 distinct (the twice)
    assert scores["distinct-1"] == approx(100 * 9 / 10)
    assert scores["distinct-2"] == approx(100.0)  # 5 + 3 bigrams, none repeated
    assert scores["mean_length"] == approx(5.0)
    same = score([EN_REF, ZH_REF], [EN_REF, ZH_REF])
    assert all(same[k] == approx(100.0) for k in METRICS[:7])
