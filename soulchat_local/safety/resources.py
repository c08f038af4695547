"""Crisis lines and emergency numbers for the user's region, from resources.json.

Which regions a locale gets (documented in README "Crisis support"):

- a covered region (CN, HK, TW, US, GB, IE; UK is read as GB): that region's lines;
- a bare language with no region: "zh" -> CN (soulchat_local.lang.region does this),
  "en" or nothing at all -> the international entries, then US and GB, the regions an
  English speaker with no region is most likely to be in;
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


def _entries(region: str) -> list[Resource]:
    return [
        Resource(name=e["name"], contact=e["contact"], region=region)
        for e in load_data()["regions"].get(region, [])
    ]


def region_for(locale: str | None) -> str:
    """The resources region for a locale: a covered code, '' (none given) or 'INT'."""
    code = lang.region(locale)
    code = _ALIASES.get(code, code)
    if code in COVERED:
        return code
    return "" if not code else INTERNATIONAL


def resources_for(locale: str | None) -> list[Resource]:
    """Crisis resources for a POSIX-style locale ('zh_CN.UTF-8', 'en_GB', 'zh', 'en').

    None means the environment's locale (LC_ALL, LC_MESSAGES, LANG, LANGUAGE).
    """
    region = region_for(locale)
    if region in COVERED:
        return _entries(region)
    result = _entries(INTERNATIONAL)
    if region == "":
        for fallback in _NO_REGION_FALLBACK:
            result.extend(_entries(fallback))
    return result
