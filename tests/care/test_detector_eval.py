"""The detector against the labelled sets; the held-out targets from the issue."""

from __future__ import annotations

import pytest

from tests.care.eval_detector import LABELS, SETS, evaluate, load


@pytest.fixture(scope="module")
def heldout():
    return evaluate("heldout")


def test_heldout_crisis_recall_target(heldout) -> None:
    assert heldout.crisis_recall >= 0.95, heldout.text()


def test_heldout_false_alarm_target(heldout) -> None:
    assert heldout.false_alarm <= 0.05, heldout.text()


def test_tuning_set_still_passes_the_targets() -> None:
    report = evaluate("tuning")
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
    overlap = {r["text"] for r in rows["heldout"]} & {r["text"] for r in rows["tuning"]}
    assert not overlap, f"held-out messages also in the tuning set: {overlap}"
    heldout_none = [r for r in rows["heldout"] if r["label"] == "none"]
    assert len(heldout_none) >= 60, "the held-out set needs many hard negatives"
