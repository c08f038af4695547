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



STOP16_EVERYDAY = [
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
]


# Written for stop 17 after reading the misses on the validation part of the project's chat
# messages (a tuning set): each is a paraphrase of a kind of miss, not a copy of one.
STOP17_CRISIS = [
    ("I'm sitting on the roof of the car park right now", "en.at_edge"),
    ("picked up charcoal on the way home, not for a barbecue", "en.means"),
    ("how many of my tramadol would be too many", "en.means"),
    ("if i took the whole box would i die", "en.means"),
    ("don't tell anyone but there's a rope in my closet", "rule.means+secret"),
    ("there's a rope in the trunk of my car and the woods are close", "rule.means+place"),
    ("my family will be relieved once i'm gone", "en.burden"),
    ("I'd be doing my parents a favour by disappearing", "en.burden"),
    ("not going to be a burden for much longer", "en.survival"),
    ("filming goodbye videos for my sisters", "en.farewell"),
    ("it would look like an accident if I crashed the car", "en.farewell"),
    ("I have a plan now and honestly I feel calm", "rule.calm+resolve"),
    ("one last time online tonight, then logging off for good", "rule.last_time+final"),
    ("i keep hoping i get hit by a bus", "en.wish_dead"),
    ("I'd be fine with dying, honestly", "en.wish_dead"),
    ("should have gone through with it last year", "en.wish_dead"),
    ("tied a belt around my neck last night", "en.self_harm"),
    ("relapsed on sh after a year clean", "en.self_harm"),
    ("deleted my instagram and said thanks for everything to my best friend", "rule.traces+thanks"),
    ("keeping a blade in my wallet, knowing it's there helps", "rule.means+comfort"),
    ("又控制不住掐自己了", "zh.self_harm"),
    ("把自己划到出血才停下来", "zh.self_harm"),
    ("刀片我已经从刨子里拆出来了", "zh.self_harm"),
    ("我坐在学校顶楼", "zh.at_edge"),
    ("安眠药已经存了半年", "zh.means"),
    ("药都倒出来数过了，够", "zh.means"),
    ("这样慢慢饿死也好", "zh.not_live"),
    ("紫砂的想法一直甩不掉", "zh.not_live"),
    ("没有我，爸妈会比较好", "zh.burden"),
    ("要是我死了她才会后悔吧", "zh.burden"),
    ("后事都写在手机备忘录了", "zh.farewell"),
    ("奶奶去世好几年了，我想去陪她了", "zh.not_live"),
    ("狗已经托付给朋友了，这样我就放心了", "rule.give+final"),
    ("這個世界沒有我會好一點", "zh.burden"),  # traditional characters, folded
]



STOP17_EVERYDAY = [
    "I bought charcoal for the bbq tonight",
    "we picked the spot for the picnic in the woods",
    "I'm at the railway station now",
    "I'm on the roof fixing the gutter now",
    "thanks for trying, see you tomorrow",
    "I told my wife I love her for the last time before the deployment",
    "I cleaned my room and gave my old clothes to charity",
    "quitting smoking for good",
    "one last time tonight, then I'm off to uni",
    "my plan is to wait until my parents go to bed and then play games",
    "I feel calm after yoga",
    "how many ibuprofen can I take for a headache",
    "I'm ready to go to the gym",
    "我在楼顶晒被子",
    "自己打自己的脸",
    "出差这几天邻居帮我喂狗",
    "我在天台抽烟",
    "看到广场上的人在跳舞我也想跳",
    "QQ注销了，换了个新号",
    "饿死了，快点外卖",
    "搬家的绳子买好了",
    "想学一下，以后如果有朋友跟我说想不开，我应该怎么回应",
    "在写论文，题目是青少年自伤行为的社会成因",
    "Can you quiz me on the signs of an overdose for my nursing exam?",
    "my best friend texted 'i don't want to be here anymore', what do i do?",
]


def test_someone_elses_death_in_the_news_is_dismissed() -> None:
    for text in ("看新闻说有人自杀了，好难过", "I read in the news that a singer died", "我梦见自己死了"):
        result = assess_rules(text)
        assert result.dismissed and result.risk == "none", (text, result)
    assert not assess_rules("I want to die").dismissed


def test_a_benign_word_inside_the_match_does_not_lower_it() -> None:
    # "walk" is a benign setting, but not when the walk is into the sea
    assert assess_rules("going for a long walk into the sea").risk == "crisis"
    assert assess_rules("going for a long walk by the sea").risk == "none"


# Stop 17, second round: kinds of miss in the second tuning part of the written chat,
# paraphrased.
STOP17B_CRISIS = [
    ("the rope is in the shed, I just have to stop being a coward", "rule.courage+plan"),
    ("got sleeping pills from several pharmacies so nobody would ask", "rule.means+evade"),
    ("I shouldn't have survived the last one", "en.wish_dead"),
    ("i'm not going to see my next birthday", "en.survival"),
    ("my dad's away and this is my chance", "rule.chance+plan"),
    ("does it hurt to drown", "en.means"),
    ("the voices keep telling me to kill myself", "en.wish_dead"),
    ("my wife died last year and I want to join her", "en.wish_dead"),
    ("I looked up how high the bridge is", "en.means"),
    ("I just want my heart to stop", "en.wish_dead"),
    ("been banging my head against the wall till it bleeds", "en.self_harm"),
    ("carved the word into my thigh with a compass", "en.self_harm"),
    ("I'm planning my exit", "en.farewell"),
    ("sitting on the train tracks right now", "en.means"),
    ("it ends tonight", "en.survival"),
    ("dying sounds so peaceful", "en.wish_dead"),
    ("我把烟头按在胳膊上", "zh.self_harm"),
    ("又想割了，忍了好几天", "zh.self_harm"),
    ("拜拜了，这个世界", "zh.farewell"),
    ("我没脸活下去了", "zh.not_live"),
    ("羡慕那些已经死了的人", "zh.not_live"),
    ("希望明天出车祸", "zh.not_live"),
    ("站在桥上想翻过去", "zh.at_edge"),
    ("绳子买好了，挂在衣柜里", "zh.means"),
    ("外婆的墓我去看了，我很快就去陪她", "zh.not_live"),
    ("每年这个时候都特别想死", "zh.wish"),  # 特别 is no negation
]



STOP17B_EVERYDAY = [
    "does it hurt to get a tattoo",
    "my parents are away so I'm having friends over",
    "I looked up how high Everest is",
    "the train was late again, so annoying",
    "I just want my headache to stop",
    "我要不就点外卖吧",
    "特别想吃火锅",
    "烟头要扔进垃圾桶",
    "我的角色死了都没人救",
    "I used to cut my own hair, now I go to a barber again",
]


@pytest.mark.parametrize(("text", "reason"), STOP16_CRISIS + STOP17_CRISIS + STOP17B_CRISIS)
def test_pattern_kinds(text: str, reason: str) -> None:
    result = assess_rules(text)
    assert result.risk == "crisis" and reason in result.reasons, result


@pytest.mark.parametrize("text", STOP16_EVERYDAY + STOP17_EVERYDAY + STOP17B_EVERYDAY)
def test_pattern_kinds_leave_everyday_words_alone(text: str) -> None:
    assert assess_rules(text).risk != "crisis", assess_rules(text)


# Stop 18: kinds the contrastive tuning groups (own_chat4/5) showed missing, paraphrased;
# the everyday list is their near-twins' kind (the same words, no risk).
STOP18_CRISIS = [
    ("我宁可不活了", "zh.not_live"),
    ("要是明早不醒来就好了", "zh.not_live"),
    ("脑子里总冒出跳下去的念头", "zh.not_live"),
    ("只有我不在了这一切才会停", "zh.burden"),
    ("刚刚喝了点农药", "zh.od_act"),
    ("煤气开着，我躺下了", "zh.od_act"),
    ("一整板药都吞了，现在好晕", "rule.od_taken+symptom"),
    ("我想从宿舍楼上跳下去", "zh.at_edge"),
    ("脑子里有个声音叫我去死", "zh.at_edge"),
    ("我跟医生说好多了，其实是不想让他们拦着我", "zh.keep_from_help"),
    ("刀片藏在文具盒里", "zh.self_harm"),
    ("这是最后一次跟你聊天了", "zh.farewell"),
    ("绳子已经买了，药也藏在枕头下面了", "rule.means_acquired+means_access"),
    ("给爸妈的信放桌上了，明天就用得上了", "rule.letter+final"),
    ("已经交接完了，后面的事都安排好了", "rule.resolve+final"),
    ("爸，以后不会再让你操心了，我走了", "rule.leaving_now+final"),
    ("just swallowed some bleach", "en.od_act"),
    ("downed a bottle of wine with my sleeping pills", "en.od_act"),
    ("i'm on the 9th floor balcony and i'm going to jump", "en.at_edge"),
    ("i'm at the tracks now", "en.at_edge"),
    ("the blade's out and the door is locked", "en.means"),
    ("i counted them all, it's enough", "en.means"),
    ("i know the dose that would do it", "en.means"),
    ("i'm planning to cut tonight", "en.self_harm"),
    ("the thought of not existing is the only comfort", "en.wish_dead"),
    ("told my gp i'm fine, got a day picked", "rule.chosen+plan"),
    ("bought helium, saturday", "rule.means+plan"),
]

STOP18_EVERYDAY = [
    "吃了好多片薯片，好撑好困",
    "蹦极跳下去的那一秒太爽了",
    "我把绳子买好了，明天去露营",
    "好热，听日去西贡跳海游水",
    "学高数学到想用头撞墙",
    "刚煮面把自己烫了一下，疼死了",
    "这道题把我整得想死",
    "my son found my stash of chocolate, i'll just get more",
    "found a good tree for the hammock",
    "got the exhaust sorted at the mechanic",
    "climbed the fence at the dam for a selfie",
    "hurt myself at the gym, pulled a hamstring",
    "kms this excel sheet has 40 tabs",
    "goodbye forever organic chem",
    "going to jump in the pool tonight",
    "if you ever want to cut, text me first",
]


STOP19_CRISIS = [
    ("我要跳楼", "zh.method_intent"),
    ("现在就去跳河", "zh.method_intent"),
    ("真的很想开车撞向护栏", "zh.method_intent"),
    ("刚刚吃了四十多片药", "zh.means"),
    ("安眠药吞了三十片", "zh.means"),
    ("有没有什么不痛的死法", "zh.means"),
    ("i googled how long it takes to bleed out", "en.means"),
]
STOP19_EVERYDAY = [
    "我要是跳楼了你会难过吗",
    "他要跳楼，我该怎么劝他",
    "医生让我一次吃十几粒中药丸",
    "一次吃二十粒药丸，一天三次",
    "现在就去跳楼下的快递柜拿件",
    "楼下的店要跳楼价清仓",
    "i looked up how long it takes to drive to the coast",
]


@pytest.mark.parametrize(("text", "reason"), STOP18_CRISIS + STOP19_CRISIS)
def test_stop18_and_19_kinds(text: str, reason: str) -> None:
    result = assess_rules(text)
    assert result.risk == "crisis" and reason in result.reasons, result


@pytest.mark.parametrize("text", STOP18_EVERYDAY + STOP19_EVERYDAY)
def test_stop18_and_19_kinds_leave_their_twins_alone(text: str) -> None:
    assert assess_rules(text).risk != "crisis", assess_rules(text)


def test_a_person_after_an_object_marker_is_not_the_subject() -> None:
    """Chinese drops the subject: in 抱着她站在窗边 the writer holds her and stands there."""
    assert assess_rules("抱着她站在窗边就很想跳下去").risk == "crisis"
    assert assess_rules("她站在窗边说很想跳下去").risk == "concern"
    assert assess_rules("他跟我说他想死").risk == "concern"


def test_a_question_with_you_mei_you_is_not_a_negation() -> None:
    """有没有 asks ("is there"); 没有 inside it negates nothing."""
    assert "zh.means" in assess_rules("有没有不痛的死法").reasons
    assert "zh.wish:negated" in assess_rules("我没有想死").reasons
