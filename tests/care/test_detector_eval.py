"""The detector against the labelled sets; the targets from the issue.

`heldout` was written before any detector code and scored once with tuning frozen; each of
`heldout2`..`heldout5` was written, committed and scored once before its misses were read
(README "Crisis support" has those first, blind figures). All of them are asserted here as
regression tests: crisis recall >= 0.95 and false alarms on `none` <= 0.05.
"""

from __future__ import annotations

import itertools

import pytest

from tests.care.eval_detector import LABELS, SETS, evaluate, load

HELDOUT = [name for name in SETS if name.startswith("heldout")]


@pytest.fixture(scope="module")
def heldout():
    return evaluate("heldout")


def test_heldout_crisis_recall_target(heldout) -> None:
    assert heldout.crisis_recall >= 0.95, heldout.text()


def test_heldout_false_alarm_target(heldout) -> None:
    assert heldout.false_alarm <= 0.05, heldout.text()


@pytest.mark.parametrize("name", ["tuning", *HELDOUT[1:]])
def test_every_other_set_meets_the_targets(name: str) -> None:
    report = evaluate(name)
    assert report.crisis_recall >= 0.95, report.text()
    assert report.false_alarm <= 0.05, report.text()


def test_labelled_sets_are_well_formed() -> None:
    rows = {name: load(path) for name, path in SETS.items()}
    everything = [row for part in rows.values() for row in part]
    assert len(everything) >= 300
    for row in everything:
        assert set(row) == {"text", "label", "lang", "note"}, row
        assert row["label"] in LABELS and row["lang"] in ("zh", "en"), row
        assert row["text"].strip() and row["note"].strip(), row
    for part in rows.values():
        assert {(r["label"], r["lang"]) for r in part} == {(lab, lng) for lab in LABELS for lng in ("zh", "en")}
    for a, b in itertools.combinations(rows, 2):
        overlap = {r["text"] for r in rows[a]} & {r["text"] for r in rows[b]}
        assert not overlap, f"messages in both {a} and {b}: {overlap}"
    assert len([r for r in rows["heldout"] if r["label"] == "none"]) >= 60, "many hard negatives"
