"""`soulchat pull soulchat-v1[:QUANT]`: the catalogue's SoulChat v1 entry, served by the fake
hub as THUDM-style PyTorch shards of a tiny ChatGLM-6B, is verified file by file,
converted to a chatglm.cpp model file and registered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soulchat_local.chatglm_file import check_chatglm
from tests.convert import tiny_glm

from .conftest import registry
from .fakehub import FakeFile, FakeHub

REPO = "scutcyr/SoulChat"


@pytest.fixture
def soulchat_repo(fake_hub: FakeHub, tmp_path: Path) -> dict[str, FakeFile]:
    pytest.importorskip("torch")  # the fixture writes real torch.save shards
    glm = tiny_glm.build(tmp_path / "ckpt", dtype="F16", fmt="bin", shards=2)
    files = {
        p.name: FakeFile(p.read_bytes(), lfs=p.suffix == ".bin" or p.suffix == ".model")
        for p in sorted(glm.path.iterdir())
    }
    files["modeling_chatglm.py"] = FakeFile(b"raise SystemExit('remote code')\n", lfs=False)
    files["README.md"] = FakeFile(b"# SoulChat\n", lfs=False)
    fake_hub.add_repo(REPO, files)
    return files


def test_soulchat_v1_is_verified_converted_and_registered(
    soulchat_repo, pull, fake_hub, home
) -> None:
    result = pull("soulchat-v1:q8_0")
    assert result.code == 0, result.err
    assert result.out.startswith("pulled soulchat-v1:q8_0")
    lines = result.err.splitlines()
    licence = next(i for i, line in enumerate(lines) if "ChatGLM-6B (non-commercial)" in line)
    assert licence < next(i for i, line in enumerate(lines) if line.startswith("pulling"))
    model = registry(home)["soulchat-v1:q8_0"]
    assert model["source"]["license"] == "ChatGLM-6B (non-commercial)"
    assert model["sampling"] == {"temperature": 0.95, "top_p": 0.75}
    assert model["architecture"] == "chatglm" and model["prompt_format"] == "soulchat-v1"
    assert model["source"]["revision"] == fake_hub.repos[REPO].sha
    fetched = sorted(f["file"] for f in model["source"]["files"])
    assert fetched == sorted(
        p for p in soulchat_repo if p not in ("modeling_chatglm.py", "README.md")
    )
    assert all(f["sha256"] for f in model["source"]["files"])
    info = check_chatglm(Path(model["path"]))
    assert info.dtype == "Q8_0" and Path(model["path"]).stat().st_size == model["size"]
    assert not any((home / "models" / ".checkpoints").rglob("*.bin"))
    assert not any("modeling_chatglm" in r.path for r in fake_hub.log)
    again = json.loads(pull("soulchat-v1:q8_0", "--json").out)
    assert again["status"] == "present" and again["source"]["license"] == model["source"]["license"]


def test_a_corrupt_shard_registers_nothing(soulchat_repo, pull, fake_hub, home) -> None:
    fake_hub.repos[REPO].files["pytorch_model-00002-of-00002.bin"].corrupt = True
    result = pull("soulchat-v1")
    assert result.code == 2 and "corrupt" in result.err.splitlines()[-1]
    assert registry(home) == {}


def test_a_type_chatglm_cpp_cannot_run_is_refused_before_downloading(
    soulchat_repo, pull, fake_hub, home
) -> None:
    result = pull("soulchat-v1:q4_k_m")
    assert result.code == 2 and "q4_0" in result.err.splitlines()[-1]
    assert not fake_hub.content_requests() and registry(home) == {}
