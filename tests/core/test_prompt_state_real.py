"""Prompt state with the real llama.cpp engine and demo model: a restored state never
changes a reply, new sessions start warm, and states of an encrypted history are sealed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from soulchat_local import prompt_state
from soulchat_local.chat import Conversation
from soulchat_local.config import Config, Sampling
from soulchat_local.llama_engine import LlamaEngine
from soulchat_local.resolve import ModelRef
from soulchat_local.store import Store
from soulchat_local.store.state_files import PlainSeal, StateError, StateFiles

pytestmark = pytest.mark.real_model
GREEDY = Sampling(temperature=0.0, top_p=1.0, max_tokens=24)


@pytest.fixture(scope="module")
def engine(demo_gguf):
    config = Config()
    config.model.n_ctx = 2048
    engine = LlamaEngine(ModelRef("smollm2-demo", demo_gguf), config.model)
    yield engine
    engine.close()


def cold(engine: LlamaEngine) -> None:
    """What a new process has in memory: nothing."""
    engine.llm.reset()


def reply_tokens(engine: LlamaEngine, reply: str) -> list[int]:
    return engine._generated[reply]


def without_state(engine: LlamaEngine, prompt) -> tuple[str, list[int], int]:
    cold(engine)
    text = "".join(engine.stream(replace(prompt, states=None), GREEDY))
    return text, reply_tokens(engine, text), engine.stats.evaluated_tokens


def test_a_restored_state_gives_the_same_reply_token_for_token(engine, tmp_path):
    store = Store(tmp_path / "history.db")
    conversation = Conversation(store, engine, None, sampling=GREEDY, language="en")
    conversation.send("Hello. I have been feeling low since I moved to a new city.")
    conversation.send("I do not know anyone here and the evenings are long.")
    cold(engine)  # the next turn runs as in a new process: only the saved state
    result = Conversation(store, engine, conversation.session_id, sampling=GREEDY).send(
        "What could I try this week?"
    )
    restored = result.prompt.states.restored
    assert restored > 100 and result.stats.evaluated_tokens == result.prompt.used - restored
    with_tokens = reply_tokens(engine, result.reply)
    text, tokens, evaluated = without_state(engine, result.prompt)
    assert evaluated == result.prompt.used
    assert tokens == with_tokens and text == result.reply


def test_a_new_session_starts_from_the_saved_system_prompt(engine, tmp_path):
    store = Store(tmp_path / "history.db")
    cold(engine)
    Conversation(store, engine, None, sampling=GREEDY, language="en").send("Hi.")
    cold(engine)
    result = Conversation(store, engine, None, sampling=GREEDY, language="en").send(
        "I could not sleep last night."
    )
    system = prompt_state._system_prefix(engine, result.prompt)
    # the system prompt came from disk (its last token is evaluated again, for logits)
    assert result.prompt.states.restored == len(system) - 1
    assert result.stats.evaluated_tokens == result.prompt.used - len(system) + 1
    text, tokens, _ = without_state(engine, result.prompt)
    assert tokens == reply_tokens(engine, result.reply)


def test_a_state_llama_cpp_refuses_is_ignored(engine, tmp_path, caplog):
    """A well-sealed file whose state bytes are cut (say, a bug in an older writer)."""
    store = Store(tmp_path / "history.db")
    conversation = Conversation(store, engine, None, sampling=GREEDY, language="en")
    conversation.send("Hello, I am worried about my exams.")
    files = store.prompt_states()
    name = next(n for n in files.names() if n.startswith("s"))
    header = files.header(name)
    files.write(name, header.meta, header.tokens, memoryview(files.payload(header))[:1000])
    cold(engine)
    caplog.set_level("DEBUG", logger="soulchat_local.prompt_state")
    result = Conversation(store, engine, conversation.session_id, sampling=GREEDY).send(
        "They start next week."
    )
    assert [r.getMessage() for r in caplog.records if name in r.getMessage()] == [
        f"prompt state {name} ignored: llama.cpp refused it"
    ]
    text, tokens, _ = without_state(engine, result.prompt)
    assert tokens == reply_tokens(engine, result.reply)
    assert files.header(name).tokens[: result.prompt.used] == result.prompt.tokens  # rebuilt


def test_states_of_an_encrypted_history_are_sealed_with_its_key(engine, tmp_path):
    store = Store(tmp_path / "history.db", passphrase="a long passphrase")
    conversation = Conversation(store, engine, None, sampling=GREEDY, language="en")
    conversation.send("My sister and I argued about our mother's care.")
    files = store.prompt_states()
    assert files is not None and files.seal.encrypted
    name = next(n for n in files.names() if n.startswith("s"))
    raw = files.path(name).read_bytes()
    prompt = conversation.engine.build_prompt(conversation.history(), 24)
    ids = bytes(memoryview(__import__("array").array("i", prompt.tokens[5:25])))
    assert ids not in raw and b"sister" not in raw
    with pytest.raises(StateError):
        StateFiles(files.directory, PlainSeal()).header(name)
    key = files.directory / "key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert not key.read_bytes().startswith(b"SQLite format 3")
    store.close()
    # the same history, opened again, reads its states back
    again = Store(tmp_path / "history.db", passphrase="a long passphrase")
    cold(engine)
    result = Conversation(again, engine, conversation.session_id, sampling=GREEDY).send(
        "We do not talk now."
    )
    assert result.prompt.states.restored > 50
