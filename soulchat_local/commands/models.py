"""`soulchat models`: installed models and catalogue entries."""

from __future__ import annotations

import argparse
import json

from ..catalogue import DEMO_MODEL, demo_model_path, load_catalogue
from ..progress import human_bytes
from ..registry import Registry
from .common import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("models", help="installed models and the catalogue")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(func=run)


def collect() -> list[dict]:
    paths, config = load_settings()
    installed = Registry(paths).load()
    rows: list[dict] = []
    for model in installed.values():
        entry = load_catalogue().get(model.name.split(":", 1)[0])
        rows.append({
            "name": model.name, "installed": True, "path": model.path, "size": model.size,
            "source": model.source,
            "license": entry.license if entry else model.source.get("license", ""),
            "languages": list(entry.languages) if entry else [],
            "description": entry.description if entry else "",
            "system_prompt": model.system_prompt,
            "default": model.name == config.model.default,
        })
    demo = demo_model_path()
    for entry in load_catalogue().values():
        if any(r["name"].split(":", 1)[0] == entry.name for r in rows):
            continue
        is_demo = entry.name == DEMO_MODEL and demo is not None
        rows.append({
            "name": entry.name, "installed": is_demo,
            "path": str(demo) if is_demo else None,
            "size": demo.stat().st_size if is_demo else None,
            "source": entry.source, "license": entry.license,
            "languages": list(entry.languages), "description": entry.description,
            "system_prompt": entry.system_prompt,
            "default": entry.name == config.model.default,
        })
    return rows


def run(args: argparse.Namespace) -> int:
    rows = collect()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"{'NAME':32} {'STATUS':10} {'SIZE':>10}  LICENCE       LANGUAGES")
    for row in sorted(rows, key=lambda r: (not r["installed"], r["name"])):
        status = "installed" if row["installed"] else "available"
        if row["default"]:
            status += "*"
        size = human_bytes(row["size"]) if row["size"] else "-"
        print(f"{row['name']:32} {status:10} {size:>10}  {row['license'] or '-':13} "
              f"{','.join(row['languages']) or '-'}")
    print("\nGet a catalogue model with `soulchat pull NAME`; add a file with `soulchat import`.")
    return 0
