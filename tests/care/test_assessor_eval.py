"""The assessor on the project's own labelled sets.

tuning.jsonl and regression1-6.jsonl were tuned on (the earlier detector's patterns, and
tuning.jsonl is also training data for the classifier), so they are regression tests: the
floors below are what the assessor reached when they were set, not estimates of how it does
on new text. The unseen sets (unseen_chat, unseen_conversations, the crisis-train unseen
split) are for measuring only: tests/care/eval_assessor.py prints them; nothing here asserts
on them, so that no change is ever made to pass them.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from soulchat_local.safety import assess

DATA = Path(__file__).parent / "data"
LABELS = ("none", "concern", "crisis")
# set -> (crisis recall floor, none->crisis ceiling, concern recall floor), both languages pooled
FLOORS = {
    "tuning": (0.90, 0.06, 0.95),
    "regression1": (0.88, 0.06, 0.95),
    "regression2": (0.85, 0.06, 0.95),
    "regression3": (0.82, 0.06, 0.95),
    "regression4": (0.88, 0.03, 0.90),
    "regression5": (0.82, 0.08, 0.85),
    # stop 16: short chat messages by C-SSRS-style category (wish to be dead, thoughts,
    # method, intent, plan, preparation, self-harm) and everyday death words; the rules were
    # written against it, so it is a regression set too
    "regression6": (0.92, 0.02, 0.95),
}


def load(name: str) -> list[dict]:
    with (DATA / f"{name}.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.mark.parametrize("name", list(FLOORS))
def test_regression_floors(name: str) -> None:
    rows = load(name)
    pairs = [(r["label"], assess(r["text"]).risk) for r in rows]

    def rate(label: str, preds: tuple[str, ...]) -> float:
        got = [p for lab, p in pairs if lab == label]
        return sum(p in preds for p in got) / len(got)

    crisis_floor, false_ceiling, concern_floor = FLOORS[name]
    assert rate("crisis", ("crisis",)) >= crisis_floor
    assert rate("none", ("crisis",)) <= false_ceiling
    assert rate("concern", ("concern", "crisis")) >= concern_floor


def test_labelled_sets_are_well_formed_and_disjoint() -> None:
    names = [*FLOORS, "unseen_chat", "own_train"]
    rows = {name: load(name) for name in names}
    for part in rows.values():
        for row in part:
            assert row["label"] in LABELS and row["lang"] in ("zh", "en"), row
            assert row["text"].strip(), row
    for a, b in itertools.combinations(rows, 2):
        overlap = {r["text"] for r in rows[a]} & {r["text"] for r in rows[b]}
        assert not overlap, f"messages in both {a} and {b}: {overlap}"
    for conv in load("unseen_conversations"):
        assert conv["turns"] and all(t.strip() for t in conv["turns"]) and conv["label"] in LABELS
