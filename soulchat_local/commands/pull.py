"""`soulchat pull`: download a model from the catalogue or any GGUF repository on the hub."""

from __future__ import annotations

import argparse
import json
import sys

from ..progress import human_bytes
from .common import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "pull", help="download a model (catalogue name or hf.co/OWNER/REPO)",
        description="NAME[:QUANT] from `soulchat models`, hf.co/OWNER/REPO[:QUANT] "
        "(default quant Q4_K_M, else the best that fits), or hf.co/OWNER/REPO/FILE.gguf. "
        "An interrupted pull resumes when run again.",
    )
    p.add_argument("model", metavar="NAME[:QUANT]|hf.co/OWNER/REPO[:QUANT]|hf.co/OWNER/REPO/FILE.gguf")
    p.add_argument("--name", help="name to use with -m (default: NAME:quant, OWNER-REPO:quant)")
    p.add_argument("--json", action="store_true", help="no progress bar; print one JSON object")
    p.add_argument("--keep-checkpoint", action="store_true",
                   help="for checkpoint entries: keep the downloaded safetensors after conversion")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..hub.pull import pull

    paths, _ = load_settings()
    log = (lambda _msg: None) if args.json else None
    kwargs = {"log": log} if log else {}
    try:
        result = pull(args.model, paths, name=args.name,
                      show_progress=False if args.json else None,
                      keep_checkpoint=args.keep_checkpoint, **kwargs)
    except KeyboardInterrupt:
        sys.stderr.write("\nsoulchat: pull interrupted; run the same command again to resume\n")
        return 130
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
        return 0
    if result.status == "present":
        print(f"{result.name} is already installed ({result.model.path}); chat with: soulchat chat -m {result.name}")
        return 0
    resumed = f", resumed from {human_bytes(result.resumed_from)}" if result.resumed_from else ""
    print(f"pulled {result.name} ({human_bytes(result.model.size)}, sha256 verified{resumed}); "
          f"chat with: soulchat chat -m {result.name}")
    return 0
