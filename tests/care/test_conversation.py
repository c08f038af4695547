"""assess_turns: a turn is judged with the user turns before it (examples from the issue and
the conversation layer's own rules; a tuning set by definition)."""

from __future__ import annotations

from soulchat_local.safety import assess, assess_turns

WISH = "everyone would be better off without me"


def test_a_mild_turn_after_a_crisis_stays_crisis() -> None:
    pills = "I found where my dad keeps the pills"
    assert assess(pills).risk == "concern", assess(pills)
    result = assess_turns([WISH, pills])
    assert result.risk == "crisis", result
    assert "context.earlier_crisis" in result.reasons


def test_it_eases_when_the_person_says_they_are_safe() -> None:
    result = assess_turns([WISH, "I called the line, I'm at my sister's"])
    assert result.risk == "concern", result
    assert "context.safe_now" in result.reasons
    # and later mild turns stay eased
    assert (
        assess_turns([WISH, "I called the line, I'm at my sister's", "we made tea"]).risk
        == "concern"
    )


def test_safe_now_does_not_cancel_a_new_explicit_signal() -> None:
    turns = [WISH, "I called the line, I'm at my sister's", "but I still want to kill myself"]
    assert assess_turns(turns).risk == "crisis"


def test_crisis_holds_for_a_few_turns_then_stays_concern() -> None:
    turns = ["我不想活了", "算了不说了", "今天吃了面", "天气还行", "看了会儿电视"]
    assert assess_turns(turns[:2]).risk == "crisis"
    assert assess_turns(turns[:4]).risk == "crisis"
    assert assess_turns(turns).risk == "concern"


def test_a_means_after_distress_is_crisis() -> None:
    turns = ["最近压力好大，我觉得自己很没用", "我知道我妈把安眠药放在哪了"]
    assert assess_turns(turns).risk == "crisis", assess_turns(turns)


def test_old_crisis_outside_the_window_is_forgotten() -> None:
    turns = ["I want to die"] + ["I'm cooking pasta tonight"] * 10
    assert assess_turns(turns).risk == "none"


def test_a_single_turn_is_the_same_as_assess() -> None:
    for text in ["I want to die", "今天天气真好", "I feel hopeless", ""]:
        assert assess_turns([text]) == assess(text)
    assert assess_turns([]).risk == "none"
