"""The frozen unseen split of crisis-train: the rule still gives the committed IDs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from soulchat_local.safety.splits import row_id, split_of

DATA = (
    Path(__file__).resolve().parents[2].parent / "shared" / "data" / "crisis-train" / "train.jsonl"
)
IDS = Path(__file__).parent / "data" / "unseen_ids.txt"
SHA256 = "4b18f336d1956ee9f0a2f9fbe473d69b7e0e89e94764888827515fadbfc7b794"


def committed_ids() -> set[str]:
    return {line for line in IDS.read_text().splitlines() if line and not line.startswith("#")}


def test_rule_is_deterministic_and_normalised() -> None:
    assert row_id("I  Feel\tOK") == row_id("i feel ok")
    assert split_of("我想死") == split_of("我想死")
    assert {split_of(f"text {i}") for i in range(200)} == {"unseen", "validation", "train"}


@pytest.mark.skipif(
    not DATA.exists(), reason="../shared/data/crisis-train is not beside this clone"
)
def test_unseen_split_is_the_committed_one() -> None:
    raw = DATA.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SHA256, (
        "crisis-train changed; the split is frozen for this file"
    )
    rows = [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
    unseen = {row_id(r["text"]) for r in rows if split_of(r["text"]) == "unseen"}
    assert unseen == committed_ids()


def test_contrastive_groups_stay_in_one_part() -> None:
    """A crisis message and its near-twins are tuning or held out together, so that rules
    written from one twin are never scored on another."""
    from collections import defaultdict

    from soulchat_local.safety import train

    parts: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in train.OWN_CHAT:
        for raw, row in zip(train.read_jsonl(path), train.own_chat_rows([path]), strict=True):
            if "group " in raw["note"] and not raw["note"].endswith("extra"):
                parts[(path.stem, raw["note"])].add(row["split"])
    assert len(parts) >= 320  # 160 groups in each contrastive set
    assert all(len(split) == 1 for split in parts.values())
    held_out = sum(split == {"held_out"} for split in parts.values()) / len(parts)
    assert 0.25 < held_out < 0.45
