"""The rule layer on its own: the issue's examples (a tuning set by definition) and how the
modifiers act, clause by clause."""

from __future__ import annotations

import pytest

from soulchat_local.safety.rules import assess_rules

ISSUE_CRISIS = [
    "我已经决定了，周末去江边，就不回来了",
    "药我都吃完了，现在头好晕，想跟你说声谢谢",
    "Been giving my books away to friends, I won't need them after this month anyway",
    "just want to die",
    "I attempted suicide last year",
    "I don't see myself making it to my birthday",
    "I'm going to jump off the bridge tonight, I already told my doctor I'm fine",
    "他跟我分手了，遗书我已经写好了",
    "I'm not suicidal. Who am I kidding, I'm suicidal",
]


@pytest.mark.parametrize("text", ISSUE_CRISIS)
def test_issue_examples_are_crisis(text: str) -> None:
    result = assess_rules(text)
    assert result.risk == "crisis", result
    assert result.reasons


@pytest.mark.parametrize("text", ["I moved to a new city and I feel lonely", "这个bug把我整得想死"])
def test_issue_false_alarms_are_not_crisis(text: str) -> None:
    assert assess_rules(text).risk != "crisis"


def test_every_match_counts_not_only_the_first() -> None:
    reasons = assess_rules("I'm not suicidal. Who am I kidding, I'm suicidal").reasons
    assert "en.suicidal:negated" in reasons and "en.suicidal" in reasons


@pytest.mark.parametrize(
    "text, tag",
    [
        ("I'm not going to jump off the bridge", "negated"),
        ("I want to kill myself lol", "joking"),
        ("this exam makes me want to die", "hyperbole"),
        ("我不会想不开的", "negated"),
    ],
)
def test_a_modifier_lowers_an_explicit_signal_to_concern_never_to_none(text: str, tag: str) -> None:
    result = assess_rules(text)
    assert result.risk == "concern", result
    assert any(r.endswith(":" + tag) for r in result.reasons), result


@pytest.mark.parametrize(
    "text",
    [
        "I'm going to jump off the bridge tonight, the doctor says I'm fine",  # doctor: other clause
        "I'm not sad, I want to die",  # the negation is in the other clause
        "haha. I want to kill myself and I mean it",
    ],
)
def test_a_modifier_does_not_reach_into_another_clause(text: str) -> None:
    assert assess_rules(text).risk == "crisis", assess_rules(text)


def test_someone_else_at_risk_is_concern_and_their_story_is_nothing() -> None:
    assert assess_rules("my brother says he wants to kill himself").risk == "concern"
    assert assess_rules("in the movie the hero wants to kill himself").risk == "none"


@pytest.mark.parametrize(
    "text",
    [
        "我把绳子买好了，明天去露营",
        "周末想去江边散散步",
        "I bought a rope for the tent",
        "I'm giving away my old books, anyone want them?",
        "the pills my doctor prescribed make me dizzy",
    ],
)
def test_components_alone_are_not_risk(text: str) -> None:
    assert assess_rules(text).risk == "none", assess_rules(text)


def test_safety_statement_is_recognised() -> None:
    assert assess_rules("I called the line, I'm at my sister's").safe
    assert assess_rules("我刚打了热线，现在和朋友在一起").safe
    assert not assess_rules("I'm at the bridge").safe


# Written for stop 16 after reading the validation split's misses (a tuning set): each is a
# paraphrase of a kind of miss, not a copy of one.
STOP16_CRISIS = [
    ("I had planned on ending it all, more than once", "en.wish"),
    ("some nights I just need a bullet through my head", "en.method_act"),
    ("was close to putting the knife to my throat today", "en.method_act"),
    ("I don't want to die, but it feels like my only option", "en.ambivalent"),
    ("every morning I wake up when I should be dead", "en.wish_dead"),
    ("honestly, why not just die", "en.not_live"),
    ("I took 40 tylenol an hour ago", "en.means"),
    ("Been so tiredI want to dieNothing helps", "en.wish"),  # titles glued to bodies
    ("这药吃多了会死吗", "zh.means"),
    ("要是哪天我自杀了，你们就知道了", "zh.wish"),
    ("心里一直有种想死的心态", "zh.wish"),
    ("求求你们让我死吧", "zh.wish"),
    ("总觉得死了比活着轻松", "zh.not_live"),
    ("为什么我还没死", "zh.not_live"),
    ("去年自杀未遂，现在又开始想了", "zh.attempt"),
    ("怎样才能让自己死得快一点", "zh.means"),
    ("我真不知道该怎么活下去", "zh.not_live"),
    ("honestly I'd be better off dead", "en.wish_dead"),
    ("I can't see any way out except dying", "en.suicidal"),
    ("dying feels like the only option I have", "en.suicidal"),
    ("I don't think I'll make it through the night", "en.survival"),
    ("I searched how many pills it takes", "en.means"),
    ("there are enough pills saved up in my drawer", "en.means"),
    ("I'm going to jump.", "en.jump_now"),
    ("I made a plan, I know when I'm going to do it", "en.plan"),
    ("I just feel like dying", "en.wish"),
    ("I wanted to say goodbye, thank you for everything", "rule.goodbye+thanks"),
    ("我觉得死是我唯一的出路", "zh.not_live"),
    ("我现在站在楼顶上", "zh.at_edge"),
]


@pytest.mark.parametrize(("text", "reason"), STOP16_CRISIS)
def test_stop16_patterns(text: str, reason: str) -> None:
    result = assess_rules(text)
    assert result.risk == "crisis" and reason in result.reasons, result


@pytest.mark.parametrize(
    "text",
    [
        "I took 2 tablets of ibuprofen for my headache",
        "I want out of this group chat",
        "我想死的心都有了",  # a set phrase of annoyance: a gentle word at most
        "I don't want to die but I'm scared of the surgery",
        "饭吃多了会不会胖",
        "thanks for everything, goodbye!",
        "goodbye and thanks for everything, see you next week",
        "I am going to jump in the pool",
        "I feel like dying my hair blue",
        "my battery is dying",
        "我现在站在天台上晒被子呢",
        "we're going to jump into the lake this weekend, it's so hot",
        "I have a plan for the weekend, I know when I'm going to do the shopping",
        "saying goodbye to my colleagues was hard, thanks for everything team",
        "I said my goodbyes at the airport and cried",
        "I have my pills ready for the flight, I get motion sick",
        "I should be dead tired after that run",
        "I won't make it through the night shift without coffee",
        "I just want out of this meeting",
        "我决定了，周末去江边跑步",
    ],
)
def test_stop16_patterns_leave_everyday_words_alone(text: str) -> None:
    assert assess_rules(text).risk != "crisis"
