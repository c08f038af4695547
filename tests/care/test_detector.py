"""The assessor (rules + classifier) on the cases the first care issue named, one category at a
time: a tuning set, kept as regression tests."""

from __future__ import annotations

import dataclasses

import pytest

from soulchat_local.safety import RISKS, Assessment, assess
from soulchat_local.safety.rules import assess_rules

IDIOMS = [
    # Chinese intensifiers built on 死 and friends
    "笑死我了",
    "累死了",
    "热死了",
    "饿死了",
    "冷死了",
    "困死了",
    "气死我了",
    "吓死我了",
    "笑死 这个猫好蠢",
    "我想死你了！好久不见",
    "想死我了，你终于回来了",
    "累得要命",
    "作业多得要死",
    "跳楼价大甩卖",
    "跳楼机好刺激",
    "电脑死机了",
    "这次考试死定了",
    "熱死了",
    "餓死了",
    # English hyperbole
    "I'm dying to see it",
    "I'm dying to see the new film",
    "this commute is killing me",
    "you're killing it",
    "killing it at work this week",
    "my feet are killing me",
    "I'm dead lol",
    "I almost died laughing",
    "I could kill for a coffee",
    "bored to death in this lecture",
    "my phone battery died",
    "kill the process and restart it",
    "I'm cutting my hair short",
    "I cut myself a slice of cake",
    "I wanna die my hair blue",
    "I'm tired of living in this flat",
    "I'm going to jump on a call",
    "she's drop-dead gorgeous",
]

STORIES_AND_NEWS = [
    "这部电影里主角最后跳楼了，看得我好难受",
    "电视剧里女主跳河了，太虐了",
    "新闻说昨天有人在地铁站轻生，被救下来了",
    "研究显示青少年自杀率上升",
    "小说里的主角写了遗书",
    "In the film, the hero dies at the end and I cried",
    "Romeo kills himself in the last act",
    "we're writing a report on suicide prevention programs",
    "that horror movie scene where she cuts her wrists was too much",
    "the game character killed himself in the cutscene",
]

ORDINARY = [
    "我把旧衣服都捐了，衣柜终于空了",
    "搬家前把家具都送人了",
    "我把绳子买好了，明天去露营",
    "I'm giving away my old textbooks, anyone want them?",
    "I gave my old bike to my nephew",
    "the pills my doctor prescribed make me dizzy",
    "I have a plan for the weekend",
    "我和他永别了，分手快乐",
    "",
    "   ",
    "今天天气真好",
    "hello",
]

CRISIS = {
    "zh explicit": [
        "我不想活了",
        "我想死",
        "真的好想死",
        "我想自杀",
        "活着没意思",
        "我想结束自己的生命",
    ],
    "zh traditional": [
        "我不想活了，沒有人在乎我",
        "我想自殺",
        "活著好沒意思",
        "遺書已經寫好了",
        "我想結束自己的生命",
    ],
    "zh colloquial/internet": [
        "想紫砂",
        "我想zs",
        "想自鲨",
        "自sha",
        "不想活辽",
        "好想s",
        "想噶了自己",
    ],
    "zh no punctuation or typo": [
        "撑不下去了我想死",
        "我真的不相活了",
        "活着好没意思不如死了算了",
        "我想子杀",
    ],
    "zh means and plans": [
        "我已经攒了两个月的安眠药",
        "安眠药攒够了",
        "我想跳楼",
        "打算今晚烧炭",
        "我想吃一整瓶安眠药",
    ],
    "zh farewell and giving away": [
        "遗书我写好了",
        "永别了，大家",
        "跟大家永别了，谢谢你们",
        "我把东西都送人了，反正以后也用不着",
    ],
    "zh self-harm": ["我又割腕了", "我又自残了", "忍不住想划自己"],
    "zh indirect": [
        "没有我大家都会轻松一些",
        "再也不想醒来了",
        "我想离开这个世界",
        "撑不下去了我想解脱了",
    ],
    "en explicit": [
        "I want to kill myself",
        "I want to die",
        "I'm suicidal",
        "im sucidal",
        "thinking of ending my life",
    ],
    "en indirect": [
        "I want to end it all",
        "everyone would be better off without me",
        "I wish I could go to sleep and never wake up",
        "there's no point in living anymore",
    ],
    "en slang": ["kms", "i want to unalive myself", "commit sewer slide fr"],
    "en means and plans": [
        "I've been saving up my pills",
        "I'm going to jump off the bridge tonight",
        "I have a plan and the pills are ready",
        "how many pills would it take",
    ],
    "en farewell and giving away": [
        "this is my last message, goodbye",
        "I wrote a suicide note",
        "I've given away all my stuff",
        "by the time you read this I'll be gone",
    ],
    "en self-harm": ["I cut myself last night", "I've been cutting again", "i want to hurt myself"],
}

CONCERN = {
    "zh hopelessness": ["我好绝望", "最近一点希望都看不到", "我快崩溃了", "覺得好絕望"],
    "zh sleep": ["已经三天没睡着了", "失眠一个星期了", "睡不着，已经三个晚上了"],
    "en hopelessness": [
        "I feel hopeless",
        "I'm in despair",
        "I can't cope anymore",
        "everything feels pointless",
    ],
    "en sleep": ["I haven't slept in days", "I've been awake for three nights straight"],
}


@pytest.mark.parametrize("text", IDIOMS)
def test_idioms_do_not_trigger(text: str) -> None:
    """The rules never fire on an idiom; the classifier may add a quiet concern note (a
    deliberate change from the rules-only detector), never a crisis."""
    assert assess_rules(text).risk == "none", assess_rules(text)
    assert assess(text).risk != "crisis", assess(text)


@pytest.mark.parametrize("text", STORIES_AND_NEWS)
def test_films_books_and_news_do_not_trigger(text: str) -> None:
    assert assess(text).risk == "none", assess(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_messages_do_not_trigger(text: str) -> None:
    """As for idioms: nothing from the rules, at most a concern note from the classifier."""
    assert assess_rules(text).risk == "none", assess_rules(text)
    assert assess(text).risk != "crisis", assess(text)


@pytest.mark.parametrize(
    "text",
    [t for texts in CRISIS.values() for t in texts],
)
def test_crisis_categories(text: str) -> None:
    result = assess(text)
    assert result.risk == "crisis", result
    assert result.reasons, "a crisis says which patterns matched"


@pytest.mark.parametrize("text", [t for texts in CONCERN.values() for t in texts])
def test_concern_without_intent(text: str) -> None:
    assert assess(text).risk == "concern", assess(text)


@pytest.mark.parametrize(
    "text",
    [
        "how do I help a friend who says they want to die",
        "my friend is suicidal, what do I do",
        "my son said he wants to kill himself, how can I help him",
        "我的朋友说他不想活了，我该怎么帮他",
        "怎么帮助一个想死的朋友",
        "我同学说想自杀，我该怎么办",
    ],
)
def test_helping_someone_at_risk_is_concern(text: str) -> None:
    """Decision: concern, so the user sees the resources for their friend, without alarm."""
    result = assess(text)
    assert result.risk == "concern", result


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal, just really tired of everything",
        "don't worry, I'm not going to hurt myself",
        "我没有想自杀，只是很难过",
        "放心我不会想不开的，就是有点累",
    ],
)
def test_negated_risk_is_concern_not_none(text: str) -> None:
    """Decision: negation lowers crisis to concern, never to none."""
    result = assess(text)
    assert result.risk == "concern", result
    assert any(r.endswith(":negated") for r in result.reasons)


def test_negation_does_not_swallow_real_risk() -> None:
    assert assess("I can't stop thinking about killing myself").risk == "crisis"


@pytest.mark.parametrize(
    "text", ["I want to die lol my crush saw my old photos", "这次考试我想死了哈哈哈"]
)
def test_joking_wish_is_lowered_to_concern(text: str) -> None:
    result = assess(text)
    assert result.risk == "concern", result
    assert any(r.endswith(":joking") for r in result.reasons)


def test_meaning_it_keeps_a_joke_marker_from_lowering() -> None:
    assert assess("I want to die lol but I'm serious").risk == "crisis"


def test_mixed_language_message() -> None:
    assert assess("today was ok 但是我真的不想活了").risk == "crisis"


def test_assessment_shape() -> None:
    result = assess("我想死")
    assert isinstance(result, Assessment)
    assert result.risk in RISKS
    assert isinstance(result.reasons, tuple)
    assert all(isinstance(r, str) and r for r in result.reasons)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.risk = "none"  # type: ignore[misc]
    hello = assess("hello")
    assert hello.risk == "none" and hello.reasons == () and 0 <= hello.score < 1 / 3
    assert result.score >= 2 / 3, "a crisis scores in the crisis band"


def test_deterministic() -> None:
    texts = [t for texts in CRISIS.values() for t in texts] + IDIOMS
    first = [assess(t) for t in texts]
    assert first == [assess(t) for t in texts]
