"""`soulchat rm MODEL`: forget an installed model and free its disk space."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..registry import Registry
from .common import confirm, load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("rm", help="remove an installed model")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    paths, _ = load_settings()
    registry = Registry(paths)
    model = registry.get(args.model)
    if model is None:
        registry.remove(args.model)  # raises the "no installed model" error
    if not confirm(f"remove model {args.model}?", args.yes):
        print("kept")
        return 0
    registry.remove(args.model)
    path = Path(model.path)
    if model.owned:
        freed = 0
        for file in [path, *map(Path, model.extra_files)]:
            if file.exists():
                freed += file.stat().st_size
                file.unlink()
        print(f"removed {args.model} and freed {freed} bytes")
    else:
        print(f"removed {args.model} from the registry (its file {path} was left in place)")
    return 0
