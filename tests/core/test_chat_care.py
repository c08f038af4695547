"""Care on the chat path (shared by `ask` and the app): a turn is judged with the session's
earlier user turns, the region's lines follow the region (never the persona's language),
and the persona carries them in a system prompt that stays the same turn after turn."""

import pytest

from soulchat_local import safety
from soulchat_local.chat import Conversation, turns_for
from soulchat_local.config import Sampling
from soulchat_local.engine import ScriptedEngine
from soulchat_local.store import Store

HISTORY = [
    "work has been rough lately",
    "everyone would be better off without me",
    "I found where my dad keeps the pills",
    "anyway, what should I cook tonight?",
]


@pytest.fixture(autouse=True)
def no_locale(monkeypatch):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "h.db")
    yield s
    s.close()


def conversation(store, engine, session=None, language="en", **kw):
    return Conversation(store, engine, session, sampling=Sampling(), language=language, **kw)


def test_each_turn_is_judged_with_the_sessions_earlier_user_turns(store, monkeypatch):
    seen = []
    real = safety.assess_turns

    def recording(turns):
        seen.append(list(turns))
        return real(turns)

    monkeypatch.setattr(safety, "assess_turns", recording)
    conv = conversation(store, ScriptedEngine())
    for text in HISTORY[:3]:
        conv.send(text)
    assert seen == [HISTORY[:1], HISTORY[:2], HISTORY[:3]]
    conv.regenerate()
    assert seen[-1] == HISTORY[:3]
    conv.edit_last("I found the pills")
    assert seen[-1] == [*HISTORY[:2], "I found the pills"]
    conv.preview("just looking")
    assert seen[-1] == [*HISTORY[:2], "I found the pills", "just looking"]


def test_chat_path_gives_the_verdict_of_assess_turns_on_the_same_history(store):
    """`ask`, the app and `soulchat assess` agree: the verdict of every turn of a
    conversation is safety.assess_turns of the user turns up to it."""
    conv = conversation(store, ScriptedEngine(), locale="en_GB")
    verdicts = []
    for i, text in enumerate(HISTORY, start=1):
        result = conv.send(text)
        expected = safety.assess_turns(HISTORY[:i])
        assert result.assessment == expected, text
        assert result.resources == (
            safety.resources_for("en_GB") if expected.risk != "none" else []
        )
        verdicts.append(result.assessment.risk)
    # the earlier turns matter: the last message judged alone says less
    assert verdicts[-1] != "none"
    assert safety.assess(HISTORY[-1]).risk == "none"


@pytest.mark.parametrize(
    ("locale", "language", "wanted", "unwanted"),
    [
        ("en_HK.UTF-8", "zh", "2389 2222", "12356"),  # Chinese persona in Hong Kong
        ("zh_TW.UTF-8", "en", "1925", "988"),  # English persona in Taiwan
    ],
)
def test_lines_follow_the_environments_region_not_the_language(
    store, monkeypatch, locale, language, wanted, unwanted
):
    monkeypatch.setenv("LANG", locale)
    engine = ScriptedEngine()
    result = conversation(store, engine, language=language).send("I want to kill myself")
    contacts = [r.contact for r in result.resources]
    assert wanted in contacts and unwanted not in contacts
    system = engine.prompts[-1].text.split("<|im_end|>")[0]
    assert wanted in system and unwanted not in system


def test_configured_region_overrides_the_environment(store, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    conv = conversation(store, ScriptedEngine(), region="HK")
    assert [r.region for r in conv.resources] == ["HK"] * 3
    # an explicit locale with a territory (ask --locale en_GB) says where the person is
    conv = conversation(store, ScriptedEngine(), locale="en_GB", region="HK")
    assert {r.region for r in conv.resources} == {"GB"}
    # a bare language names no region: the configured one stands
    conv = conversation(store, ScriptedEngine(), locale="zh", region="HK")
    assert {r.region for r in conv.resources} == {"HK"}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_persona_carries_the_region_lines_and_stays_the_same_every_turn(store, language):
    engine = ScriptedEngine()
    conv = conversation(store, engine, language=language, locale="en_IE")
    for text in ("hello", "I feel a bit low", "I want to die", "thanks for listening"):
        conv.send(text)
    systems = {p.text.split("<|im_end|>")[0] for p in engine.prompts}
    assert len(systems) == 1, "the system prompt must not change from turn to turn"
    system = systems.pop()
    assert safety.persona_care(language, conv.resources) in system
    assert "116 123" in system and "112 / 999" in system
    # every prompt starts with the previous one's text up to its reply: the cache holds
    for before, after in zip(engine.prompts, engine.prompts[1:], strict=False):
        assert after.text.startswith(before.text.rsplit("<|im_start|>user", 1)[0])


def test_a_custom_system_prompt_is_left_as_written(store):
    engine = ScriptedEngine()
    sid = store.create_session("scripted", system_prompt="You are a gentle friend.")
    conversation(store, engine, sid, locale="en_US").send("hi")
    assert engine.prompts[-1].text.startswith(
        "<|im_start|>system\nYou are a gentle friend.<|im_end|>"
    )


def test_turns_for_each_kind_of_turn(store):
    conv = conversation(store, ScriptedEngine())
    assert turns_for(store, None, "send", "hi") == ["hi"]
    conv.send("one")
    conv.send("two")
    sid = conv.session_id
    assert turns_for(store, sid, "send", "three") == ["one", "two", "three"]
    assert turns_for(store, sid, "edit", "TWO") == ["one", "TWO"]
    assert turns_for(store, sid, "regenerate") == ["one", "two"]
    with pytest.raises(ValueError):
        turns_for(store, sid, "shout", "x")
