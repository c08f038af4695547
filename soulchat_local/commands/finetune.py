"""`soulchat finetune DATA --base SRC --out DIR`: the SoulChat method on your dialogues (extra `train`)."""

from __future__ import annotations

import argparse

from soulchat_local.finetune.cli import add_arguments, run


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "finetune",
        help="fine-tune a chat model on counselling dialogues (extra `train`)",
        description="Fine-tune on multi-turn dialogues (loss on the counsellor's turns only), "
        "then optionally convert to GGUF and register the model.",
    )
    add_arguments(p)
    p.set_defaults(func=run)
