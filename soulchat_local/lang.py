"""The user's language and region, from the environment or a flag."""

from __future__ import annotations

import os

LANGUAGES = ("zh", "en")


def environment_locale() -> str:
    """The POSIX locale name in force, e.g. 'zh_CN.UTF-8' ('' when none is set)."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return value.split(":")[0]
    return ""


def language(locale: str | None = None) -> str:
    """'zh' or 'en': from an explicit locale, else the environment (default 'en')."""
    name = (locale or environment_locale()).lower()
    return "zh" if name.startswith("zh") else "en"


def region(locale: str | None = None) -> str:
    """Upper-case region code of a locale ('zh_TW.UTF-8' -> 'TW'); '' when unknown.

    Chinese script tags stand for their usual regions: zh_Hant -> TW, zh_Hans -> CN.
    """
    name = (locale or environment_locale()).split(".")[0].replace("-", "_")
    parts = name.split("_")
    if len(parts) >= 2:
        tag = parts[-1]
        if tag.lower() == "hant":
            return "TW"
        if tag.lower() == "hans":
            return "CN"
        if len(tag) == 2:
            return tag.upper()
    if name.lower() == "zh":
        return "CN"
    return ""


def effective_locale(language_flag: str | None) -> str | None:
    """The locale to use for region-specific help: the environment's, unless a language
    flag asks for another language (then that language, with its default region)."""
    env = environment_locale()
    if language_flag is None or language(env) == language_flag:
        return env or language_flag
    return language_flag
