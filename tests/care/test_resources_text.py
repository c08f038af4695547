"""What people read: the safety instruction, the first-run notice and the crisis banner."""

from __future__ import annotations

import re

import pytest

from soulchat_local.safety import (
    crisis_banner,
    first_run_notice,
    resources_for,
    safety_instruction,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_no_instruction_without_risk(language: str) -> None:
    assert safety_instruction("none", language) is None


def test_unknown_risk_is_an_error() -> None:
    with pytest.raises(ValueError):
        safety_instruction("high", "en")


def test_crisis_instruction_english() -> None:
    text = safety_instruction("crisis", "en")
    assert text and not CJK.search(text)
    for needed in ("seriously", "safe right now", "crisis line", "stay with them"):
        assert needed in text, needed


def test_crisis_instruction_chinese() -> None:
    text = safety_instruction("crisis", "zh")
    assert text and CJK.search(text)
    for needed in ("认真对待", "陪着", "是否安全", "热线"):
        assert needed in text, needed


@pytest.mark.parametrize("language", ["en", "zh"])
def test_concern_is_gentler_than_crisis(language: str) -> None:
    concern = safety_instruction("concern", language)
    crisis = safety_instruction("crisis", language)
    assert concern and crisis and concern != crisis
    assert ("helpline" in concern) if language == "en" else ("热线" in concern)


def test_other_languages_fall_back_to_english() -> None:
    assert safety_instruction("crisis", "fr") == safety_instruction("crisis", "en")


@pytest.mark.parametrize(("language", "needed"), [
    ("en", ["AI companion", "not a doctor", "not a replacement for professional help", "cannot",
            "emergency", "crisis lines", "automatically"]),
    ("zh", ["AI 陪伴者", "不是医生", "不能代替专业帮助", "不能", "急救", "热线", "自动"]),
])
def test_first_run_notice(language: str, needed: list[str]) -> None:
    text = first_run_notice(language)
    for phrase in needed:
        assert phrase in text, phrase


@pytest.mark.parametrize(("language", "locale"), [("zh", "zh_CN"), ("en", "en_GB"), ("zh", "zh_TW")])
def test_banner_lists_every_resource(language: str, locale: str) -> None:
    resources = resources_for(locale)
    text = crisis_banner(language, resources)
    lines = text.splitlines()
    assert len(lines) == 1 + len(resources)
    for resource in resources:
        assert resource.contact in text and resource.name in text
    assert bool(CJK.search(lines[0])) == (language == "zh")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_banner_without_resources_still_says_where_to_turn(language: str) -> None:
    text = crisis_banner(language, [])
    assert text.strip() and len(text.splitlines()) == 2
