"""The turn runner with the scripted engine: storage order, streaming flushes, edits."""

import threading

import pytest

from soulchat_local import chat
from soulchat_local.chat import Conversation
from soulchat_local.config import Sampling
from soulchat_local.engine import ScriptedEngine
from soulchat_local.errors import UserError
from soulchat_local.message_check import TooLong
from soulchat_local.prompts import COUNSELLOR
from soulchat_local.store import Store


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "h.db")
    yield s
    s.close()


def conversation(store, engine, session=None, **kw):
    return Conversation(store, engine, session, sampling=Sampling(), language="en", **kw)


def test_user_message_is_committed_before_generation(store, tmp_path):
    engine = ScriptedEngine(["I hear you."])
    seen = []

    def on_text(piece):
        # Another connection sees the user message while the reply streams.
        other = Store(tmp_path / "h.db")
        seen.append([(m.role, m.content, m.partial) for m in other.messages(1)])
        other.close()

    result = conversation(store, engine).send("I feel tired", on_text=on_text)
    assert seen[0][0] == ("user", "I feel tired", False)
    assert seen[0][1][0] == "assistant" and seen[0][1][2] is True
    final = store.messages(result.session_id)
    assert [(m.role, m.content, m.partial) for m in final] == [
        ("user", "I feel tired", False), ("assistant", "I hear you.", False)]
    assert final[1].finish_reason == "stop" and final[1].completion_tokens == 3


def test_reply_is_flushed_while_streaming(store, monkeypatch, tmp_path):
    monkeypatch.setattr(chat, "FLUSH_INTERVAL_S", 0.05)
    engine = ScriptedEngine(["one two three four five six seven eight"], delay=0.03)
    snapshots = []

    def on_text(piece):
        other = Store(tmp_path / "h.db")
        snapshots.append(other.messages(1)[-1].content)
        other.close()

    conversation(store, engine).send("hi", on_text=on_text)
    flushed = [s for s in snapshots if s]
    assert flushed, snapshots
    assert all("one two three four five six seven eight".startswith(s) for s in flushed)


def test_prompt_has_persona_and_whole_history(store):
    engine = ScriptedEngine(["first reply", "second reply"])
    conv = conversation(store, engine)
    conv.send("first question")
    conv.send("second question")
    last = engine.prompts[-1]
    assert last.text.startswith("<|im_start|>system\n" + COUNSELLOR["en"])
    for text in ("first question", "first reply", "second question"):
        assert text in last.text
    assert last.text.endswith("<|im_start|>assistant\n")


def test_session_system_prompt_overrides_persona(store):
    engine = ScriptedEngine(["ok"])
    sid = store.create_session("scripted", system_prompt="You are a gentle friend.")
    conversation(store, engine, sid).send("hi")
    assert engine.prompts[-1].text.startswith("<|im_start|>system\nYou are a gentle friend.")


def test_stop_keeps_partial_reply(store):
    stop = threading.Event()
    engine = ScriptedEngine(["a b c d e f g h"])

    def on_text(piece):
        if piece.strip() == "c":
            stop.set()

    result = conversation(store, engine).send("go", on_text=on_text, stop=stop)
    assert result.stopped and result.reply == "a b c"
    row = store.messages(result.session_id)[-1]
    assert row.partial and row.finish_reason == "user" and row.content == "a b c"


def test_regenerate_replaces_the_last_reply(store):
    engine = ScriptedEngine(["first try", "second try"])
    conv = conversation(store, engine)
    conv.send("question")
    result = conv.regenerate()
    assert result.reply == "second try"
    assert [m.content for m in store.messages(result.session_id)] == ["question", "second try"]


def test_edit_last_user_message(store):
    engine = ScriptedEngine(["reply one", "reply two"])
    conv = conversation(store, engine)
    conv.send("typo questoin")
    conv.edit_last("typo question")
    assert [m.content for m in store.messages(conv.session_id)] == ["typo question", "reply two"]
    with pytest.raises(UserError):
        conv.edit_last("  ")


def test_regenerate_without_messages_is_a_user_error(store):
    conv = conversation(store, ScriptedEngine(), store.create_session("m"))
    with pytest.raises(UserError, match="no message"):
        conv.regenerate()


def test_crisis_turn_carries_the_safety_instruction_only_in_the_prompt(store):
    engine = ScriptedEngine(["I'm here.", "ok"])
    conv = conversation(store, engine, locale="en_US")
    result = conv.send("I want to kill myself")
    assert result.assessment.risk == "crisis" and result.resources
    prompt = engine.prompts[-1].text
    stored_user = store.messages(result.session_id)[0].content
    assert stored_user == "I want to kill myself"
    assert prompt.count("I want to kill myself\n\n(") == 1
    # The next, ordinary turn renders the stored text again, without the instruction.
    conv.send("thank you")
    assert "I want to kill myself<|im_end|>" in engine.prompts[-1].text


def test_preview_does_not_store(store):
    engine = ScriptedEngine()
    prompt = conversation(store, engine).preview("just looking")
    assert "just looking" in prompt.text
    assert store.sessions() == []


def test_a_message_over_the_size_limit_is_refused_before_anything_is_read(store):
    engine = ScriptedEngine(["never"])
    with pytest.raises(TooLong, match="over the 65536-byte limit"):
        conversation(store, engine).send("word " * 200_000)
    assert store.sessions() == [] and engine.prompts == []


def test_binary_junk_is_refused(store):
    engine = ScriptedEngine(["never"])
    for junk in ("ab\x00cd", "ab\udcc5cd", "caf\ufffd"):
        with pytest.raises(UserError, match="binary data"):
            conversation(store, engine).send(junk)
    assert store.sessions() == []


def test_a_message_too_long_for_the_context_leaves_nothing_stored(store):
    engine = ScriptedEngine(["hello back", "never"], n_ctx=2000)
    convo = Conversation(store, engine, None, sampling=Sampling(max_tokens=200), language="en")
    with pytest.raises(UserError, match="too long for the context window"):
        convo.send("word " * 1000)
    assert store.sessions() == []  # not even an empty session
    convo.send("hello")
    before = [(m.role, m.content) for m in store.messages(convo.session_id)]
    with pytest.raises(UserError, match="too long for the context window"):
        convo.send("word " * 1000)
    with pytest.raises(UserError, match="too long for the context window"):
        convo.edit_last("word " * 1000)  # the message it would replace stays
    assert [(m.role, m.content) for m in store.messages(convo.session_id)] == before
    assert before == [("user", "hello"), ("assistant", "hello back")]
