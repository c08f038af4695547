"""`soulchat pull` against the fake hub, run in this process (seams can be replaced)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from soulchat_local.hub import download as download_module
from soulchat_local.hub import space

from .conftest import registry
from .fakehub import GOOD_TOKEN, FakeFile, FakeHub

REPO = "tester/Demo-GGUF"


def _one_line(err: str) -> bool:
    """The error is one `soulchat: ...` line (a "pulling ..." line may come before it)."""
    lines = err.splitlines()
    errors = [line for line in lines if line.startswith("soulchat:")]
    return len(errors) == 1 and lines[-1] == errors[0] and "Traceback" not in err


def _model_files(home: Path) -> list[Path]:
    return [p for p in (home / "models").rglob("*") if p.is_file()]


def test_pull_registers_source_revision_file_sha_and_size(fake_hub: FakeHub, pull, home: Path, tiny_gguf: bytes) -> None:
    repo = fake_hub.add_repo(REPO, {"Demo.Q4_K_M.gguf": tiny_gguf, "README.md": b"# demo\n"})
    result = pull(f"hf.co/{REPO}", "--json")
    assert result.code == 0, result.err
    out = json.loads(result.out)
    assert out["name"] == "tester-demo:q4_k_m" and out["status"] == "pulled"
    entry = registry(home)["tester-demo:q4_k_m"]
    sha = hashlib.sha256(tiny_gguf).hexdigest()
    assert entry["sha256"] == sha and entry["size"] == len(tiny_gguf) and entry["owned"] is True
    assert entry["source"]["repo"] == REPO and entry["source"]["revision"] == repo.sha
    assert entry["source"]["file"] == "Demo.Q4_K_M.gguf" and entry["source"]["sha256"] == sha
    path = Path(entry["path"])
    assert path.read_bytes() == tiny_gguf and path.stat().st_mode & 0o777 == 0o600
    # The download was pinned to the commit the listing described.
    assert any(r.path.startswith(f"/{REPO}/resolve/{repo.sha}/") for r in fake_hub.log)
    assert not list((home / "models" / ".downloads").iterdir())
    # Pulling again finds it installed and downloads nothing.
    before = len(fake_hub.content_requests())
    again = pull(f"hf.co/{REPO}:Q4_K_M")
    assert again.code == 0 and "already installed" in again.out
    assert len(fake_hub.content_requests()) == before


def test_quant_choice_default_asked_and_unknown(fake_hub: FakeHub, pull, home: Path, tiny_gguf: bytes) -> None:
    fake_hub.add_repo(REPO, {
        "Demo.Q8_0.gguf": tiny_gguf, "Demo.Q4_K_M.gguf": tiny_gguf, "Demo.Q2_K.gguf": tiny_gguf,
    })
    assert pull(f"hf.co/{REPO}").code == 0
    asked = pull(f"hf.co/{REPO}:q8_0", "--json")  # case does not matter
    assert asked.code == 0, asked.err
    assert json.loads(asked.out)["source"]["file"] == "Demo.Q8_0.gguf"
    assert sorted(registry(home)) == ["tester-demo:q4_k_m", "tester-demo:q8_0"]
    unknown = pull(f"hf.co/{REPO}:Q5_K_M")
    assert unknown.code == 2 and _one_line(unknown.err)
    assert "has no Q5_K_M file; it has: Q8_0, Q4_K_M, Q2_K" in unknown.err


def test_without_q4_k_m_the_best_quant_that_fits_is_chosen(
    fake_hub: FakeHub, pull, home: Path, tiny_gguf: bytes, demo_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_hub.add_repo(REPO, {"Demo.Q8_0.gguf": demo_bytes, "Demo.Q4_0.gguf": tiny_gguf})
    # Room for the small file and the margin, not for the 94 MiB Q8_0.
    monkeypatch.setattr(space, "free_bytes", lambda path: space.MIN_MARGIN + 10 * 2**20)
    result = pull(f"hf.co/{REPO}", "--json")
    assert result.code == 0, result.err
    out = json.loads(result.out)
    assert out["quant"] == "Q4_0" and "best that fits" in out["reason"]
    monkeypatch.setattr(space, "free_bytes", lambda path: 2**20)
    nothing = pull("hf.co/tester/Demo-GGUF", "--name", "other")
    assert nothing.code == 2 and _one_line(nothing.err) and "fits" in nothing.err


def test_exact_file_and_missing_file(fake_hub: FakeHub, pull, home: Path, tiny_gguf: bytes) -> None:
    fake_hub.add_repo(REPO, {"Demo.Q8_0.gguf": tiny_gguf, "Demo.Q4_K_M.gguf": tiny_gguf})
    result = pull(f"hf.co/{REPO}/Demo.Q8_0.gguf")
    assert result.code == 0, result.err
    assert list(registry(home)) == ["tester-demo:q8_0"]
    missing = pull(f"hf.co/{REPO}/Nope.Q3_K_S.gguf")
    assert missing.code == 2 and _one_line(missing.err)
    assert "no file Nope.Q3_K_S.gguf" in missing.err and "Demo.Q4_K_M.gguf" in missing.err


def test_corrupt_download_is_deleted_and_nothing_registered(fake_hub: FakeHub, pull, home: Path, tiny_gguf: bytes) -> None:
    fake_hub.add_repo(REPO, {"Demo.Q4_K_M.gguf": FakeFile(tiny_gguf, corrupt=True)})
    result = pull(f"hf.co/{REPO}")
    assert result.code == 2 and _one_line(result.err)
    assert "corrupt" in result.err and "nothing was installed" in result.err
    assert registry(home) == {}
    assert _model_files(home) == []


def test_connection_drop_reconnects_from_where_it_stopped(fake_hub: FakeHub, pull, demo_bytes: bytes, home: Path) -> None:
    fake_hub.add_repo(REPO, {"Demo.Q4_K_M.gguf": demo_bytes})
    fake_hub.faults.drop_after, fake_hub.faults.drop_times = 10 * 2**20, 1
    result = pull(f"hf.co/{REPO}", "--json")
    assert result.code == 0, result.err
    first, second = fake_hub.content_requests()
    assert first.range is None and first.sent == 10 * 2**20
    assert second.range == f"bytes={10 * 2**20}-"
    assert first.sent + second.sent == len(demo_bytes)  # no byte sent twice
    assert json.loads(result.out)["sha256"] == hashlib.sha256(demo_bytes).hexdigest()


def test_interrupted_pull_resumes_in_the_next_run(
    fake_hub: FakeHub, pull, demo_bytes: bytes, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(download_module, "BACKOFF_S", 0.01)
    fake_hub.add_repo(REPO, {"Demo.Q4_K_M.gguf": demo_bytes})
    # Every connection drops after 4 MiB: the first run gives up after its retries.
    fake_hub.faults.drop_after = 4 * 2**20
    fake_hub.faults.drop_times = download_module.RETRIES + 1
    first = pull(f"hf.co/{REPO}")
    assert first.code == 2 and _one_line(first.err) and "run the same command again to resume" in first.err
    assert registry(home) == {}
    sent_first = fake_hub.bytes_sent()
    parts = list((home / "models" / ".downloads").glob("*.part"))
    assert len(parts) == 1 and parts[0].stat().st_size == sent_first == 4 * 4 * 2**20

    fake_hub.log.clear()
    second = pull(f"hf.co/{REPO}", "--json")
    assert second.code == 0, second.err
    out = json.loads(second.out)
    assert out["resumed_from"] == sent_first and out["downloaded"] == len(demo_bytes) - sent_first
    assert fake_hub.content_requests()[0].range == f"bytes={sent_first}-"
    assert fake_hub.bytes_sent() == len(demo_bytes) - sent_first < len(demo_bytes)
    assert Path(out["path"]).read_bytes() == demo_bytes


def test_offline_mode_opens_no_connection(fake_hub: FakeHub, pull, home: Path, tiny_gguf: bytes,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    fake_hub.add_repo(REPO, {"Demo.Q4_K_M.gguf": tiny_gguf})
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = pull(f"hf.co/{REPO}")
    assert result.code == 2 and _one_line(result.err) and "HF_HUB_OFFLINE=1" in result.err
    assert fake_hub.log == []
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    assert pull(f"hf.co/{REPO}").code == 0
    fake_hub.log.clear()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    present = pull(f"hf.co/{REPO}")  # no quant given: the one installed model of that repo
    assert present.code == 0 and "already installed" in present.out
    assert fake_hub.log == []


def test_missing_repo_gated_repo_and_token(fake_hub: FakeHub, pull, home: Path, tiny_gguf: bytes,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    missing = pull("hf.co/nobody/Missing-GGUF")
    assert missing.code == 2 and _one_line(missing.err)
    assert "nobody/Missing-GGUF not found" in missing.err and "HF_TOKEN" in missing.err
    fake_hub.add_repo("corp/Gated-GGUF", {"G.Q4_K_M.gguf": tiny_gguf}, gated=True)
    gated = pull("hf.co/corp/Gated-GGUF")
    assert gated.code == 2 and _one_line(gated.err)
    assert "gated" in gated.err and "HF_TOKEN" in gated.err
    assert registry(home) == {} and _model_files(home) == []
    monkeypatch.setenv("HF_TOKEN", GOOD_TOKEN)
    ok = pull("hf.co/corp/Gated-GGUF")
    assert ok.code == 0, ok.err
    resolve = [r for r in fake_hub.log if "/resolve/" in r.path]
    assert resolve[-1].auth == f"Bearer {GOOD_TOKEN}" and resolve[-1].status == 302


def test_disk_full_is_refused_before_downloading(fake_hub: FakeHub, pull, home: Path, demo_bytes: bytes,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    fake_hub.add_repo(REPO, {"Demo.Q4_K_M.gguf": demo_bytes})
    monkeypatch.setattr(space, "free_bytes", lambda path: 200 * 2**20)
    result = pull(f"hf.co/{REPO}")
    assert result.code == 2 and _one_line(result.err) and "not enough disk space" in result.err
    assert fake_hub.content_requests() == [] and registry(home) == {}


def test_network_down_is_one_line(pull, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    result = pull("hf.co/tester/Demo-GGUF")
    assert result.code == 2 and _one_line(result.err) and "cannot reach" in result.err


def test_bad_input_is_one_line_each(fake_hub: FakeHub, pull, home: Path) -> None:
    fake_hub.add_repo("tester/Checkpoint", {"model.safetensors": b"x" * 64, "config.json": b"{}"})
    fake_hub.add_repo("tester/Empty", {"README.md": b"hi"})
    for args, words in [
        (("no-such-model",), "unknown model 'no-such-model'"),
        (("tester/Demo-GGUF",), "hf.co/tester/Demo-GGUF"),
        (("hf.co/tester/Checkpoint",), "only a safetensors checkpoint"),
        (("hf.co/tester/Empty",), "has no GGUF files"),
        (("hf.co/tester/Empty", "--name", "Bad Name!"), "cannot be a model name"),
    ]:
        result = pull(*args)
        assert result.code == 2 and _one_line(result.err), (args, result.err)
        assert words in result.err, (args, result.err)
    assert registry(home) == {}


def test_catalogue_entry_is_named_name_quant_and_keeps_its_settings(
    fake_hub: FakeHub, pull, home: Path, tiny_gguf: bytes
) -> None:
    repo = "mradermacher/PsyCare1.0-Llama3.1-8B-GGUF"  # the real entry's repository, served locally
    fake_hub.add_repo(repo, {"PsyCare1.0-Llama3.1-8B.Q4_K_M.gguf": tiny_gguf,
                             "PsyCare1.0-Llama3.1-8B.Q8_0.gguf": tiny_gguf})
    assert pull("psycare-llama3.1-8b").code == 0
    assert pull("psycare-llama3.1-8b:Q8_0").code == 0
    # The same repository by its hub address gets the catalogue name too.
    again = pull(f"hf.co/{repo}:q8_0")
    assert again.code == 0 and "already installed" in again.out
    models = registry(home)
    assert sorted(models) == ["psycare-llama3.1-8b:q4_k_m", "psycare-llama3.1-8b:q8_0"]
    entry = models["psycare-llama3.1-8b:q4_k_m"]
    assert entry["system_prompt"] == "counsellor" and entry["source"]["catalogue"] == "psycare-llama3.1-8b"


def test_demo_entry_explains_how_it_is_installed(pull) -> None:
    result = pull("smollm2-demo")
    assert result.code == 2 and _one_line(result.err) and "smollm2-demo" in result.err


def test_a_second_pull_of_the_same_file_waits_its_turn(fake_hub: FakeHub, pull, home: Path, tiny_gguf: bytes) -> None:
    import fcntl
    import os

    from soulchat_local.hub.quants import RemoteFile

    fake_hub.add_repo(REPO, {"Demo.Q4_K_M.gguf": tiny_gguf})
    sha = hashlib.sha256(tiny_gguf).hexdigest()
    part = download_module.part_path(home / "models" / ".downloads", RemoteFile("x", len(tiny_gguf), sha))
    part.parent.mkdir(parents=True)
    fd = os.open(part.with_suffix(".lock"), os.O_CREAT | os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another pull holds this file
    try:
        result = pull(f"hf.co/{REPO}")
    finally:
        os.close(fd)
    assert result.code == 2 and _one_line(result.err) and "another `soulchat pull`" in result.err
    assert registry(home) == {}
    assert pull(f"hf.co/{REPO}").code == 0


def test_small_files_kept_in_git_are_checked_by_their_blob_id(fake_hub: FakeHub, pull, home: Path, tiny_gguf: bytes) -> None:
    fake_hub.add_repo(REPO, {"Demo.Q4_K_M.gguf": FakeFile(tiny_gguf, lfs=False)})
    result = pull(f"hf.co/{REPO}", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["sha256"] == hashlib.sha256(tiny_gguf).hexdigest()
    fake_hub.add_repo("tester/Other-GGUF", {"O.Q4_K_M.gguf": FakeFile(tiny_gguf + b"\0", lfs=False, corrupt=True)})
    bad = pull("hf.co/tester/Other-GGUF")
    assert bad.code == 2 and "corrupt" in bad.err and "tester-other:q4_k_m" not in registry(home)


def test_a_server_that_ignores_range_restarts_the_file_cleanly(
    fake_hub: FakeHub, pull, home: Path, demo_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(download_module, "BACKOFF_S", 0.01)
    fake_hub.add_repo(REPO, {"Demo.Q4_K_M.gguf": demo_bytes})
    fake_hub.faults.drop_after, fake_hub.faults.drop_times = 2**20, download_module.RETRIES + 1
    assert pull(f"hf.co/{REPO}").code == 2  # leaves a .part behind
    fake_hub.faults.ignore_range = True
    fake_hub.log.clear()
    result = pull(f"hf.co/{REPO}", "--json")
    assert result.code == 0, result.err
    # The whole file is taken from that one answer, written from byte 0 over the old part.
    [request] = fake_hub.content_requests()
    assert request.range is not None and request.status == 200 and request.sent == len(demo_bytes)
    assert json.loads(result.out)["resumed_from"] == 0
    assert Path(json.loads(result.out)["path"]).read_bytes() == demo_bytes
