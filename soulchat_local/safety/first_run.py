"""Whether this home has shown the first-run notice yet.

One marker file in the data directory, shared by `soulchat ask` and the app: whichever
shows the notice first marks it, and neither shows it again in that home.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..paths import Paths, write_private_text

MARKER = "notice-shown"


def notice_due(paths: Paths) -> bool:
    """True until the first-run notice has been shown in this home."""
    return not (paths.data_dir / MARKER).exists()


def mark_notice_shown(paths: Paths) -> None:
    paths.ensure()
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    write_private_text(paths.data_dir / MARKER, stamp + "\n")
