"""`soulchat assess`: the risk of a message or a conversation, without a model.

    soulchat assess [--json] [--locale LOCALE] TEXT
    soulchat assess [--locale LOCALE] -      JSON Lines on stdin: {"text": S} or {"turns": [S, ...]}

With `-` every input line is checked before anything is written, so a bad line (named by its
number) leaves stdout empty and exits 2.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from ..errors import UserError
from ..message_check import MAX_BYTES, check_message
from .common import load_settings

_LOCALE = re.compile(r"^[A-Za-z]{2,3}(?:[_-][A-Za-z]{2})?(?:\.[A-Za-z0-9-]+)?(?:@[A-Za-z0-9]+)?$")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "assess", help="risk of a message or a conversation (no model needed)"
    )
    p.add_argument("text", metavar="TEXT|-", help="the message, or - for JSON Lines on stdin")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.add_argument(
        "--locale",
        metavar="LOCALE",
        help="POSIX locale for the crisis lines (zh_CN, zh_HK, en_GB, ...; default: environment)",
    )
    p.set_defaults(func=run)


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{where}: not UTF-8 text (byte {exc.start})") from None


def parse_line(line: str, number: int) -> list[str]:
    """One JSON Lines record -> the user turns to assess (oldest first)."""
    where = f"stdin line {number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UserError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(record, dict) or len(record.keys() & {"text", "turns"}) != 1:
        raise UserError(f'{where}: expected {{"text": S}} or {{"turns": [S, ...]}}')
    if "text" in record:
        return [check_message(record["text"], where)]
    turns = record["turns"]
    if not isinstance(turns, list) or not turns:
        raise UserError(f'{where}: "turns" must be a non-empty list of strings')
    for i, turn in enumerate(turns[:-1]):
        if not isinstance(turn, str) or len(turn.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            raise UserError(f"{where}: turn {i + 1} must be a string of at most {MAX_BYTES} bytes")
    check_message(turns[-1], where)
    return turns


def result(turns: list[str], locale: str | None, region: str | None = None) -> dict:
    """The verdict for the last turn; `region` is config.toml's `[care] region`."""
    from .. import safety

    assessment = safety.assess_turns(turns)
    resources = safety.resources_for(locale, region) if assessment.risk != "none" else []
    return {
        "risk": assessment.risk,
        "score": assessment.score,
        "reasons": list(assessment.reasons),
        "resources": [
            {"name": r.name, "contact": r.contact, "region": r.region} for r in resources
        ],
    }


def run(args: argparse.Namespace) -> int:
    if args.locale is not None and not _LOCALE.match(args.locale):
        raise UserError(
            f"--locale {args.locale!r} is not a locale: use e.g. zh_CN, zh_HK, en_GB, en"
        )
    region = load_settings()[1].care.region
    if args.text == "-":
        raw = sys.stdin.buffer.read()
        lines = _decode(raw, "stdin").splitlines()
        batches = [(n, parse_line(line, n)) for n, line in enumerate(lines, 1) if line.strip()]
        if not batches:
            raise UserError('stdin has no JSON lines: give one {"text": ...} per line')
        out = [json.dumps(result(turns, args.locale, region), ensure_ascii=False) for _, turns in batches]
        sys.stdout.write("\n".join(out) + "\n")
        return 0
    text = check_message(args.text, "TEXT")
    report = result([text], args.locale, region)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print(f"{report['risk']} (score {report['score']:.2f})")
    if report["reasons"]:
        print("reasons: " + ", ".join(report["reasons"]))
    for r in report["resources"]:
        print(f"  {r['name']}: {r['contact']}")
    return 0
