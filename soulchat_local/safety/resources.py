"""Crisis lines and emergency numbers for the user's region, from resources.json.

The region (documented in README "Crisis support") is, first to last: the territory of an
explicit locale (`ask --locale en_HK`), the `[care] region` of config.toml, the territory
of the environment's locale (LC_ALL, LC_MESSAGES, LANG). The interface language never
chooses it: a bare `zh` or `en` names no region.

- a covered region (CN, HK, TW, US, GB, IE; UK is read as GB): that region's lines;
- no region known: the international entries, then the main crisis line of every covered
  region, each labelled with its region, so nobody is handed one country's number as if
  it were theirs;
- a region we do not cover (en_AU, zh_SG, de_DE, ...): the international entries only,
  because we know the user is not in a covered region and a foreign number would mislead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as importlib_resources

from .. import lang

COVERED = ("CN", "HK", "TW", "US", "GB", "IE")
INTERNATIONAL = "INT"
_ALIASES = {"UK": "GB"}
_NO_REGION_FALLBACK = ("US", "GB")


@dataclass(frozen=True)
class Resource:
    name: str
    contact: str
    region: str


@lru_cache(maxsize=1)
def load_data() -> dict:
    """The parsed resources.json (regions -> entries with their sources)."""
    text = importlib_resources.files(__package__).joinpath("resources.json").read_text("utf-8")
    return json.loads(text)


def _entries(region: str, kind: str | None = None) -> list[Resource]:
    return [
        Resource(name=e["name"], contact=e["contact"], region=region)
        for e in load_data()["regions"].get(region, [])
        if kind is None or e["kind"] == kind
    ]


def region_code(locale: str | None = None, configured: str | None = None) -> str:
    """The user's region as an upper-case code ('' when nothing names one)."""
    code = lang.territory(locale) or (configured or "").upper() or lang.environment_territory()
    return _ALIASES.get(code, code)


def region_for(locale: str | None = None, configured: str | None = None) -> str:
    """The resources region: a covered code, '' (no region known) or 'INT' (not covered)."""
    code = region_code(locale, configured)
    if code in COVERED:
        return code
    return "" if not code else INTERNATIONAL


def resources_for(locale: str | None = None, configured: str | None = None) -> list[Resource]:
    """Crisis resources for the user's region.

    `locale` is POSIX-style ('zh_HK.UTF-8', 'en_GB', or a bare 'zh'/'en', which names no
    region); `configured` is config.toml's `[care] region`. See the module's docstring.
    """
    region = region_for(locale, configured)
    if region in COVERED:
        return _entries(region)
    result = _entries(INTERNATIONAL)
    if region == "":
        for covered in COVERED:
            result += _entries(covered, "crisis_line")[:1]
    return result
