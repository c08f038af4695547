"""What people read: the safety instruction, the first-run notice and the crisis banner."""

from __future__ import annotations

import re

import pytest

from soulchat_local.safety import (
    concern_note,
    crisis_banner,
    first_run_notice,
    notice_line,
    persona_care,
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
def test_concern_has_no_per_turn_note_the_persona_asks_for_the_check_in(language: str) -> None:
    assert safety_instruction("concern", language) is None
    care = persona_care(language, [])
    assert ("not wanting to live" in care) if language == "en" else ("不想活" in care)


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


@pytest.mark.parametrize(("language", "where"), [("en", "Hong Kong"), ("zh", "香港")])
def test_banner_without_a_region_says_which_region_each_line_serves(language, where) -> None:
    resources = resources_for("C.UTF-8")
    lines = crisis_banner(language, resources).splitlines()[1:]
    hk = [line for line in lines if "2389 2222" in line]
    assert hk and hk[0].strip().startswith(where)
    assert "findahelpline" in lines[0] and " · " not in lines[0]


def test_banner_of_one_region_names_no_region() -> None:
    text = crisis_banner("en", resources_for("en_HK"))
    assert " · " not in text and "2389 2222" in text


@pytest.mark.parametrize("language", ["en", "zh"])
def test_concern_note_is_one_line(language: str) -> None:
    resources = resources_for("zh_TW")
    with_key = concern_note(language, resources, key="F1")
    assert "\n" not in with_key and "F1" in with_key and "1925" not in with_key
    plain = concern_note(language, resources)
    assert "\n" not in plain and "1925" in plain
    head = concern_note(language, resources_for("en_GB")).split(":")[0]
    assert bool(CJK.search(head)) == (language == "zh")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_notice_collapses_to_one_line(language: str) -> None:
    line = notice_line(language)
    assert "\n" not in line and len(line) < 60
    assert ("professional help" in line) if language == "en" else ("专业帮助" in line)


@pytest.mark.parametrize(("language", "needed"), [
    ("en", ["any hint of self-harm", "seriously", "safe right now", "2389 2222", "999"]),
    ("zh", ["自伤", "认真对待", "是否安全", "2389 2222", "999"]),
])
def test_persona_care_shares_the_regions_lines(language: str, needed: list[str]) -> None:
    text = persona_care(language, resources_for("en_HK"))
    for phrase in needed:
        assert phrase in text, phrase
    assert "12356" not in text
    assert persona_care(language, resources_for("en_HK")) == text, "the same every time"
