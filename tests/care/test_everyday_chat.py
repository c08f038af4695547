"""Everyday chat is not a crisis (regression tests).

These phrases were reported as false alarms (a crisis banner for "I don't know anyone here.")
and the fix was checked against them, so they are a tuning set: they guard against the
regression, they do not measure how the assessor does on new text.
"""

from __future__ import annotations

import numpy as np
import pytest

from soulchat_local.safety import assess, assess_turns
from soulchat_local.safety.assessor import judge
from soulchat_local.safety.features import DIM
from soulchat_local.safety.model import Model, Thresholds, shipped

EVERYDAY = [
    "Hello, I would like to talk about my week.",
    "and now?",
    "I moved to a new city for work.",
    "你好，我想聊聊我这周的事。",
    "我在这里谁也不认识。",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_chat_is_none(text: str) -> None:
    result = assess(text)
    assert result.risk == "none", result


def test_loneliness_is_at_most_concern_and_not_worthlessness() -> None:
    result = assess("I moved to a new city and I feel lonely")
    assert result.risk != "crisis", result
    assert not any(r.startswith("en.worthless") for r in result.reasons), result
    assert "en.lonely" in result.reasons


def test_not_knowing_anyone_is_not_crisis() -> None:
    # It was crisis (the classifier alone, P(crisis) 0.84); it is at most concern now.
    assert assess("I don't know anyone here.").risk != "crisis"
    turns = [
        "Hello, I would like to talk about my week.",
        "I moved to a new city for work.",
        "I don't know anyone here.",
    ]
    assert assess_turns(turns).risk != "crisis"


def test_short_crisis_messages_are_still_crisis() -> None:
    # The short-message rule only applies where the rules found nothing.
    for text in ("I want to die", "我不想活了", "I'm going to end it tonight"):
        assert assess(text).risk == "crisis", text


def _always_crisis(crisis_alone: float, short: int) -> Model:
    """A model that puts P(crisis) near 1 on every message."""
    t = Thresholds(crisis=0.5, concern=0.4, crisis_alone=crisis_alone, short=short)
    return Model(
        np.zeros((DIM, 3), np.float32),
        np.array([0.0, 0.0, 10.0], np.float32),
        1.0,
        {"en": t, "zh": t},
        {},
    )


def test_classifier_alone_cannot_make_a_short_message_crisis() -> None:
    model = _always_crisis(crisis_alone=0.9, short=6)
    assert judge("and now?", model).assessment.risk == "concern"
    longer = "I have been thinking about the way my life is going lately at home"
    assert judge(longer, model).assessment.risk == "crisis"
    # A rule signal lifts the short-message cap: the rules themselves say crisis here.
    assert judge("I want to die", model).assessment.risk == "crisis"


def test_classifier_alone_needs_a_word_of_risk_in_a_chat_message() -> None:
    """A chat-length message the rules found nothing in, with no word of risk at all, is at
    most concern however sure the classifier is; a long post is not held to it."""
    model = _always_crisis(crisis_alone=0.0, short=0)
    rumination = "I keep thinking about what happened at work and it will not leave me."
    assert judge(rumination, model).assessment.risk == "concern"
    assert judge("我一直在想工作上的事，怎么也放不下", model).assessment.risk == "concern"
    assert judge(
        "I keep thinking about what happened and I am so tired", model
    ).assessment.risk == ("crisis")
    post = " ".join(["I keep thinking about what happened at work."] * 12)  # 96 words
    assert judge(post, model).assessment.risk == "crisis"


def test_an_everyday_word_is_no_word_of_risk() -> None:
    """ "reason" is not in the word-of-risk list: the classifier alone said crisis at 0.73."""
    assert judge("I wish I had a reason to leave early").assessment.risk != "crisis"


def test_things_that_die_are_not_the_writer() -> None:
    for text in ("my battery is about to die", "my phone is going to die", "手机快死了"):
        assert judge(text).assessment.risk == "none", text
    assert judge("my plants are dying and I want to die").assessment.risk == "crisis"


def test_classifier_alone_needs_the_stricter_threshold() -> None:
    model = _always_crisis(crisis_alone=1.0, short=0)  # P(crisis) < 1 always
    longer = "I have been thinking about the way things are going for me lately at home"
    assert judge(longer, model).assessment.risk == "concern"


def test_shipped_thresholds_have_the_classifier_alone_rule() -> None:
    model = shipped()
    assert model is not None
    for t in model.thresholds.values():
        assert t.crisis_alone >= t.crisis and t.short >= 1


def test_someone_elses_death_is_not_raised_by_the_classifier() -> None:
    model = _always_crisis(crisis_alone=0.0, short=0)
    assert judge("看新闻说有人自杀了，好难过", model).assessment.risk == "concern"
    assert judge("my phone is about to die", model).assessment.risk != "crisis"
