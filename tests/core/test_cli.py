"""The real `soulchat` command on the fast paths (no generation)."""

import json
import stat
import subprocess
import sys


def test_help_imports_no_heavy_library():
    code = (
        "import sys, soulchat_local.cli as c\n"
        "try:\n    c.build_parser().parse_args(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('llama_cpp', 'textual', 'huggingface_hub', 'torch') if m in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_models_lists_demo_and_catalogue(cli):
    result = cli("models", "--json")
    assert result.code == 0, result.err
    rows = {row["name"]: row for row in json.loads(result.out)}
    assert rows["smollm2-demo"]["installed"] is True
    assert rows["smollm2-demo"]["license"] == "Apache-2.0"


def test_import_then_rm_keeps_an_imported_file(cli, home, demo_gguf, tmp_path):
    copy = tmp_path / "My Model.gguf"
    copy.write_bytes(demo_gguf.read_bytes())
    result = cli("import", str(copy))
    assert result.code == 0, result.err
    assert "my-model" in result.out
    rows = {row["name"]: row for row in json.loads(cli("models", "--json").out)}
    assert rows["my-model"]["installed"] and rows["my-model"]["path"] == str(copy.resolve())
    assert stat.S_IMODE((home / "registry.json").stat().st_mode) == 0o600
    assert cli("import", str(copy)).code == 2  # the name is taken
    result = cli("rm", "my-model")
    assert result.code == 0 and copy.exists()
    assert "my-model" not in {row["name"] for row in json.loads(cli("models", "--json").out)}


def test_doctor_json(cli, home):
    result = cli("doctor", "--json")
    assert result.code == 0, result.err
    info = json.loads(result.out)
    assert info["backend"]["name"] in ("CPU", "CUDA", "Metal", "Vulkan", "ROCm", "GPU", "HIP", "SYCL")
    assert info["paths"]["history"] == str(home / "history.db")
    assert info["threads"] >= 1 and info["disk_free_bytes"] > 0
    assert info["history"] == {"exists": False, "encrypted": False}
    assert any(m["name"] == "smollm2-demo" for m in info["models"])
    assert info["risk_layers"] == ["rules", "classifier", "encoder"]  # the encoder extra
    text = cli("doctor").out
    assert "risk check    rules + classifier + encoder" in text and "pipx inject" not in text


def test_history_on_a_fresh_home(cli):
    result = cli("history", "list", "--json")
    assert result.code == 0 and json.loads(result.out) == []
