"""Every user error: one line on stderr, exit 2, no traceback."""

import subprocess
import sys

import pytest


def one_line_error(result, fragment):
    assert result.code == 2, (result.out, result.err)
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert fragment in result.err


@pytest.mark.parametrize("args, fragment", [
    (["frobnicate"], "invalid choice"),
    (["ask"], "required: TEXT"),
    (["ask", "--temperature", "hot", "hi"], "not a number"),
    (["ask", "--max-tokens", "0", "hi"], "at least 1"),
    (["ask", "--session", "1", "--new", "hi"], "not allowed with"),
    (["ask", "-m", "no-such-model", "hello"], "unknown model 'no-such-model'"),
    (["ask", "-m", "/nowhere/x.gguf", "hello"], "model file not found"),
    (["ask", "   "], "the message is empty"),
    (["ask", "--session", "42", "hello"], "no session 42"),
    (["history", "show", "7"], "no session 7"),
    (["history", "export", "7", "--format", "pdf"], "invalid choice"),
    (["history", "search", " "], "nothing to search for"),
    (["history", "rm", "3"], "no session 3"),
    (["rm", "ghost"], "no installed model named 'ghost'"),
    (["import", "notes.txt"], "not a .gguf file"),
    (["import", "missing.gguf"], "model file not found"),
])
def test_user_errors(cli, args, fragment):
    one_line_error(cli(*args), fragment)


def test_empty_stdin_message(cli):
    one_line_error(cli("ask", "-", input=""), "the message is empty")


def test_oversized_stdin_message(cli, home):
    one_line_error(cli("ask", "-", input="a" * 70_000), "over the 65536-byte limit")
    assert cli("history", "list").out.startswith("no sessions yet")


def test_binary_stdin_message(home):
    junk = bytes(range(256)) * 8  # not UTF-8: decoded with surrogates, then refused
    proc = subprocess.run([sys.executable, "-m", "soulchat_local", "ask", "-"], input=junk,
                          capture_output=True, timeout=120)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err, err
    assert err.strip().splitlines() == ["soulchat: the message contains binary data, not text"]


def test_bad_config_file(cli, home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("[model]\nn_ctx = 'lots'\n")
    one_line_error(cli("models"), "n_ctx must be a number")


def test_catalogue_model_not_yet_pulled(cli, home, monkeypatch):
    import json
    from importlib import resources

    names = [m["name"] for m in json.loads(
        resources.files("soulchat_local").joinpath("models.json").read_text())["models"]]
    pullable = [n for n in names if n != "smollm2-demo"]
    if not pullable:
        pytest.fail("the catalogue lists no model to pull")
    one_line_error(cli("ask", "-m", pullable[0], "hi"), f"soulchat pull {pullable[0]}")


def test_several_models_and_no_default(cli, home, demo_gguf):
    assert cli("import", str(demo_gguf), "--name", "one").code == 0
    assert cli("import", str(demo_gguf), "--name", "two").code == 0
    one_line_error(cli("ask", "hi"), "several models are installed (one, two)")


def test_damaged_registry(cli, home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "registry.json").write_text("{not json")
    one_line_error(cli("models"), "registry")
