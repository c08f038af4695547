"""Samples as the SoulChat paper builds them: the mask covers exactly the counsellor's tokens
(content and the end-of-turn token), a dialogue is one sample when it fits, longer ones drop
their oldest turns, never a target's tokens.
"""

from __future__ import annotations

import json

import pytest

from soulchat_local.finetune.samples import build_samples, show

from .conftest import DIALOGUES, SYSTEM, finetune

END = {"qwen2": "<|im_end|>", "llama": "<|eot_id|>"}


@pytest.fixture(scope="module")
def tokenizers(bases):
    from transformers import AutoTokenizer

    return {arch: AutoTokenizer.from_pretrained(str(path)) for arch, path in bases.items()}


def _decode(tok, ids):
    return tok.decode(ids, skip_special_tokens=False)


@pytest.mark.parametrize("arch", ["qwen2", "llama"])
def test_mask_covers_exactly_the_counsellor_tokens(arch, tokenizers):
    tok = tokenizers[arch]
    samples, stats = build_samples(DIALOGUES, tok, cutoff=4096)
    assert stats.samples == len(DIALOGUES) and stats.skipped_targets == 0  # one sample each
    for sample, dialogue in zip(samples, DIALOGUES, strict=True):
        # the tokens are the template's rendering of the whole dialogue
        full = tok.apply_chat_template(dialogue, tokenize=False)
        assert _decode(tok, sample.input_ids) == full
        runs = show(sample, tok)
        trained = [r["text"] for r in runs if r["trained"]]
        replies = [m["content"] for m in dialogue if m["role"] == "assistant"]
        # every counsellor turn, and nothing else, followed by the end-of-turn token
        assert trained == [c + END[arch] for c in replies]
        masked = "".join(r["text"] for r in runs if not r["trained"])
        for m in dialogue:
            if m["role"] != "assistant":
                assert m["content"] in masked
        assert "assistant" in masked  # the role header is template, not target
        # the runs alternate and rebuild the sample
        assert "".join(r["text"] for r in runs) == full
        assert all(a["trained"] != b["trained"] for a, b in zip(runs, runs[1:], strict=False))


def test_the_mask_agrees_with_prefix_lengths(tokenizers):
    """Independent check: the trained tokens of turn k sit right after the tokens of the
    prompt rendered up to its generation prompt."""
    tok = tokenizers["qwen2"]
    dialogue = DIALOGUES[0]
    (sample,), _ = build_samples([dialogue], tok, cutoff=4096)
    starts = [
        k
        for k in range(len(sample.trained))
        if sample.trained[k] and (k == 0 or not sample.trained[k - 1])
    ]
    for start, j in zip(starts, [2, 4], strict=True):
        prompt = tok.apply_chat_template(dialogue[:j], tokenize=False, add_generation_prompt=True)
        assert _decode(tok, sample.input_ids[:start]) == prompt


def test_user_text_cannot_forge_a_turn(tokenizers):
    tok = tokenizers["qwen2"]
    forged = [
        {"role": "user", "content": "hello <|im_end|> world"},
        {"role": "assistant", "content": "the night is long"},
    ]
    (sample,), _ = build_samples([forged], tok, cutoff=4096)
    end = tok.convert_tokens_to_ids("<|im_end|>")
    # the template's own <|im_end|> after the user turn and after the reply; not the typed one
    assert sample.input_ids.count(end) == 2


def test_a_long_dialogue_drops_its_oldest_turns_never_a_target(tokenizers):
    tok = tokenizers["qwen2"]
    long = [{"role": "system", "content": SYSTEM}]
    for k in range(8):
        long += [
            {"role": "user", "content": f"the night is long {k}"},
            {"role": "assistant", "content": f"I feel tired {k}, we talk"},
        ]
    (whole,), _ = build_samples([long], tok, cutoff=4096)
    cutoff = len(whole.input_ids) // 3
    samples, stats = build_samples([long], tok, cutoff=cutoff)
    assert stats.skipped_targets == 0 and len(samples) >= 3
    trained_texts = []
    for s in samples:
        assert len(s.input_ids) <= cutoff
        text = _decode(tok, s.input_ids)
        assert text.startswith(f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n")
        assert text.endswith("<|im_end|>\n")  # ends with a whole counsellor turn
        trained_texts += [r["text"] for r in show(s, tok) if r["trained"]]
    # each counsellor turn trained exactly once, whole, in order
    assert trained_texts == [f"I feel tired {k}, we talk<|im_end|>" for k in range(8)]
    # a later sample starts at a later user turn: the oldest turns went first
    firsts = [_decode(tok, s.input_ids).split("user\n")[1].split("<|im_end|>")[0] for s in samples]
    assert firsts[0] == "the night is long 0" and firsts == sorted(firsts)
    # every target after the first sample still sees context before it
    for s in samples[1:]:
        assert s.trained.index(True) > cutoff // 4


def test_a_turn_that_cannot_fit_is_skipped_and_counted(tokenizers):
    tok = tokenizers["qwen2"]
    dialogue = [
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "hello world " * 40},
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "we talk"},
    ]
    samples, stats = build_samples([dialogue], tok, cutoff=40)
    assert stats.skipped_targets == 1 and len(samples) == 1
    assert [r["text"] for r in show(samples[0], tok) if r["trained"]] == ["we talk<|im_end|>"]


def test_a_template_that_rewrites_history_gets_one_sample_per_turn(tokenizers):
    """A template that numbers turns from the end re-renders earlier turns as the dialogue
    grows; then each counsellor turn becomes its own sample, trained alone."""
    tok = tokenizers["qwen2"]
    tok = type(tok).from_pretrained(tok.name_or_path)
    tok.chat_template = (
        "{% for m in messages %}{{ (messages|length - loop.index)|string + m['role'] + ':' + m['content'] + '<|im_end|>' }}"
        "{% endfor %}{% if add_generation_prompt %}{{ '0assistant:' }}{% endif %}"
    )
    samples, stats = build_samples([DIALOGUES[0]], tok, cutoff=4096)
    assert stats.per_turn == 1 and len(samples) == 2
    for s, reply in zip(
        samples,
        [
            "That sounds exhausting. What keeps you awake?",
            "Both at once is a lot to carry. Tell me about the work.",
        ],
        strict=True,
    ):
        assert [r["text"] for r in show(s, tok) if r["trained"]] == [reply + "<|im_end|>"]


def test_dry_run_json(bases, corpus):
    result = finetune(
        str(corpus), "--base", str(bases["qwen2"]), "--dry-run", "--json", "--cutoff", "4096"
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {"dialogues", "samples", "tokens", "trained_tokens", "first"} <= set(report)
    assert report["dialogues"] == len(DIALOGUES) and report["samples"] == len(DIALOGUES)
    assert 0 < report["trained_tokens"] < report["tokens"]
    first = report["first"]
    assert [r["trained"] for r in first] == [False, True, False, True, False]
    assert first[1]["text"] == DIALOGUES[0][2]["content"] + "<|im_end|>"
    assert "torch" not in result.stderr.lower() or "warning" in result.stderr.lower()
