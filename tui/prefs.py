"""What the app remembers between runs (ui.json in the data directory, mode 0600): the
interface language and the theme. Whether the first-run notice was shown is the core's
(soulchat_local.safety.notice_due), shared with `soulchat ask`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from soulchat_local.paths import Paths, write_private_text

FILE_NAME = "ui.json"


@dataclass
class Prefs:
    language: str | None = None  # None: from the environment's locale
    theme: str | None = None


def load_prefs(paths: Paths) -> Prefs:
    try:
        raw = json.loads((paths.data_dir / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Prefs()
    known = {f.name for f in fields(Prefs)}
    return Prefs(**{k: v for k, v in raw.items() if k in known}) if isinstance(raw, dict) else Prefs()


def save_prefs(paths: Paths, prefs: Prefs) -> None:
    paths.ensure()
    write_private_text(paths.data_dir / FILE_NAME, json.dumps(asdict(prefs), indent=2) + "\n")
