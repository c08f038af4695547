"""`soulchat ask` and care: the first-run notice once per home, the crisis banner and the
concern note on stderr before the reply, the region's lines in --json, --locale.

Most tests drive the real command in-process with the scripted engine standing in for
llama.cpp (soulchat_local.runtime.load_engine); the last one runs the real demo model in a
subprocess, as a user would.
"""

import io
import json
import os
import subprocess
import sys

import pytest

from soulchat_local import runtime, safety
from soulchat_local.cli import main
from soulchat_local.engine import ScriptedEngine
from soulchat_local.paths import get_paths

CRISIS = "I want to kill myself tonight"
CALM = "I had a nice walk by the sea today"
REPLY = "I'm here with you."


@pytest.fixture(autouse=True)
def locale_env(monkeypatch):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")


@pytest.fixture
def engine(home, monkeypatch):
    engine = ScriptedEngine()
    monkeypatch.setattr(runtime, "load_engine", lambda model, config: engine)
    return engine


@pytest.fixture
def ask(engine, monkeypatch):
    """Run `soulchat ask ARGS` in-process; stdout, stderr and both in order of writing."""

    def run(*args):
        out, err, both = io.StringIO(), io.StringIO(), []

        class Tee(io.StringIO):
            def __init__(self, own):
                super().__init__()
                self.own = own

            def write(self, text):
                both.append(text)
                return self.own.write(text)

        monkeypatch.setattr(sys, "stdout", Tee(out))
        monkeypatch.setattr(sys, "stderr", Tee(err))
        engine.queue(REPLY)
        code = main(["ask", *args])
        return code, out.getvalue(), err.getvalue(), "".join(both)

    return run


def test_first_run_notice_once_per_home_on_stderr(ask):
    code, out, err, both = ask(CALM)
    assert code == 0 and out == REPLY + "\n"
    assert err.startswith(safety.first_run_notice("en"))
    assert both.index("Welcome.") < both.index(REPLY)
    assert not safety.notice_due(get_paths())
    code, out, err, _ = ask(CALM)
    assert code == 0 and out == REPLY + "\n" and err == ""


def test_first_run_notice_in_json_only_the_first_time(ask):
    code, out, err, _ = ask("--json", CALM)
    first = json.loads(out)
    assert code == 0 and first["notice"] == safety.first_run_notice("en")
    assert err == "", "with --json everything is in the JSON object"
    second = json.loads(ask("--json", CALM)[1])
    assert "notice" not in second
    assert second["safety"] == {"risk": "none", "resources": []}


def test_the_notice_follows_the_persona_language(ask):
    _, _, err, _ = ask("--locale", "zh_HK", CALM)
    assert safety.first_run_notice("zh") + "\n\n" in err


def test_dry_run_does_not_use_up_the_notice(ask):
    code, out, err, _ = ask("--dry-run", CALM)
    assert code == 0 and err == "" and safety.notice_due(get_paths())
    assert "116 123" in out, "the persona carries the region's lines"


def test_crisis_banner_with_the_regions_lines_before_the_reply(ask):
    ask(CALM)  # the first-run notice is out of the way
    code, out, err, both = ask(CRISIS)
    assert code == 0 and out == REPLY + "\n"
    banner = safety.crisis_banner("en", safety.resources_for("en_GB"))
    assert err == banner + "\n\n"
    assert "116 123" in err and "988" not in err
    assert both.index(banner) < both.index(REPLY)


def test_concern_is_one_quiet_line_not_a_banner(ask, monkeypatch):
    ask(CALM)
    monkeypatch.setattr(safety, "assess_turns", lambda turns: safety.Assessment("concern"))
    code, out, err, _ = ask("I feel hopeless lately")
    assert code == 0 and out == REPLY + "\n"
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0] == safety.concern_note("en", safety.resources_for("en_GB"))
    assert "116 123" in lines[0]
    assert safety.crisis_banner("en", [])[:20] not in err
    answer = json.loads(ask("--json", "I feel hopeless lately")[1])
    assert answer["safety"]["risk"] == "concern"
    assert {r["region"] for r in answer["safety"]["resources"]} == {"GB"}


@pytest.mark.parametrize(
    ("env", "flag", "region", "language"),
    [
        ("en_HK.UTF-8", "zh", "HK", "zh"),  # Chinese persona in Hong Kong: HK lines
        ("zh_TW.UTF-8", "en", "TW", "en"),  # English persona in Taiwan: 1925, not 988
        ("en_US.UTF-8", "zh_HK", "HK", "zh"),  # a locale's territory says where
        ("zh_CN.UTF-8", "en_IE.UTF-8", "IE", "en"),
    ],
)
def test_locale_language_for_the_persona_region_for_the_lines(
    ask, engine, monkeypatch, env, flag, region, language
):
    monkeypatch.setenv("LANG", env)
    code, out, _, _ = ask("--json", "--locale", flag, CRISIS)
    answer = json.loads(out)
    assert code == 0 and answer["safety"]["risk"] == "crisis"
    assert {r["region"] for r in answer["safety"]["resources"]} == {region}
    assert answer["notice"] == safety.first_run_notice(language)
    system = engine.prompts[-1].text.split("<|im_end|>")[0]
    lines = safety.resources_for(flag if "_" in flag else env)
    assert safety.persona_care(language, lines) in system


def test_configured_region_overrides_the_environment(ask, home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('[care]\nregion = "hk"\n')
    answer = json.loads(ask("--json", CRISIS)[1])
    assert [r["contact"] for r in answer["safety"]["resources"]] == [
        "2389 2222",
        "2896 0000",
        "999",
    ]


def test_no_region_lists_each_regions_line_with_its_name(ask, monkeypatch):
    monkeypatch.setenv("LANG", "C.UTF-8")
    ask(CALM)
    _, _, err, _ = ask("--locale", "en", CRISIS)
    for where, number in [
        ("mainland China", "12356"),
        ("Hong Kong", "2389 2222"),
        ("Taiwan", "1925"),
        ("US", "988"),
        ("UK", "116 123"),
    ]:
        assert any(where in line and number in line for line in err.splitlines()), where


@pytest.mark.parametrize("value", ["fr", "zh_", "english", "zh_HKG"])
def test_bad_locale_is_one_line_exit_2(cli, value):
    result = cli("ask", "--locale", value, "hi")
    assert result.code == 2 and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "--locale" in result.err and "zh_HK" in result.err


@pytest.mark.real_model
def test_real_model_notice_then_banner_then_reply(home):
    """The real demo model, as a user runs it: first the notice, then Hong Kong's lines
    for a Chinese persona in en_HK, then the reply."""
    env = dict(os.environ, LANG="en_HK.UTF-8", LC_ALL="", LC_MESSAGES="")
    command = [
        sys.executable,
        "-m",
        "soulchat_local",
        "ask",
        "--max-tokens",
        "8",
        "--temperature",
        "0",
        "--locale",
        "zh",
        "我不想活了，今晚就结束",
    ]
    run = subprocess.run(
        command, env=env, timeout=600, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert run.returncode == 0, run.stdout
    notice = safety.first_run_notice("zh")
    banner = safety.crisis_banner("zh", safety.resources_for("en_HK"))
    # (a hint about Chinese models may come first: the demo model speaks English)
    assert notice + "\n\n" + banner + "\n\n" in run.stdout, run.stdout
    assert "2389 2222" in banner and "12356" not in banner
    reply = run.stdout.split(banner + "\n\n", 1)[1]
    assert reply.strip(), "the reply follows"
    assert not safety.notice_due(get_paths())
