"""`soulchat import PATH.gguf`: register a GGUF (or chatglm.cpp) file already on disk (used in place)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ..chatglm_file import check_chatglm, file_format
from ..errors import UserError
from ..gguf_check import check_gguf
from ..prompts import FORMATS
from ..registry import InstalledModel, Registry
from .common import load_settings

_NAME = re.compile(r"^[a-z0-9][a-z0-9._:-]{0,80}$")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "import", help="add a .gguf file (or a chatglm.cpp .ggml file) on disk as a model"
    )
    p.add_argument("path", metavar="PATH.gguf")
    p.add_argument("--name", help="name to use with -m (default: from the file name)")
    p.add_argument(
        "--prompt-format", choices=FORMATS, default="gguf",
        help="gguf: the file's own chat template (default); soulchat-v1: 用户：/心理咨询师：",
    )
    p.add_argument(
        "--system-prompt", default="counsellor", metavar="PERSONA|TEXT",
        help="the persona the model was fine-tuned with, used by default for it: "
        "counsellor (default), soulchat2, none, or the prompt's text",
    )
    p.set_defaults(func=run)


def model_name(text: str) -> str:
    name = re.sub(r"[^a-z0-9._:-]+", "-", text.lower()).strip("-.")
    if not _NAME.match(name):
        raise UserError(f"{text!r} cannot be a model name: use letters, digits, '.', '_', '-'")
    return name


def run(args: argparse.Namespace) -> int:
    paths, _ = load_settings()
    path = Path(args.path).expanduser()
    prompt_format = args.prompt_format
    if path.is_file() and file_format(path) == "chatglm":  # SoulChat v1, run by chatglm.cpp
        check_chatglm(path)
        architecture, size = "chatglm", path.stat().st_size
        prompt_format = "soulchat-v1" if prompt_format == "gguf" else prompt_format
    elif path.suffix.lower() != ".gguf":
        raise UserError(f"{args.path} is not a .gguf file")
    else:
        info = check_gguf(path)
        architecture, size = info.architecture, info.file_size
    name = model_name(args.name or path.stem)
    registry = Registry(paths)
    if registry.get(name):
        raise UserError(f"a model named {name!r} is installed already: choose --name or rm it")
    registry.add(InstalledModel(
        name=name, path=str(path.resolve()), size=size,
        architecture=architecture, prompt_format=prompt_format,
        system_prompt=args.system_prompt,
        source={"type": "import", "file": str(path.resolve())}, owned=False,
    ))
    print(f"imported {name} ({architecture or 'unknown architecture'}, "
          f"{size} bytes); chat with: soulchat chat -m {name}")
    return 0
