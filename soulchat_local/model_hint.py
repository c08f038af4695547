"""A one-time note for a Chinese speaker whose only model is the English demo.

The demo (SmolLM2-135M) speaks English only and is no counsellor. Someone on a Chinese
locale who installed nothing else gets, once (the app and `ask` share the memory of it,
`hints.json` in the data directory), the command that fetches a Chinese counselling model
that runs without converting.
"""

from __future__ import annotations

import json

from .catalogue import DEMO_MODEL, load_catalogue
from .paths import Paths, write_private_text
from .registry import Registry

FILE_NAME = "hints.json"
_KEY = "chinese-model"


def chinese_model() -> str | None:
    """The catalogue's first Chinese model that needs no conversion."""
    for entry in load_catalogue().values():
        if "zh" in entry.languages and entry.source_type == "huggingface-gguf":
            return entry.name
    return None


def hint_text(name: str) -> str:
    return (
        f"提示：你现在用的是英文演示模型 {DEMO_MODEL}，它很小、只会说英文，也不是心理咨询模型。"
        f"想用中文交谈，请运行 `soulchat pull {name}` 下载中文心理陪伴模型（无需转换），"
        f"然后用 `soulchat -m {name}` 打开；`soulchat models` 列出全部模型。"
    )


def take_chinese_model_hint(paths: Paths, model_name: str, language: str) -> str | None:
    """The note, the first time it applies (then never again), else None."""
    if language != "zh" or model_name != DEMO_MODEL or Registry(paths).load():
        return None
    shown = _load(paths)
    name = chinese_model()
    if shown.get(_KEY) or name is None:
        return None
    shown[_KEY] = True
    paths.ensure()
    write_private_text(paths.data_dir / FILE_NAME, json.dumps(shown, indent=2) + "\n")
    return hint_text(name)


def _load(paths: Paths) -> dict:
    try:
        raw = json.loads((paths.data_dir / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}
