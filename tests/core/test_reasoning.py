"""Thinking and answer of reasoning models, split as the pieces stream in."""

import random

import pytest

from soulchat_local.reasoning import (
    ANSWER,
    THINKING,
    ThinkSplitter,
    prompt_opens_thinking,
    split_reply,
)

REPLY = "<think>\nThey sound exhausted. Reflect that first.\n</think>\n\nIt sounds like you are worn out."
THOUGHT = "They sound exhausted. Reflect that first."
ANSWER_TEXT = "It sounds like you are worn out."


def stream(pieces, in_thinking=False):
    splitter = ThinkSplitter(in_thinking)
    events = []
    for piece in pieces:
        events += splitter.feed(piece)
    events += splitter.flush()
    return events


def joined(events, kind):
    return "".join(text for k, text in events if k == kind)


def chunkings(text, seed):
    rng = random.Random(seed)
    out, at = [], 0
    while at < len(text):
        step = rng.randint(1, 9)
        out.append(text[at : at + step])
        at += step
    return out


@pytest.mark.parametrize("cut", range(len(REPLY) + 1))
def test_every_split_point_gives_the_same_parts(cut):
    events = stream([REPLY[:cut], REPLY[cut:]])
    assert joined(events, THINKING) == THOUGHT
    assert joined(events, ANSWER) == ANSWER_TEXT


@pytest.mark.parametrize("seed", range(40))
def test_any_chunking_gives_the_same_parts(seed):
    events = stream(chunkings(REPLY, seed))
    assert (joined(events, THINKING), joined(events, ANSWER)) == (THOUGHT, ANSWER_TEXT)


def test_one_character_at_a_time():
    events = stream(list(REPLY))
    assert (joined(events, THINKING), joined(events, ANSWER)) == (THOUGHT, ANSWER_TEXT)


@pytest.mark.parametrize(
    "text",
    [
        "I'm here with you.",
        "  leading spaces and a trailing newline\n",
        "<thin is not a tag",
        "<",
        "Let me <think> about that </think> with you.",
        "",
    ],
)
def test_a_reply_without_thinking_passes_through_unchanged(text):
    for seed in range(5):
        events = stream(chunkings(text, seed) or [""])
        assert joined(events, THINKING) == ""
        assert joined(events, ANSWER) == text


def test_text_is_passed_on_as_it_arrives_not_at_the_end():
    splitter = ThinkSplitter()
    assert splitter.feed("<th") == []
    assert splitter.feed("ink>\nThey sound") == [(THINKING, "They sound")]
    assert splitter.feed(" tired.</th") == [(THINKING, " tired.")]
    assert splitter.feed("ink>\n\nYou") == [(ANSWER, "You")]
    assert splitter.feed(" matter.") == [(ANSWER, " matter.")]
    assert splitter.flush() == []


def test_prompt_that_opened_the_thinking():
    assert prompt_opens_thinking("<|im_start|>assistant\n<think>\n")
    assert not prompt_opens_thinking("<|im_start|>assistant\n")
    events = stream(["\nweigh it", "</think>\n\nYes."], in_thinking=True)
    assert (joined(events, THINKING), joined(events, ANSWER)) == ("weigh it", "Yes.")


def test_thinking_cut_short_stays_thinking():
    assert split_reply("<think>\nstill weighing it, and") == ("still weighing it, and", "")
    assert split_reply("<think>\nstill </thi") == ("still </thi", "")


def test_empty_thinking_block():
    assert split_reply("<think>\n\n</think>\n\nHello.") == ("", "Hello.")


def test_only_the_first_close_tag_ends_the_thinking():
    thinking, answer = split_reply("<think>a</think>b </think> c")
    assert (thinking, answer) == ("a", "b </think> c")
