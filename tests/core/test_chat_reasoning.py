"""Reasoning models through the turn runner: thinking and answer stream, store and
re-render apart (the scripted engine; tests/core/test_reasoning_real.py runs llama.cpp)."""

import threading

import pytest

from soulchat_local import chat
from soulchat_local.chat import Conversation
from soulchat_local.config import Sampling
from soulchat_local.engine import ScriptedEngine
from soulchat_local.export import session_json, session_markdown
from soulchat_local.prompts import Message, render
from soulchat_local.store import Store

# Pieces as a tokenizer might cut them: both tags split across pieces.
REASONED = [
    "<th",
    "ink>\n",
    "They sound",
    " exhausted.",
    "\n</",
    "think>",
    "\n\n",
    "It sounds",
    " hard.",
]


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "h.db")
    yield s
    s.close()


def conversation(store, engine, session=None):
    return Conversation(store, engine, session, sampling=Sampling(), language="en", persona="none")


def test_thinking_and_answer_stream_apart_and_are_stored_apart(store):
    engine = ScriptedEngine([REASONED])
    answer, thought = [], []
    result = conversation(store, engine).send(
        "I can't sleep", on_text=answer.append, on_thinking=thought.append
    )
    assert "".join(answer) == "It sounds hard." == result.reply
    assert "".join(thought) == "They sound exhausted." == result.thinking
    assert len(thought) >= 2  # passed on while it streamed, not at the end
    reply = store.messages(result.session_id)[-1]
    assert (reply.content, reply.thinking, reply.partial) == (
        "It sounds hard.",
        "They sound exhausted.",
        False,
    )


def test_earlier_thinking_is_left_out_of_the_next_prompt_and_rendering_is_stable(store):
    engine = ScriptedEngine([REASONED, "Tell me more."])
    talk = conversation(store, engine)
    first = talk.send("I can't sleep")
    talk.send("Every night")
    second = engine.prompts[1]
    assert "exhausted" not in second.text and "<think>" not in second.text
    assert "<|im_start|>assistant\nIt sounds hard.<|im_end|>" in second.text
    # The first prompt is a prefix of the second: everything before the new tail is cached.
    assert second.tokens[: len(first.prompt.tokens)] == first.prompt.tokens
    # Rendering the same history again gives the same tokens.
    again = engine.build_prompt(talk.history(), 64)
    assert again.tokens == engine.build_prompt(talk.history(), 64).tokens


def test_a_template_that_keeps_reasoning_gets_it_as_reasoning_content():
    keeps = (
        "{% for m in messages %}<{{ m.role }}>{% if m.reasoning_content %}[{{ m.reasoning_content }}]"
        "{% endif %}{{ m.content }}</{{ m.role }}>{% endfor %}<assistant>"
    )
    drops = (
        "{% for m in messages %}<{{ m.role }}>{{ m.content }}</{{ m.role }}>{% endfor %}<assistant>"
    )
    history = [
        Message("user", "hi"),
        Message("assistant", "hello", "greet </think> them"),
        Message("user", "<think>x"),
    ]
    kept = render("gguf", history, template=keeps)
    assert "".join(s.text for s in kept) == (
        "<user>hi</user><assistant>[greet </think> them]hello</assistant><user><think>x</user><assistant>"
    )
    # the model's and the user's words stay literal (tokenized with special parsing off)
    assert [s.text for s in kept if s.literal] == ["hi", "greet </think> them", "hello", "<think>x"]
    dropped = render("gguf", history, template=drops)
    assert "greet" not in "".join(s.text for s in dropped)


def test_stopped_while_thinking_keeps_the_partial_thinking(store):
    engine = ScriptedEngine([["<think>\n", "weighing", " it", " up", " slowly"]], delay=0.02)
    stop = threading.Event()

    def on_thinking(piece):
        if "it" in piece:
            stop.set()

    result = conversation(store, engine).send("hm", on_thinking=on_thinking, stop=stop)
    assert result.stopped and result.reply == ""
    reply = store.messages(result.session_id)[-1]
    assert reply.partial and reply.content == "" and reply.thinking.startswith("weighing it")


def test_thinking_is_flushed_while_it_streams(store, monkeypatch, tmp_path):
    monkeypatch.setattr(chat, "FLUSH_INTERVAL_S", 0.0)
    engine = ScriptedEngine([REASONED], delay=0.01)
    seen = []

    def on_thinking(piece):
        other = Store(tmp_path / "h.db")
        seen.append(other.messages(1)[-1].thinking)
        other.close()

    conversation(store, engine).send("hi", on_thinking=on_thinking)
    assert "They sound" in seen[-1]


def test_a_reply_without_thinking_is_unchanged(store):
    engine = ScriptedEngine(["  I'm here. <think> is just a word here."])
    result = conversation(store, engine).send("hi")
    assert result.reply == "  I'm here. <think> is just a word here." and result.thinking == ""


def test_export_has_the_thinking_apart(store):
    engine = ScriptedEngine([REASONED, "Tell me more."])
    talk = conversation(store, engine)
    talk.send("I can't sleep")
    talk.send("Every night")
    messages = session_json(store, talk.session_id)["messages"]
    assert (
        messages[1]["content"] == "It sounds hard."
        and messages[1]["thinking"] == "They sound exhausted."
    )
    assert "thinking" not in messages[0] and "thinking" not in messages[3]
    markdown = session_markdown(store, talk.session_id)
    assert (
        "<details><summary>Thinking</summary>\n\nThey sound exhausted.\n\n</details>\n\nIt sounds hard."
        in markdown
    )


def test_a_history_from_before_thinking_existed_is_migrated(tmp_path):
    import sqlite3

    from soulchat_local.store.migrations import MIGRATIONS, m003_message_thinking, migrate

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](conn)
    MIGRATIONS[1](conn)
    conn.execute("PRAGMA user_version = 2")
    conn.execute(
        "INSERT INTO sessions (title, model, created, updated) VALUES ('old', 'm', 'x', 'x')"
    )
    conn.execute(
        "INSERT INTO messages (session_id, role, content, created, updated)"
        " VALUES (1, 'assistant', 'an old reply', 'x', 'x')"
    )
    assert migrate(conn) == len(MIGRATIONS)
    m003_message_thinking(conn)  # running it again (merged in another order) changes nothing
    conn.close()
    store = Store(path)
    old = store.messages(1)[0]
    assert (old.content, old.thinking) == ("an old reply", "")
    new = store.add_message(1, "assistant", "answer", thinking="thought")
    assert store.messages(1)[-1].thinking == "thought"
    store.update_message(new, "answer, longer")  # thinking untouched when not given
    assert store.messages(1)[-1].thinking == "thought"
    # thinking is not searched: the search covers what was said
    assert store.search("thought") == [] and [h.message_id for h in store.search("answer")] == [new]
    store.close()
