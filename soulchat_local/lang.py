"""The user's language and region, from the environment or a flag.

The language (zh or en) chooses the words of the interface and the persona; the region
(a territory such as HK or GB) chooses the crisis lines. They are read separately: a
Chinese interface in Hong Kong, or an English one in Taiwan, is common.
"""

from __future__ import annotations

import os
import re

LANGUAGES = ("zh", "en")
# POSIX order of precedence for the messages category; LANGUAGE is a GNU list of languages
REGION_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
_NOT_LOCALES = ("", "C", "POSIX", "C.UTF-8", "C.utf8")
_POSIX_LOCALE = re.compile(r"[A-Za-z]{2,3}[_-][A-Za-z]{2}(\.[\w-]+)?(@\w+)?")


def environment_locale() -> str:
    """The POSIX locale name in force, e.g. 'zh_CN.UTF-8' ('' when none is set)."""
    for var in (*REGION_VARIABLES, "LANGUAGE"):
        value = os.environ.get(var, "")
        if value not in _NOT_LOCALES:
            return value.split(":")[0]
    return ""


def language(locale: str | None = None) -> str:
    """'zh' or 'en': from an explicit locale, else the environment (default 'en')."""
    name = (locale or environment_locale()).lower()
    return "zh" if name.startswith("zh") else "en"


def territory(locale: str | None) -> str:
    """The upper-case territory of a POSIX-style locale ('zh_TW.UTF-8' -> 'TW', 'en-GB' ->
    'GB'); '' when it names none ('zh', 'en', 'C', a script such as 'zh_Hant')."""
    name = (locale or "").split(".")[0].split("@")[0].replace("-", "_")
    parts = name.split("_")
    if len(parts) >= 2 and len(parts[-1]) == 2 and parts[-1].isalpha():
        return parts[-1].upper()
    return ""


def environment_territory() -> str:
    """The territory of the first of LC_ALL, LC_MESSAGES, LANG that names one ('' if none).

    A variable without a territory (LC_ALL=en, LC_ALL=C.UTF-8) does not hide the region a
    later one gives: it says which language, not where the person is.
    """
    for var in REGION_VARIABLES:
        code = territory(os.environ.get(var, ""))
        if code:
            return code
    return ""


def is_locale(value: str) -> bool:
    """True for what `--locale` accepts: 'zh', 'en', or a POSIX-style locale with a
    territory ('zh_HK', 'en_GB.UTF-8', 'en-IE', 'de_DE': a language other than zh or en
    reads as en)."""
    return value.lower() in LANGUAGES or bool(_POSIX_LOCALE.fullmatch(value))
