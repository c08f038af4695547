"""models.json: every entry states licence and languages, says what was verified, and can be pulled."""

from __future__ import annotations

import re

from soulchat_local.catalogue import load_catalogue
from soulchat_local.hub.pull import _target
from soulchat_local.hub.spec import parse_spec

_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")


def test_every_entry_states_licence_languages_and_verification() -> None:
    entries = load_catalogue()
    assert "smollm2-demo" in entries
    for entry in entries.values():
        assert entry.license and entry.languages, entry.name
        assert set(entry.languages) <= {"zh", "en"}, entry.name
        assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", entry.name), entry.name
        if not entry.verified:
            assert entry.extra.get("notes"), f"{entry.name}: unverified entries say what is unchecked"


def test_hub_entries_name_a_repository_and_resolve_to_a_pull_target() -> None:
    kinds = {"python-package", "huggingface-gguf", "checkpoint"}
    checkpoints = set()
    for entry in load_catalogue().values():
        assert entry.source_type in kinds, entry.name
        if entry.source_type == "python-package":
            continue
        assert _REPO.match(entry.source["repo"]), entry.name
        target = _target(parse_spec(entry.name))
        assert target.repo == entry.source["repo"] and target.base == entry.name
        if entry.source_type == "checkpoint":
            assert entry.source["hub"] in ("modelscope", "huggingface") and "zh" in entry.languages
            checkpoints.add(entry.source["repo"].split("/")[1])
    assert checkpoints >= {
        "SoulChat2.0-Qwen2-7B", "SoulChat2.0-Llama-3.1-8B", "SoulChat2.0-internlm2-7b",
        "SoulChat2.0-glm-4-9b", "SoulChat2.0-Yi-1.5-9B", "SoulChat2.0-Baichuan2-7B",
    }


def test_a_chinese_speaker_can_pull_a_counselling_model_that_needs_no_conversion() -> None:
    entries = load_catalogue().values()
    ready = [e.name for e in entries if e.source_type == "huggingface-gguf" and "zh" in e.languages]
    assert {"mindchat-qwen2-4b", "mindchat-qwen-7b-v2"} <= set(ready)


def test_qwen3_checkpoint_entries_are_ones_the_converter_supports() -> None:
    from soulchat_local.convert.archs import SUPPORTED

    qwen3 = [e.name for e in load_catalogue().values() if e.architecture == "qwen3"]
    assert {"psyllm-8b", "psyllm-1.7b"} <= set(qwen3)
    assert re.search(r"\bqwen3\b", SUPPORTED)


def test_every_entry_names_a_persona_and_soulchat2_gets_its_own() -> None:
    from soulchat_local.personas import PERSONAS, SOULCHAT2
    from soulchat_local.prompts import system_prompt

    for entry in load_catalogue().values():
        assert entry.system_prompt in PERSONAS or entry.system_prompt == "none", entry.name
        if entry.name.startswith("soulchat2-"):
            assert entry.system_prompt == "soulchat2", entry.name
            # the persona it was trained with, whatever the interface language
            assert system_prompt(entry.system_prompt, "en") == SOULCHAT2
            assert system_prompt(entry.system_prompt, "zh") == SOULCHAT2
