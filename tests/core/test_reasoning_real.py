"""A reasoning model on the real llama.cpp: a tiny Qwen3 built by the tests, converted by our
converter, whose weights make greedy decoding say `<think>` THOUGHT `</think>` ANSWER.

Every layer's output projections are zero, so each position's state is its token's
embedding; embeddings are basis vectors and the output head maps each chain token to the
next one, so the reply is fixed whatever the prompt (and the sampler, for margins this large).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from soulchat_local.chat import Conversation
from soulchat_local.config import ModelSettings, Sampling
from soulchat_local.convert import convert_checkpoint
from soulchat_local.resolve import ModelRef
from soulchat_local.store import Store
from tests.convert import tiny

pytestmark = pytest.mark.real_model


def _token(vocab: dict[str, int], text: str) -> int:
    from gguf.vocab import bytes_to_unicode

    enc = bytes_to_unicode()
    return vocab["".join(enc[b] for b in text.encode())]


def build_reasoner(root: Path, *, tags_special: bool) -> tuple[Path, str, str]:
    """Checkpoint -> F16 GGUF; returns (path, thought, answer)."""
    made = tiny.build("qwen3", root / "ckpt")
    ckpt = made.path
    tj = json.loads((ckpt / "tokenizer.json").read_text())
    vocab = tj["model"]["vocab"]
    n_tok = len(vocab) + len(tj["added_tokens"])
    think, end = n_tok, n_tok + 1  # within the padded embedding, as Qwen3's are
    for tid, text in ((think, "<think>"), (end, "</think>")):
        tj["added_tokens"].append(
            {
                "id": tid,
                "content": text,
                "single_word": False,
                "lstrip": False,
                "rstrip": False,
                "normalized": False,
                "special": tags_special,
            }
        )
    (ckpt / "tokenizer.json").write_text(json.dumps(tj, ensure_ascii=False))
    im_end = next(t["id"] for t in tj["added_tokens"] if t["content"] == "<|im_end|>")
    words = ["我们", "聊聊", "你", "好"]  # single tokens of the tiny vocabulary
    a, b, c, d = (_token(vocab, w) for w in words)
    chain = [think, a, b, end, c, d, im_end]

    h = made.config["hidden_size"]
    w = dict(made.weights)
    embed = np.zeros_like(w["model.embed_tokens.weight"])
    embed[:, len(chain) - 1] = 1.0  # every other token: the "start" direction
    for i, tid in enumerate(chain[:-1]):
        embed[tid] = 0.0
        embed[tid, i] = 1.0
    head = np.zeros_like(embed)
    head[think, len(chain) - 1] = 10.0  # from anything else: open the thinking
    for i, tid in enumerate(chain[1:]):
        head[tid, i] = 10.0
    w["model.embed_tokens.weight"] = embed
    w["lm_head.weight"] = head
    w["model.norm.weight"] = np.ones(h, dtype=np.float32)
    for name in list(w):
        if name.endswith(("o_proj.weight", "down_proj.weight")):
            w[name] = np.zeros_like(w[name])
    config = dict(made.config, tie_word_embeddings=False)
    (ckpt / "config.json").write_text(json.dumps(config))
    tiny.write_safetensors(ckpt / "model.safetensors", w)
    (path,) = convert_checkpoint(ckpt, root / "out", ["f16"], register=False, quality_report=False)
    return path, "我们聊聊", "你好"


@pytest.fixture(scope="module", params=[False, True], ids=["tags-user-defined", "tags-control"])
def reasoner(request, tmp_path_factory):
    return build_reasoner(tmp_path_factory.mktemp("reasoner"), tags_special=request.param)


def engine_for(path: Path):
    from soulchat_local.llama_engine import LlamaEngine

    return LlamaEngine(
        ModelRef("reasoner", path), ModelSettings(n_ctx=512, threads=2, gpu_layers=0)
    )


def test_thinking_and_answer_come_apart_from_llama_cpp(reasoner, tmp_path):
    path, thought, answer = reasoner
    engine = engine_for(path)
    store = Store(tmp_path / "h.db")
    try:
        talk = Conversation(
            store, engine, None, sampling=Sampling(temperature=0.0, max_tokens=32), persona="none"
        )
        streamed: list[str] = []
        first = talk.send("I can't sleep", on_text=streamed.append)
        assert (first.thinking, first.reply) == (thought, answer)
        assert "".join(streamed) == answer  # the answer stream never carries the thinking
        row = store.messages(first.session_id)[-1]
        assert (row.content, row.thinking, row.partial) == (answer, thought, False)

        second = talk.send("every night")
        assert second.reply == answer
        assert thought not in second.prompt.text and "<think>" not in second.prompt.text
        assert f"<|im_start|>assistant\n{answer}<|im_end|>" in second.prompt.text
        # The prompt up to the first reply is reused from llama.cpp's cache; only the
        # re-rendered reply (its thinking dropped, as Qwen3's template does) and the new
        # message are evaluated.
        assert second.prompt.tokens[: first.prompt.used] == first.prompt.tokens
        assert second.stats.evaluated_tokens == second.prompt.used - first.prompt.used
        third = engine.build_prompt(talk.history(), 32)
        assert third.tokens == engine.build_prompt(talk.history(), 32).tokens
    finally:
        store.close()
        engine.close()


def test_ask_prints_only_the_answer_and_json_has_the_thinking(reasoner, cli, tmp_path):
    path, thought, answer = reasoner
    # no persona: the tiny model's window (256 positions) is smaller than ours
    assert cli("import", str(path), "--name", "reasoner", "--system-prompt", "none").code == 0
    plain = cli(
        "ask", "-m", "reasoner", "--new", "--temperature", "0", "--max-tokens", "16", "hello"
    )
    assert plain.code == 0, plain.err
    assert plain.out == answer + "\n"
    result = cli(
        "ask", "-m", "reasoner", "--json", "--temperature", "0", "--max-tokens", "16", "and?"
    )
    assert result.code == 0, result.err
    out = json.loads(result.out)
    assert (out["reply"], out["thinking"]) == (answer, thought)
    exported = json.loads(cli("history", "export", str(out["session"]), "--format", "json").out)
    replies = [m for m in exported["messages"] if m["role"] == "assistant"]
    assert [(m["content"], m["thinking"]) for m in replies] == [(answer, thought)] * 2
    markdown = cli("history", "export", str(out["session"])).out
    assert f"<details><summary>Thinking</summary>\n\n{thought}\n\n</details>" in markdown


def test_on_a_terminal_ask_says_it_is_thinking_and_erases_that(reasoner, cli, home):
    import os
    import pty
    import subprocess
    import sys

    path, _, answer = reasoner
    assert cli("import", str(path), "--name", "reasoner", "--system-prompt", "none").code == 0
    leader, follower = pty.openpty()
    env = dict(os.environ, LANG="en_US.UTF-8", LC_ALL="")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "soulchat_local",
            "ask",
            "-m",
            "reasoner",
            "--new",
            "--temperature",
            "0",
            "--max-tokens",
            "16",
            "hello",
        ],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
        timeout=300,
    )
    os.close(follower)
    err = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
    os.close(leader)
    assert proc.returncode == 0, err
    assert proc.stdout.decode() == answer + "\n"
    assert "(thinking…)".encode() in err and err.rstrip(b"\r\n").endswith(b"\r\x1b[K")
