"""Evaluate the crisis detector on the labelled JSONL sets and print its figures.

    python tests/care/eval_detector.py                   # every set, figures only
    python tests/care/eval_detector.py tuning --errors   # list the tuning set's mistakes
    python tests/care/eval_detector.py tuning --batch batch4   # one batch of the tuning set

A held-out set is for measuring, not tuning: its mistakes are listed only with
--errors-heldout, which was used on each held-out set once, after its first (blind) score
was recorded in README "Crisis support". Not a pytest module (test_detector_eval.py
asserts the targets).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).parent / "data"
LABELS = ("none", "concern", "crisis")
SETS = {
    "tuning": DATA / "tuning.jsonl",
    "regression1": DATA / "regression1.jsonl",
    "regression2": DATA / "regression2.jsonl",
    "regression3": DATA / "regression3.jsonl",
    "regression4": DATA / "regression4.jsonl",
    "regression5": DATA / "regression5.jsonl",
}


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@dataclass
class Report:
    name: str
    rows: list[dict]
    predictions: list[str]
    seconds: float
    matrix: dict[tuple[str, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row, pred in zip(self.rows, self.predictions, strict=True):
            key = (row["label"], pred)
            self.matrix[key] = self.matrix.get(key, 0) + 1

    def count(self, label: str, pred: str | None = None) -> int:
        return sum(n for (lab, p), n in self.matrix.items()
                   if lab == label and (pred is None or p == pred))

    @property
    def crisis_recall(self) -> float:
        """Share of crisis messages assessed as crisis."""
        return self.count("crisis", "crisis") / max(1, self.count("crisis"))

    @property
    def crisis_flagged(self) -> float:
        """Share of crisis messages that got resources at all (concern or crisis)."""
        return 1 - self.count("crisis", "none") / max(1, self.count("crisis"))

    @property
    def false_alarm(self) -> float:
        """Share of `none` messages assessed as concern or crisis."""
        return 1 - self.count("none", "none") / max(1, self.count("none"))

    @property
    def false_crisis(self) -> float:
        """Share of `none` messages assessed as crisis."""
        return self.count("none", "crisis") / max(1, self.count("none"))

    @property
    def concern_hit(self) -> float:
        """Share of concern messages assessed as concern or crisis."""
        return 1 - self.count("concern", "none") / max(1, self.count("concern"))

    def errors(self) -> list[tuple[dict, str]]:
        return [(r, p) for r, p in zip(self.rows, self.predictions, strict=True) if r["label"] != p]

    def text(self) -> str:
        lines = [
            f"{self.name}: {len(self.rows)} messages "
            f"({self.count('crisis')} crisis, {self.count('concern')} concern, {self.count('none')} none)",
            f"  crisis recall            {self.crisis_recall:.3f}  "
            f"({self.count('crisis', 'crisis')}/{self.count('crisis')})",
            f"  crisis given resources   {self.crisis_flagged:.3f}  (assessed concern or crisis)",
            f"  false alarms on none     {self.false_alarm:.3f}  "
            f"({self.count('none') - self.count('none', 'none')}/{self.count('none')}, any risk)",
            f"  none assessed as crisis  {self.false_crisis:.3f}",
            f"  concern given resources  {self.concern_hit:.3f}",
            f"  time per message         {1000 * self.seconds / max(1, len(self.rows)):.3f} ms",
            "  confusion (rows = label, columns = assessed): none concern crisis",
        ]
        for label in LABELS:
            cells = " ".join(f"{self.matrix.get((label, p), 0):>7}" for p in LABELS)
            lines.append(f"    {label:<8}{cells}")
        return "\n".join(lines)


def evaluate(name: str, path: Path | None = None, batch: str | None = None) -> Report:
    from soulchat_local.safety import assess

    rows = load(path or SETS[name])
    if batch:
        rows = [row for row in rows if row["note"].split()[0] == batch]
        name = f"{name} ({batch})"
    start = time.perf_counter()
    predictions = [assess(row["text"]).risk for row in rows]
    return Report(name, rows, predictions, time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", metavar="SET", help="tuning, heldout (default: both)")
    parser.add_argument("--errors", action="store_true", help="list the tuning set's mistakes")
    parser.add_argument("--batch", metavar="WORD",
                        help="only rows whose note starts with WORD (e.g. batch4: a fresh batch)")
    parser.add_argument("--errors-heldout", action="store_true",
                        help="also list the held-out set's mistakes (only after tuning is over)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.sets if name not in SETS]
    if unknown:
        parser.error(f"unknown set {unknown[0]!r}: choose from {', '.join(SETS)}")
    from soulchat_local.safety import assess

    for name in args.sets or list(SETS):
        report = evaluate(name, batch=args.batch)
        print(report.text())
        show = args.errors_heldout if name.startswith("heldout") else args.errors
        if show:
            for row, pred in report.errors():
                reasons = ",".join(assess(row["text"]).reasons)
                print(f"    [{row['label']} -> {pred}] {row['text']}  ({reasons})")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
