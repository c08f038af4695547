"""`soulchat eval`: targets, generation, deltas and the report, on the scripted engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soulchat_local.commands.eval import table
from soulchat_local.corpus import load_dialogues
from soulchat_local.engine import ScriptedEngine
from soulchat_local.eval.metrics import METRICS
from soulchat_local.eval.run import collect_targets, deltas, report, run_model
from soulchat_local.prompts import Message

DIALOGUES = [
    {
        "id": "en",
        "messages": [
            {"role": "system", "content": "Be kind."},
            {"role": "user", "content": "My cat is gone."},
            {"role": "assistant", "content": "the cat is on the mat"},
            {"role": "user", "content": "No, she ran away."},
        ],
    },
    {
        "id": "zh",
        "topic": "情绪",
        "messages": [
            {"role": "user", "content": "考试没过。"},
            {"role": "assistant", "content": "我真的很难过，"},
        ],
    },
]
REFERENCES = ["the cat is on the mat", "我真的很难过，"]


@pytest.fixture
def targets(tmp_path: Path):
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in DIALOGUES), "utf-8")
    return collect_targets(load_dialogues(path).dialogues)


def test_targets_are_each_counsellor_turn_with_its_real_context(targets) -> None:
    assert [(t.dialogue, t.turn, t.reference) for t in targets] == [
        ("en", 2, REFERENCES[0]),
        ("zh", 1, REFERENCES[1]),
    ]
    engine = ScriptedEngine(["a", "b"])
    run_model(engine, targets, 32)
    # the model saw the dialogue as it went, its own system prompt and nothing added
    assert engine.prompts[0].messages == [
        Message("system", "Be kind."),
        Message("user", "My cat is gone."),
    ]
    assert engine.prompts[1].messages == [Message("user", "考试没过。")]


def test_a_model_that_says_the_references_scores_full_marks(targets) -> None:
    result = run_model(ScriptedEngine(REFERENCES), targets, 64)
    assert result.replies == REFERENCES
    assert all(result.scores[k] == pytest.approx(100.0) for k in METRICS[:7])
    assert result.completion_tokens > 0 and result.length_stops == 0


def test_deltas_are_second_minus_first(targets) -> None:
    perfect = run_model(ScriptedEngine(REFERENCES, name="perfect"), targets, 64)
    # the hand-worked pairs of test_eval_metrics: ROUGE-1 5/6 and 0.8, ROUGE-2 3/5 and 0.5
    other = run_model(
        ScriptedEngine(["The cat sat on the mat.", "我很难过。"], name="other"), targets, 64
    )
    (delta,) = deltas([perfect, other])
    assert delta["model"] == "other" and delta["baseline"] == "perfect"
    scores = delta["scores"]
    assert scores["rouge-1"] == pytest.approx(100 * (5 / 6 + 0.8) / 2 - 100)
    assert scores["rouge-2"] == pytest.approx(100 * (3 / 5 + 0.5) / 2 - 100)
    assert scores["mean_length"] == pytest.approx(5.0 - 6.0)  # 10 tokens vs 12
    assert scores["bleu-1"] < 0
    assert deltas([perfect]) == []
    assert all(v == 0 for v in deltas([other, other])[0]["scores"].values())


def test_max_tokens_cuts_replies_and_is_counted(targets) -> None:
    result = run_model(ScriptedEngine(["one two three four five", "一二三四五"]), targets, 2)
    assert result.replies == ["one two", "一二"]
    assert result.length_stops == 2


def test_a_context_too_long_for_the_window_scores_an_empty_reply(targets) -> None:
    engine = ScriptedEngine(["x"], n_ctx=100)  # 84 tokens for the prompt: zh fits, en not
    result = run_model(engine, targets, 16)
    assert result.too_long == 1 and result.replies[0] == ""
    assert result.replies[1] == "x"


def test_report_and_table(targets) -> None:
    first = run_model(ScriptedEngine(REFERENCES, name="base"), targets, 64)
    second = run_model(ScriptedEngine(["the cat", "我很难过"], name="tuned"), targets, 64)
    summary = report("d.jsonl", 2, 1, targets, [first, second], 64)
    assert json.loads(json.dumps(summary, ensure_ascii=False)) == summary
    assert summary["bad_records"] == 1 and len(summary["targets"]) == 2
    assert [m["name"] for m in summary["models"]] == ["base", "tuned"]
    assert summary["models"][1]["replies"] == ["the cat", "我很难过"]
    assert summary["reference"]["mean_length"] == pytest.approx(6.0)
    assert set(summary["deltas"][0]["scores"]) == set(METRICS)
    text = table(summary)
    header = next(line for line in text.splitlines() if line.startswith("metric"))
    assert header.split() == ["metric", "base", "tuned", "Δ", "tuned", "reference"]
    rouge1 = next(line for line in text.splitlines() if line.startswith("ROUGE-1"))
    base, tuned, delta, ref = rouge1.split()[1:]
    assert float(base) == pytest.approx(100.0) and ref == "-"
    assert float(delta) == pytest.approx(float(tuned) - float(base), abs=0.011)
    assert delta.startswith("-")
    assert "Δ: model minus base" in text


def test_table_names_the_same_model_twice_apart(targets) -> None:
    result = run_model(ScriptedEngine(REFERENCES, name="m"), targets, 64)
    text = table(report("d", 2, 0, targets, [result, result], 64))
    assert "m#2" in text and "+0.00" in text


def test_a_character_cut_in_half_at_max_tokens_is_dropped(targets) -> None:
    result = run_model(ScriptedEngine(["ok \ufffd", "你好\ufffd"]), targets, 64)
    assert result.replies == ["ok", "你好"]
