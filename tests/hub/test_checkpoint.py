"""Catalogue entries that are checkpoints: downloaded from (fake) ModelScope, converted, registered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soulchat_local import catalogue
from soulchat_local.catalogue import parse_entry
from tests.convert import tiny

from .conftest import registry
from .fakehub import FakeHub

REPO = "TESTER/SoulChat2.0-Tiny-Qwen2"


@pytest.fixture
def checkpoint_entry(monkeypatch: pytest.MonkeyPatch, fake_hub: FakeHub, tmp_path: Path):
    """A catalogue entry like the SoulChat2.0 ones, served by the fake hub's ModelScope API."""
    root = tmp_path / "ckpt"
    tiny.build("qwen2", root)
    files = {p.name: p.read_bytes() for p in sorted(root.iterdir())}
    files["pytorch_model.bin"] = b"pickle: never fetched"
    fake_hub.add_repo(REPO, files)
    entry = parse_entry({
        "name": "soulchat2-tiny", "architecture": "qwen2", "languages": ["zh"],
        "license": "Apache-2.0", "prompt_format": "gguf", "system_prompt": "counsellor",
        "source": {"type": "checkpoint", "hub": "modelscope", "repo": REPO,
                   "revision": "master", "quant": "q8_0"},
    })
    entries = {**catalogue.load_catalogue(), entry.name: entry}
    monkeypatch.setattr(catalogue, "load_catalogue", lambda: entries)
    monkeypatch.setenv("MODELSCOPE_DOMAIN", fake_hub.url)
    return entry, files


def test_checkpoint_entry_is_downloaded_converted_and_registered(
    checkpoint_entry, pull, fake_hub: FakeHub, home: Path
) -> None:
    entry, files = checkpoint_entry
    result = pull("soulchat2-tiny", "--json")
    assert result.code == 0, result.err
    out = json.loads(result.out)
    assert out["name"] == "soulchat2-tiny:q8_0" and out["status"] == "pulled"
    model = registry(home)["soulchat2-tiny:q8_0"]
    assert model["architecture"] == "qwen2" and model["owned"] is True
    assert model["source"]["type"] == "checkpoint" and model["source"]["repo"] == REPO
    fetched = sorted(f["file"] for f in model["source"]["files"])
    assert fetched == sorted(p for p in files if p != "pytorch_model.bin")
    assert Path(model["path"]).is_file() and Path(model["path"]).suffix == ".gguf"
    assert not (home / "models" / ".checkpoints").exists() or not any(
        (home / "models" / ".checkpoints").rglob("*.safetensors"))
    assert not any("pytorch_model.bin" in (r.path + str(r.range)) for r in fake_hub.log)


def test_corrupt_checkpoint_file_registers_nothing(checkpoint_entry, pull, fake_hub: FakeHub, home: Path) -> None:
    fake_hub.repos[REPO].files["model.safetensors"].corrupt = True
    result = pull("soulchat2-tiny")
    assert result.code == 2 and "corrupt" in result.err.splitlines()[-1]
    assert registry(home) == {}


def test_missing_checkpoint_repo_is_one_line(checkpoint_entry, pull, fake_hub: FakeHub, home: Path) -> None:
    del fake_hub.repos[REPO]
    result = pull("soulchat2-tiny")
    assert result.code == 2 and "not found" in result.err.splitlines()[-1]
    assert registry(home) == {}


def test_pull_pins_the_commit_modelscope_resolved(checkpoint_entry, pull, fake_hub: FakeHub, home: Path) -> None:
    result = pull("soulchat2-tiny")
    assert result.code == 0, result.err
    source = registry(home)["soulchat2-tiny:q8_0"]["source"]
    assert source["revision"] == fake_hub.repos[REPO].sha and len(source["revision"]) == 40
    assert source["ref"] == "master"
    # every file recorded with the sha256 of the bytes installed (small files included)
    files = fake_hub.repos[REPO].files
    assert {f["file"]: f["sha256"] for f in source["files"]} == {
        f["file"]: files[f["file"]].sha256 for f in source["files"]}
    commits = [r for r in fake_hub.log if r.path.endswith("/commits")]
    assert len(commits) == 2  # before and after the listing


def test_file_without_sha256_is_refused(checkpoint_entry, pull, fake_hub: FakeHub, home: Path) -> None:
    fake_hub.repos[REPO].files["config.json"].listed_sha256 = ""
    result = pull("soulchat2-tiny")
    assert result.code == 2
    line = result.err.strip().splitlines()[-1]
    assert "no sha256" in line and "config.json" in line
    assert registry(home) == {}
    assert fake_hub.content_requests() == []  # nothing was fetched at all


def test_malformed_sha256_counts_as_none(checkpoint_entry, pull, fake_hub: FakeHub, home: Path) -> None:
    fake_hub.repos[REPO].files["tokenizer_config.json"].listed_sha256 = "1234567890"
    result = pull("soulchat2-tiny")
    assert result.code == 2 and "no sha256 for tokenizer_config.json" in result.err
    assert registry(home) == {} and fake_hub.content_requests() == []


def test_branch_moving_during_listing_is_refused(checkpoint_entry, pull, fake_hub: FakeHub, home: Path) -> None:
    fake_hub.faults.push_on_listing = True
    result = pull("soulchat2-tiny")
    assert result.code == 2 and "changed" in result.err.strip().splitlines()[-1]
    assert registry(home) == {} and fake_hub.content_requests() == []


def test_kept_checkpoint_is_checked_again_before_reuse(checkpoint_entry, pull, fake_hub: FakeHub, home: Path) -> None:
    assert pull("soulchat2-tiny", "--keep-checkpoint").code == 0
    ckpt = home / "models" / ".checkpoints" / REPO.replace("/", "--")
    (ckpt / "config.json").write_bytes(b"x" * (ckpt / "config.json").stat().st_size)  # same size, other bytes
    sent = len(fake_hub.content_requests())
    assert pull("soulchat2-tiny", "--keep-checkpoint", "--name", "again").code == 0
    fetched_again = [r for r in fake_hub.content_requests()[sent:]]
    config_sha = fake_hub.repos[REPO].files["config.json"].sha256
    assert [r.path for r in fetched_again] == [f"/cdn/{config_sha}"]
    assert json.loads((ckpt / "config.json").read_text())  # the good file is back


HF_REPO = "TESTER/PsyLLM-Tiny"


@pytest.fixture
def hf_checkpoint_entry(monkeypatch: pytest.MonkeyPatch, fake_hub: FakeHub, tmp_path: Path):
    """A checkpoint entry on the (fake) Hugging Face hub, like PsyLLM: Qwen3, small files in git."""
    from .fakehub import FakeFile

    root = tmp_path / "hf-ckpt"
    tiny.build("qwen3", root)
    files = {p.name: FakeFile(p.read_bytes(), lfs=p.suffix == ".safetensors")
             for p in sorted(root.iterdir())}
    fake_hub.add_repo(HF_REPO, files)
    entry = parse_entry({
        "name": "psyllm-tiny", "architecture": "qwen3", "languages": ["zh", "en"],
        "license": "Apache-2.0", "system_prompt": "counsellor",
        "source": {"type": "checkpoint", "hub": "huggingface", "repo": HF_REPO, "quant": "q8_0"},
    })
    entries = {**catalogue.load_catalogue(), entry.name: entry}
    monkeypatch.setattr(catalogue, "load_catalogue", lambda: entries)
    return entry, files


def test_hugging_face_checkpoint_is_pinned_and_every_file_verified(
    hf_checkpoint_entry, pull, fake_hub: FakeHub, home: Path
) -> None:
    _, files = hf_checkpoint_entry
    result = pull("psyllm-tiny", "--keep-checkpoint")
    assert result.code == 0, result.err
    model = registry(home)["psyllm-tiny:q8_0"]
    assert model["architecture"] == "qwen3"
    assert model["source"]["revision"] == fake_hub.repos[HF_REPO].sha
    assert {f["file"]: f["sha256"] for f in model["source"]["files"]} == {
        name: file.sha256 for name, file in files.items()}
    # A small file kept in git (checked by its blob id, not an LFS sha256), damaged on disk
    # but the same size, is fetched again rather than taken as it is.
    ckpt = home / "models" / ".checkpoints" / HF_REPO.replace("/", "--")
    config = ckpt / "config.json"
    config.write_bytes(b" " * config.stat().st_size)
    before = len([r for r in fake_hub.log if r.path.endswith("/config.json")])
    assert pull("psyllm-tiny", "--name", "again", "--keep-checkpoint").code == 0
    after = len([r for r in fake_hub.log if r.path.endswith("/config.json")])
    assert after > before and json.loads(config.read_text())
