"""Crisis resources: the right lines for each region, and a source for every number.

The region comes from a locale's territory, the configured [care] region, or the
environment's territory, never from the language."""

from __future__ import annotations

import dataclasses
import datetime
import re

import pytest

from soulchat_local import lang
from soulchat_local.safety import Resource, resources_for
from soulchat_local.safety.resources import COVERED, INTERNATIONAL, load_data, region_for

MAIN_LINES = ["12356", "2389 2222", "1925", "988", "116 123", "116 123"]


@pytest.fixture(autouse=True)
def no_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)


def contacts(locale: str | None) -> list[str]:
    return [r.contact for r in resources_for(locale)]


@pytest.mark.parametrize(("locale", "expected"), [
    ("zh_CN.UTF-8", ["12356", "010-82951332", "120 / 110"]),
    ("zh_CN", ["12356", "010-82951332", "120 / 110"]),
    ("zh_HK.UTF-8", ["2389 2222", "2896 0000", "999"]),
    ("en_HK", ["2389 2222", "2896 0000", "999"]),
    ("zh_TW", ["1925", "119 / 110"]),
    ("zh-TW", ["1925", "119 / 110"]),
    ("en_US.UTF-8", ["988", "911"]),
    ("en_GB", ["116 123", "999"]),
    ("en_UK", ["116 123", "999"]),
    ("en_IE", ["116 123", "112 / 999"]),
    ("ga_IE.UTF-8", ["116 123", "112 / 999"]),
])
def test_covered_regions(locale: str, expected: list[str]) -> None:
    assert contacts(locale) == expected
    region = region_for(locale)
    assert all(r.region == region for r in resources_for(locale))


@pytest.mark.parametrize("locale", ["en", "zh", "zh_Hant", "C.UTF-8", None])
def test_no_region_gets_the_directory_then_each_regions_main_line(locale) -> None:
    """Decision: no region known (a bare language names none) -> the international
    entries, then the main crisis line of every covered region, whatever the language."""
    result = resources_for(locale)
    assert [r.region for r in result] == ["INT", "INT", *COVERED]
    assert contacts(locale)[2:] == MAIN_LINES


def test_a_bare_language_takes_the_environments_region(monkeypatch) -> None:
    monkeypatch.setenv("LANG", "en_HK.UTF-8")
    assert contacts("zh") == contacts("en") == ["2389 2222", "2896 0000", "999"]
    monkeypatch.setenv("LANG", "zh_TW.UTF-8")
    assert contacts("en") == ["1925", "119 / 110"]


def test_configured_region_overrides_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert [r.contact for r in resources_for(None, "HK")] == ["2389 2222", "2896 0000", "999"]
    assert [r.contact for r in resources_for("zh", "UK")] == ["116 123", "999"]
    assert {r.region for r in resources_for("en", "AU")} == {INTERNATIONAL}
    # a locale that names its territory (ask --locale en_IE) says where the person is
    assert {r.region for r in resources_for("en_IE", "HK")} == {"IE"}


@pytest.mark.parametrize("locale", ["en_AU.UTF-8", "zh_SG", "de_DE", "fr_FR.UTF-8"])
def test_uncovered_region_gets_only_the_international_entries(locale: str) -> None:
    """Decision: a known region we do not cover gets no foreign numbers."""
    result = resources_for(locale)
    assert {r.region for r in result} == {INTERNATIONAL}
    assert any("findahelpline" in r.contact for r in result)


def test_none_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_TW.UTF-8")
    assert contacts(None) == ["1925", "119 / 110"]
    monkeypatch.setenv("LC_MESSAGES", "en_GB.UTF-8")
    assert contacts(None) == ["116 123", "999"]
    monkeypatch.setenv("LC_ALL", "en_IE.UTF-8")
    assert contacts(None) == ["116 123", "112 / 999"]
    # a variable without a territory does not hide the region a later one names
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("LC_MESSAGES", "zh")
    assert contacts(None) == ["1925", "119 / 110"]
    # LANGUAGE is a list of languages, not a place
    monkeypatch.delenv("LANG")
    monkeypatch.setenv("LANGUAGE", "zh_HK:en")
    assert [r.region for r in resources_for(None)][:2] == ["INT", "INT"]
    assert lang.language() == "zh"


@pytest.mark.parametrize(("value", "territory"), [
    ("zh_HK.UTF-8", "HK"), ("en-GB", "GB"), ("sr_RS@latin", "RS"), ("zh", ""), ("en", ""),
    ("zh_Hant", ""), ("C.UTF-8", ""), ("", ""), (None, ""),
])
def test_territory(value, territory) -> None:
    assert lang.territory(value) == territory


@pytest.mark.parametrize(("value", "ok"), [
    ("zh", True), ("en", True), ("EN", True), ("zh_HK", True), ("en_GB.UTF-8", True),
    ("en-IE", True), ("de_DE", True), ("fr", False), ("zh_", False), ("zh_HKG", False),
    ("english", False), ("", False),
])
def test_what_ask_locale_accepts(value, ok) -> None:
    assert lang.is_locale(value) is ok


def test_resource_is_frozen() -> None:
    resource = resources_for("en_US")[0]
    assert isinstance(resource, Resource)
    assert resource == Resource(resource.name, resource.contact, "US")
    with pytest.raises(dataclasses.FrozenInstanceError):
        resource.contact = "0"  # type: ignore[misc]


def test_every_number_carries_its_source() -> None:
    data = load_data()
    assert set(data["regions"]) == {*COVERED, INTERNATIONAL}
    today = datetime.date.today()
    for region, entries in data["regions"].items():
        assert entries, region
        assert any(e["kind"] in ("crisis_line", "directory") for e in entries), region
        assert any(e["kind"] == "emergency" for e in entries), region
        for entry in entries:
            where = f"{region}: {entry['name']}"
            assert entry["name"].strip() and entry["contact"].strip(), where
            assert entry["verification"] in ("official", "secondary", "unconfirmed"), where
            assert entry["sources"], where
            for source in entry["sources"]:
                assert re.match(r"https?://\S+$", source["url"]), where
                assert source["title"].strip(), where
                checked = datetime.date.fromisoformat(source["checked"])
                assert checked <= today, where
            if entry["verification"] == "unconfirmed":
                assert "not confirmed" in entry.get("note", ""), f"{where}: say what is unconfirmed"


def test_contacts_are_dialable_or_addresses() -> None:
    for entries in load_data()["regions"].values():
        for entry in entries:
            contact = entry["contact"]
            assert re.fullmatch(r"[0-9 /-]+", contact) or contact.startswith("https://"), contact
