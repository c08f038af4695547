"""Per-model personas through `import`/`ask`, and the one-time hint for a Chinese speaker
who has only the English demo model (the real `soulchat` command, the real demo model)."""

import json

import pytest

from soulchat_local.model_hint import chinese_model
from soulchat_local.personas import COUNSELLOR, SOULCHAT2

pytestmark = pytest.mark.real_model

ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


def test_chinese_locale_with_only_the_demo_hears_once_how_to_get_a_chinese_model(cli):
    name = chinese_model()
    assert name == "mindchat-qwen2-4b"
    first = cli("ask", "--dry-run", "你好", env=ZH)
    assert first.code == 0, first.err
    assert f"soulchat pull {name}" in first.err and "smollm2-demo" in first.err
    again = cli("ask", "--dry-run", "你好", env=ZH)
    assert again.code == 0 and "soulchat pull" not in again.err


def test_no_hint_in_english_or_with_another_model_installed(cli, tmp_path, demo_gguf):
    english = cli("ask", "--dry-run", "hello", env={"LANG": "en_GB.UTF-8", "LC_ALL": ""})
    assert english.code == 0 and "soulchat pull" not in english.err
    copy = tmp_path / "other.gguf"
    copy.write_bytes(demo_gguf.read_bytes())
    assert cli("import", str(copy), "--name", "other").code == 0
    chinese = cli("ask", "--dry-run", "你好", env=ZH)
    assert chinese.code == 0, chinese.err
    assert "soulchat pull" not in chinese.err


def test_a_registered_model_carries_its_persona_and_it_is_used_by_default(cli, tmp_path, demo_gguf):
    copy = tmp_path / "soulchat2-like.gguf"
    copy.write_bytes(demo_gguf.read_bytes())
    assert cli("import", str(copy), "--name", "rebt", "--system-prompt", "soulchat2").code == 0
    plain = tmp_path / "plain.gguf"
    plain.write_bytes(demo_gguf.read_bytes())
    assert cli("import", str(plain), "--name", "plain").code == 0
    rebt = json.loads(cli("ask", "-m", "rebt", "--dry-run", "--json", "hi").out)
    assert SOULCHAT2 in rebt["prompt"] and COUNSELLOR["en"] not in rebt["prompt"]
    default = json.loads(cli("ask", "-m", "plain", "--dry-run", "--json", "hi").out)
    assert COUNSELLOR["en"] in default["prompt"]
    # the same persona turn after turn: two dry runs render the same system prompt
    again = json.loads(cli("ask", "-m", "rebt", "--dry-run", "--json", "hi").out)
    assert again["prompt"] == rebt["prompt"]
