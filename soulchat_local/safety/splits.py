"""The frozen split of the crisis-train corpus: which rows train, which choose thresholds,
which are never seen.

The rule is a hash of each text's normalised form, so it needs no random state, does not
depend on the file's row order and was fixed (with the list of unseen IDs in
tests/care/data/unseen_ids.txt) before any rule or weight was fitted. Rows whose hash
bucket is below UNSEEN_BELOW are the unseen test split; the next VALIDATION_WIDTH buckets
are the validation split (thresholds, calibration); the rest train.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

BUCKETS = 100
UNSEEN_BELOW = 20
VALIDATION_WIDTH = 15

_SPACE = re.compile(r"\s+")


def row_id(text: str) -> str:
    """A stable ID for a text: the first 16 hex digits of sha256 of its normalised form."""
    norm = _SPACE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def split_of(text: str) -> str:
    """'unseen', 'validation' or 'train'."""
    bucket = int(row_id(text), 16) % BUCKETS
    if bucket < UNSEEN_BELOW:
        return "unseen"
    if bucket < UNSEEN_BELOW + VALIDATION_WIDTH:
        return "validation"
    return "train"
