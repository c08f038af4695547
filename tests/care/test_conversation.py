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


def test_crisis_holds_while_it_is_in_the_window() -> None:
    turns = ["我不想活了", "算了不说了", "今天吃了面", "天气还行", "看了会儿电视"]
    assert assess_turns(turns[:2]).risk == "crisis"
    assert assess_turns(turns).risk == "crisis"  # until stop 17: concern after 3 turns
    assert assess_turns([*turns, "我现在和姐姐在一起，很安全"]).risk == "concern"


def test_distress_keeps_a_mild_turn_at_concern_for_a_few_turns() -> None:
    turns = ["I feel hopeless, nothing ever gets better", "anyway", "what's for dinner"]
    assert assess("what's for dinner").risk == "none"
    assert assess_turns(turns).risk == "concern"
    later = [*turns, "ok", "the weather is nice", "see you"]
    assert assess_turns(later).risk == "none"


def test_a_farewell_after_distress_is_crisis() -> None:
    turns = ["我觉得自己一无是处，撑不下去了", "我给爸妈写了封信"]
    assert assess_turns(turns).risk == "crisis", assess_turns(turns)
    turns = ["I can't cope anymore, everything is falling apart", "I just wanted to say goodbye"]
    assert assess_turns(turns).risk == "crisis", assess_turns(turns)
    # thanks after a hard conversation is only thanks
    assert assess_turns(["我觉得自己一无是处，撑不下去了", "谢谢你，真的谢谢"]).risk == "concern"


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


def test_a_final_goodbye_or_tonight_is_the_night_after_distress_is_crisis() -> None:
    """None on their own (README), a crisis after distress."""
    assert assess("谢谢你陪我这么久，再见了").risk == "none"
    assert assess("tonight is the night").risk == "none"
    assert assess_turns(["我真的撑不下去了，好累", "谢谢你陪我这么久，再见了"]).risk == "crisis"
    assert assess_turns(["I feel hopeless, nothing matters", "tonight is the night"]).risk == "crisis"
    # a goodbye until tomorrow is not final
    assert assess_turns(["我真的撑不下去了，好累", "那我先睡了，拜拜了明天见"]).risk == "concern"


def test_a_means_named_earlier_stays_in_view_with_distress() -> None:
    turns = [
        "it's a year since mum died and i can't do this anymore",
        "i keep the tablets in my drawer",
        "do they lock the cemetery gates at night",
    ]
    assert assess_turns(turns[-1:]).risk == "none"
    assert assess_turns(turns).risk == "crisis"
    # named before the distress: the distress turn is the crisis, and the mild one after it
    means_first = [turns[1], turns[0], turns[2]]
    assert assess_turns(means_first[:1]).risk != "crisis"
    assert "context.plan_in_window" in assess_turns(means_first[:2]).reasons
    assert assess_turns(means_first).risk == "crisis"


def test_a_crisis_the_context_raised_is_not_forgotten_later() -> None:
    turns = [
        "everything has felt pointless for months",
        "i know where i'll go, the old quarry past the farm",
        "anyway",
        "what are you up to",
    ]
    assert [assess_turns([t]).risk for t in turns].count("crisis") == 0
    assert assess_turns(turns[:2]).risk == "crisis"
    result = assess_turns(turns)
    assert result.risk == "crisis" and "context.earlier_crisis" in result.reasons
    # and eases once the person says they are safe
    assert assess_turns([*turns, "i called the helpline and my brother is with me now"]).risk == "concern"


def test_a_means_named_earlier_without_distress_is_not_a_crisis() -> None:
    turns = ["i keep the tablets in my drawer", "do they lock the cemetery gates at night"]
    assert assess_turns(turns).risk != "crisis"


def test_risk_no_single_turn_states_is_read_from_the_turns_together() -> None:
    turns = ["周末我会去江边", "不会回来了"]
    assert [assess_turns([t]).risk for t in turns] != ["crisis", "crisis"]
    result = assess_turns(turns)
    assert result.risk == "crisis" and "context.together" in result.reasons


def test_safe_now_ends_a_held_means() -> None:
    turns = ["好累，真的撑不下去了", "药都攒好了", "我刚打了心理援助热线，我姐在陪我"]
    assert assess_turns(turns[:2]).risk == "crisis"
    assert assess_turns(turns).risk == "concern"


def test_everyday_turns_read_together_stay_everyday() -> None:
    assert assess_turns(["吃了好多片薯片", "晚安"]).risk == "none"
    assert assess_turns(["finally paid off my credit card!!", "gonna celebrate tonight"]).risk == "none"
