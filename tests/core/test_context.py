import pytest

from soulchat_local.config import Sampling
from soulchat_local.context import DROP_CHUNK, fit, reply_reserve
from soulchat_local.engine import ScriptedEngine
from soulchat_local.errors import UserError
from soulchat_local.prompts import Message


def history(exchanges: int, size: int = 50) -> list[Message]:
    messages = [Message("system", "S" * 20)]
    for i in range(exchanges):
        messages += [Message("user", f"u{i:03}" + "x" * size), Message("assistant", f"a{i:03}" + "y" * size)]
    return messages + [Message("user", "newest question")]


def count(messages):
    return messages, sum(len(m.content) + 4 for m in messages)


def test_everything_fits():
    messages = history(3)
    fitted = fit(messages, count, n_ctx=10_000, reserve=100)
    assert fitted.dropped == 0 and fitted.messages == messages


def test_oldest_turns_are_dropped_in_chunks_keeping_system_and_newest_user():
    messages = history(20)
    fitted = fit(messages, count, n_ctx=900, reserve=100)
    assert fitted.messages[0] == messages[0]
    assert fitted.messages[-1] == Message("user", "newest question")
    assert fitted.dropped % DROP_CHUNK == 0 and fitted.dropped > 0
    assert fitted.used <= 800
    assert fitted.messages[1].role == "user"
    assert fitted.messages[1:] == messages[1 + fitted.dropped :]


def test_kept_prefix_is_stable_over_several_turns():
    """As the conversation grows one exchange at a time, the first kept message changes
    at most once every DROP_CHUNK / 2 turns."""
    starts = []
    for exchanges in range(10, 30):
        fitted = fit(history(exchanges), count, n_ctx=1500, reserve=100)
        starts.append(fitted.messages[1].content)
    changes = sum(1 for a, b in zip(starts, starts[1:], strict=False) if a != b)
    assert 0 < changes <= len(starts) // (DROP_CHUNK // 2)


def test_a_message_too_long_for_the_window_is_a_user_error():
    messages = [Message("system", "S"), Message("user", "x" * 5000)]
    with pytest.raises(UserError, match="too long for the context window"):
        fit(messages, count, n_ctx=1000, reserve=100)


def test_reply_reserve_is_bounded_by_half_the_window():
    assert reply_reserve(8192, 1024) == 1024
    assert reply_reserve(512, 1024) == 256


def test_engine_reports_dropped_turns():
    engine = ScriptedEngine(n_ctx=1200)
    prompt = engine.build_prompt(history(20), Sampling().max_tokens)
    assert prompt.dropped_turns > 0
    assert prompt.used <= 1200 - reply_reserve(1200, 1024)
    assert prompt.messages[-1].content == "newest question"
