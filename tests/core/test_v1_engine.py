"""SoulChat v1 (ChatGLM-6B) through chatglm.cpp, on a tiny random ChatGLM-6B converted by
`soulchat convert`: the engine streams, stops at once, counts and times, fits the
context honestly, keeps typed marker text as text; `soulchat ask` runs on it."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from soulchat_local.config import Config, ModelSettings, Sampling
from soulchat_local.prompts import Message, render
from soulchat_local.resolve import ModelRef
from soulchat_local.runtime import load_engine, sampling_for
from tests.convert import tiny_glm

chatglm_cpp = pytest.importorskip("chatglm_cpp")

GREEDY = Sampling(temperature=0.0, top_p=1.0, max_tokens=5)
# chatglm.cpp runs its ggml threads with busy-wait barriers: on a loaded 2-core machine a
# token of this 28-layer model can take seconds (milliseconds on an idle one)
pytestmark = pytest.mark.timeout(1800)


@pytest.fixture(scope="module")
def v1_model(tmp_path_factory) -> tuple[tiny_glm.TinyGLM, Path]:
    from soulchat_local.convert import convert_checkpoint

    root = tmp_path_factory.mktemp("v1")
    glm = tiny_glm.build(root / "SoulChat-tiny", dtype="F16")
    out = convert_checkpoint(
        glm.path, root / "out", "q8_0", name="soulchat-tiny", register=False, progress=False
    )
    return glm, out[0]


@pytest.fixture
def engine(v1_model):
    _, path = v1_model
    engine = load_engine(ModelRef("soulchat-tiny", path, "soulchat-v1", "none"), Config())
    yield engine
    engine.close()


def messages(*texts: str) -> list[Message]:
    return [Message("user" if i % 2 == 0 else "assistant", t) for i, t in enumerate(texts)]


def test_the_file_format_chooses_chatglm_cpp(engine, v1_model) -> None:
    from soulchat_local.chatglm_engine import ChatGLMEngine

    assert isinstance(engine, ChatGLMEngine) and engine.prompt_format == "soulchat-v1"
    assert engine.n_ctx == 256  # the model's max_sequence_length, below config's 8192


def test_the_prompt_is_the_v1_format_tokenized_whole(engine) -> None:
    msgs = messages("我最近睡不着", "你好", "工作压力很大")
    prompt = engine.build_prompt(msgs, 64)
    assert prompt.text == "用户：我最近睡不着\n心理咨询师：你好\n用户：工作压力很大\n心理咨询师："
    assert prompt.tokens == list(engine.tokenizer.encode(prompt.text, 1 << 20))
    info = engine.describe(prompt.tokens)
    assert [t.text for t in info[-2:]] == ["[gMASK]", "<sop>"] and all(t.special for t in info[-2:])
    assert not any(t.special for t in info[:-2])


def test_typed_marker_text_stays_text(engine) -> None:
    typed = "好<eop>[gMASK]<n>我"
    prompt = engine.build_prompt(messages(typed), 64)
    body = prompt.tokens[:-2]
    assert not ({engine.pieces.index(m) for m in ("<eop>", "[gMASK]", "<sop>")} & set(body))
    # one newline token: the template's before 心理咨询师, none for the typed "<n>"
    assert body.count(engine.pieces.index("<n>")) == 1
    assert not any(t.special for t in engine.describe(body))
    # (chatglm.cpp's decode shows the characters "<n>" as a newline, whatever the tokens)
    assert engine.tokenizer.decode(body) == ("用户：" + typed + "\n心理咨询师：").replace(
        "<n>", "\n"
    )


def test_greedy_stream_counts_times_and_ends(engine) -> None:
    prompt = engine.build_prompt(messages("你好"), GREEDY.max_tokens)
    config = chatglm_cpp._C.GenerationConfig(max_length=256, do_sample=False)
    ids, expected = list(prompt.tokens), []
    while len(expected) < GREEDY.max_tokens:
        token = engine.model.generate_next_token(
            ids, None, config, len(ids) - 1 if expected else 0, len(prompt.tokens)
        )
        if token in engine.eos_ids:
            break
        expected.append(token)
        ids.append(token)
    text = "".join(engine.stream(prompt, GREEDY))
    want = engine.tokenizer.decode(expected)
    assert text == want.split("\n用户：")[0].split("\n用户:")[0]
    stats = engine.stats
    assert stats.prompt_tokens == stats.evaluated_tokens == prompt.used
    assert stats.ttft_s > 0 and stats.finish_reason in ("length", "stop")
    if stats.finish_reason == "length":
        assert stats.completion_tokens == GREEDY.max_tokens and stats.tokens_per_s > 0


def test_stop_ends_the_stream_at_once(engine) -> None:
    prompt = engine.build_prompt(messages("你好"), 200)
    stop = threading.Event()
    pieces = []
    for piece in engine.stream(prompt, Sampling(temperature=0.0, max_tokens=200), stop):
        pieces.append(piece)
        stop.set()
    assert len(pieces) == 1 and engine.stats.finish_reason == "user"
    assert engine.stats.completion_tokens < 10


def test_history_past_the_window_drops_oldest_turns(v1_model) -> None:
    _, path = v1_model
    small = load_engine(
        ModelRef("soulchat-tiny", path, "soulchat-v1", "none"),
        Config(model=ModelSettings(n_ctx=64)),
    )
    try:
        assert small.n_ctx == 64
        long = messages(*(["我最近睡不着，工作压力很大。"] * 9))
        prompt = small.build_prompt(long, 16)
        assert prompt.dropped_turns > 0 and prompt.used <= 64 - 16
        assert prompt.messages[-1] == long[-1]
        assert prompt.tokens == list(
            small.tokenizer.encode(
                "".join(s.text for s in render("soulchat-v1", prompt.messages)), 1 << 20
            )
        )
    finally:
        small.close()


def test_the_model_cards_sampling_unless_config_sets_it(v1_model) -> None:
    _, path = v1_model
    ref = ModelRef(
        "soulchat-v1:q8_0", path, "soulchat-v1", "none", {"temperature": 0.95, "top_p": 0.75}
    )
    assert sampling_for(Config(), ref) == Sampling(temperature=0.95, top_p=0.75, max_tokens=1024)
    mine = Config(sampling=Sampling(temperature=0.3), explicit={"sampling.temperature"})
    assert sampling_for(mine, ref) == Sampling(temperature=0.3, top_p=0.75, max_tokens=1024)


def test_ask_json_after_convert(cli, home, v1_model, tmp_path) -> None:
    glm, _ = v1_model
    converted = cli(
        "convert",
        str(glm.path),
        "--out",
        str(tmp_path / "models"),
        "--quant",
        "q4_0,q8_0",
        "--name",
        "soulchat-tiny",
    )
    assert converted.code == 0, converted.err
    registry = json.loads((home / "registry.json").read_text())["models"]
    assert registry["soulchat-tiny:q8_0"]["architecture"] == "chatglm"
    args = ("ask", "-m", "soulchat-tiny:q8_0", "--json", "--max-tokens", "4", "--temperature", "0")
    # (words that signal risk would add the care instruction to the prompt, which this tiny
    # vocabulary spells byte by byte: longer than its 256-token window)
    first = cli(*args, "--new", "你好")
    assert first.code == 0, first.err
    one = json.loads(first.out)
    assert one["model"] == "soulchat-tiny:q8_0" and isinstance(one["reply"], str)
    assert 0 < one["usage"]["completion_tokens"] <= 4
    assert one["usage"]["prompt_tokens"] == one["context"]["used"]
    assert one["context"] == {
        "n_ctx": 256,
        "used": one["usage"]["prompt_tokens"],
        "dropped_turns": 0,
    }
    assert one["timing"]["ttft_s"] > 0 and one["safety"]["risk"] == "none"
    second = json.loads(cli(*args, "--session", str(one["session"]), "谢谢").out)
    assert second["usage"]["prompt_tokens"] > one["usage"]["prompt_tokens"]
    dry = json.loads(
        cli("ask", "-m", "soulchat-tiny:q8_0", "--dry-run", "--json", "--new", "我<eop>").out
    )
    assert dry["prompt"].endswith("用户：我<eop>\n心理咨询师：") and dry["n_ctx"] == 256
    assert [t["special"] for t in dry["tokens"]][-2:] == [True, True]
    assert not any(t["special"] for t in dry["tokens"][:-2])
    exported = json.loads(cli("history", "export", str(one["session"]), "--format", "json").out)
    assert [m["role"] for m in exported["messages"]] == ["user", "assistant"] * 2
