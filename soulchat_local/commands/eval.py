"""`soulchat eval DATA -m MODEL [-m MODEL ...]`: the SoulChat paper's metrics on held-out
dialogues, one model or several side by side (each later one against the first)."""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial

from .ask import _positive_int
from .common import load_settings

DEFAULT_MAX_TOKENS = 256

LABELS = {
    "bleu-1": "BLEU-1",
    "bleu-2": "BLEU-2",
    "bleu-3": "BLEU-3",
    "bleu-4": "BLEU-4",
    "rouge-1": "ROUGE-1",
    "rouge-2": "ROUGE-2",
    "rouge-l": "ROUGE-L",
    "distinct-1": "Distinct-1",
    "distinct-2": "Distinct-2",
    "mean_length": "mean length",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "eval", help="score models on held-out dialogues (BLEU, ROUGE, distinct-n)"
    )
    p.add_argument("data", metavar="DATA", help="a .json/.jsonl file of dialogues, or a folder")
    p.add_argument(
        "-m",
        "--model",
        action="append",
        dest="models",
        metavar="MODEL",
        help="catalogue name, installed name or .gguf path; repeat to compare models",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--max-tokens",
        type=_positive_int,
        default=DEFAULT_MAX_TOKENS,
        metavar="N",
        help=f"longest reply generated per turn (default {DEFAULT_MAX_TOKENS})",
    )
    p.add_argument("--limit", type=_positive_int, metavar="N", help="use the first N dialogues")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..corpus import load_dialogues
    from ..errors import UserError
    from ..eval.run import collect_targets, report, run_model
    from ..progress import Progress
    from ..resolve import resolve_model
    from ..runtime import load_engine

    paths, config = load_settings()
    models = [resolve_model(spec, config, paths) for spec in (args.models or [None])]
    loaded = load_dialogues(args.data, limit=args.limit)
    if not loaded.dialogues:
        why = f" ({loaded.describe_bad()})" if loaded.bad_count else ""
        raise UserError(f"no usable dialogues in {args.data}{why}")
    if loaded.bad_count:
        sys.stderr.write(f"soulchat eval: {loaded.describe_bad()}\n")
    targets = collect_targets(loaded.dialogues)
    results = []
    for model in models:
        engine = load_engine(model, config)
        progress = Progress(len(targets), model.name, unit="turns")
        try:
            results.append(
                run_model(
                    engine,
                    targets,
                    args.max_tokens,
                    path=str(model.path),
                    on_reply=partial(progress.update, 1),
                )
            )
        finally:
            progress.close()
            engine.close()
    summary = report(
        str(args.data),
        len(loaded.dialogues),
        loaded.bad_count,
        targets,
        results,
        args.max_tokens,
    )
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(table(summary))
    return 0


def table(summary: dict) -> str:
    """The report as a plain table: one column per model, a delta column after each later
    model, and the reference replies' own diversity and length last."""
    models = summary["models"]
    names = _unique([m["name"] for m in models])
    columns: list[tuple[str, dict]] = [(names[0], models[0]["scores"])]
    for name, model, delta in zip(names[1:], models[1:], summary["deltas"], strict=True):
        columns += [(name, model["scores"]), (f"Δ {name}", delta["scores"])]
    columns.append(("reference", summary["reference"]))
    width = max(10, *(len(title) for title, _ in columns))
    lines = [
        f"{summary['dialogues']} dialogues, {len(summary['targets'])} counsellor turns, "
        f"greedy, at most {summary['max_tokens']} tokens per reply"
        + (f"; Δ: model minus {names[0]}" if len(names) > 1 else ""),
        "",
        f"{'metric':<12}" + "".join(f"{title:>{width + 2}}" for title, _ in columns),
    ]
    for key, label in LABELS.items():
        cells = []
        for title, scores in columns:
            value = scores.get(key)
            if value is None:
                cells.append("-")
            elif title.startswith("Δ "):
                cells.append(f"{value:+.2f}")
            else:
                cells.append(f"{value:.2f}")
        lines.append(f"{label:<12}" + "".join(f"{c:>{width + 2}}" for c in cells))
    lines.append("")
    for name, model in zip(names, models, strict=True):
        notes = [
            f"{model['tokens_per_s']:.1f} tokens/s",
            f"{model['length_stops']} replies cut at max tokens",
        ]
        if model["dropped_turns"]:
            notes.append(f"{model['dropped_turns']} old messages left out to fit the context")
        if model["too_long"]:
            notes.append(f"{model['too_long']} turns too long for the context (scored empty)")
        lines.append(f"{name}: " + ", ".join(notes))
    return "\n".join(lines)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out
