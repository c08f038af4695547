"""The real `soulchat` command in a subprocess against the fake hub: pull, chat, rm,
split models, a killed pull resumed, a proxy from the environment, the stored token."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import registry
from .fakehub import GOOD_TOKEN, FakeHub

REPO = "tester/Demo-GGUF"


@pytest.mark.real_model
def test_pull_then_models_lists_it_ask_answers_and_rm_frees_the_disk(
    fake_hub: FakeHub, hub_env: dict, cli, home: Path, demo_bytes: bytes
) -> None:
    fake_hub.add_repo(REPO, {"Demo.Q4_K_M.gguf": demo_bytes, "README.md": b"# demo\n"})
    pulled = cli("pull", f"hf.co/{REPO}")
    assert pulled.code == 0, pulled.err
    assert "pulled tester-demo:q4_k_m" in pulled.out and "sha256 verified" in pulled.out
    rows = {r["name"]: r for r in json.loads(cli("models", "--json").out)}
    assert rows["tester-demo:q4_k_m"]["installed"] is True
    assert rows["tester-demo:q4_k_m"]["size"] == len(demo_bytes)
    asked = cli("ask", "-m", "tester-demo", "--json", "--max-tokens", "8", "--locale", "en", "Hello")
    assert asked.code == 0, asked.err
    answer = json.loads(asked.out)
    assert answer["model"] == "tester-demo:q4_k_m" and answer["usage"]["completion_tokens"] > 0
    path = Path(registry(home)["tester-demo:q4_k_m"]["path"])
    removed = cli("rm", "tester-demo:q4_k_m", "--yes")
    assert removed.code == 0, removed.err
    assert f"freed {len(demo_bytes)} bytes" in removed.out
    assert not path.exists() and registry(home) == {}


@pytest.mark.real_model
def test_split_gguf_is_pulled_whole_and_runs(
    fake_hub: FakeHub, hub_env: dict, cli, home: Path, split_demo: dict[str, bytes]
) -> None:
    fake_hub.add_repo("tester/Split-GGUF", {**split_demo, "README.md": b"split\n"})
    pulled = cli("pull", "hf.co/tester/Split-GGUF", "--json")
    assert pulled.code == 0, pulled.err
    out = json.loads(pulled.out)
    assert out["name"] == "tester-split:q4_1" and out["size"] == sum(map(len, split_demo.values()))
    first, second = sorted(split_demo)
    assert Path(out["path"]).name == first and [Path(p).name for p in out["extra_files"]] == [second]
    assert [f["file"] for f in out["source"]["files"]] == [first, second]
    asked = cli("ask", "-m", "tester-split", "--json", "--max-tokens", "4", "--locale", "en", "Hi")
    assert asked.code == 0, asked.err
    removed = cli("rm", "tester-split:q4_1", "--yes")
    assert removed.code == 0, removed.err
    assert not Path(out["path"]).exists() and not Path(out["extra_files"][0]).exists()


def test_killed_pull_resumes_from_its_part_file(
    fake_hub: FakeHub, hub_env: dict, cli, home: Path, demo_bytes: bytes
) -> None:
    fake_hub.add_repo(REPO, {"Demo.Q4_K_M.gguf": demo_bytes})
    fake_hub.faults.delay_per_chunk = 0.01  # ~6 MiB/s: slow enough to kill it midway
    proc = subprocess.Popen([sys.executable, "-m", "soulchat_local", "pull", f"hf.co/{REPO}"],
                            env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts_dir = home / "models" / ".downloads"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        parts = list(parts_dir.glob("*.part")) if parts_dir.exists() else []
        if parts and parts[0].stat().st_size > 8 * 2**20:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert registry(home) == {}
    fake_hub.faults.delay_per_chunk = 0.0
    fake_hub.log.clear()
    resumed = cli("pull", f"hf.co/{REPO}", "--json")
    assert resumed.code == 0, resumed.err
    out = json.loads(resumed.out)
    assert out["resumed_from"] > 8 * 2**20
    request = fake_hub.content_requests()[0]
    assert request.range == f"bytes={out['resumed_from']}-"
    assert fake_hub.bytes_sent() == len(demo_bytes) - out["resumed_from"]
    assert Path(out["path"]).read_bytes() == demo_bytes


def test_proxy_from_the_environment_is_used(
    fake_hub: FakeHub, hub_env: dict, cli, home: Path, tiny_gguf: bytes
) -> None:
    fake_hub.add_repo(REPO, {"Demo.Q4_K_M.gguf": tiny_gguf})
    # hub.invalid does not resolve: only the proxy (the fake hub, in proxy form) can answer.
    env = {"HF_ENDPOINT": "http://hub.invalid", "HTTP_PROXY": fake_hub.url, "NO_PROXY": ""}
    result = cli("pull", f"hf.co/{REPO}", env=env)
    assert result.code == 0, result.err
    assert fake_hub.log and all(r.absolute for r in fake_hub.log)
    assert registry(home)["tester-demo:q4_k_m"]["source"]["endpoint"] == "http://hub.invalid"


def test_stored_token_opens_a_gated_repo(
    fake_hub: FakeHub, hub_env: dict, cli, home: Path, tiny_gguf: bytes
) -> None:
    fake_hub.add_repo("corp/Gated-GGUF", {"G.Q4_K_M.gguf": tiny_gguf}, gated=True)
    refused = cli("pull", "hf.co/corp/Gated-GGUF")
    assert refused.code == 2 and "gated" in refused.err
    token_file = Path(hub_env["HF_HOME"]) / "token"
    token_file.parent.mkdir(parents=True, exist_ok=True)
    token_file.write_text(GOOD_TOKEN)
    result = cli("pull", "hf.co/corp/Gated-GGUF")
    assert result.code == 0, result.err
    assert "corp-gated:q4_k_m" in registry(home)


def test_help_does_not_import_huggingface_hub() -> None:
    code = ("import sys, contextlib, io\n"
            "from soulchat_local import cli\n"
            "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
            "    cli.main(['pull', '--help'])\n"
            "assert 'huggingface_hub' not in sys.modules, 'imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
