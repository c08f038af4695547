"""Fixtures for the hub tests: a fake hub on 127.0.0.1 and `soulchat pull` run against it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from soulchat_local import cli as cli_module
from tests.conftest import CliResult

from .fakehub import FakeHub

_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(scope="session")
def demo_bytes(demo_gguf: Path) -> bytes:
    return demo_gguf.read_bytes()


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A valid (header-checked) GGUF of a few hundred bytes: one small tensor, no vocabulary."""
    import gguf

    path = tmp_path_factory.mktemp("tiny") / "tiny.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tiny")
    writer.add_tensor("token_embd.weight", np.zeros((4, 32), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path.read_bytes()


@pytest.fixture
def fake_hub() -> Iterator[FakeHub]:
    hub = FakeHub().start()
    yield hub
    hub.stop()


@pytest.fixture
def hub_env(home: Path, fake_hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point huggingface_hub at the fake hub, online, with no token and no proxy.

    Returns the same settings as a dict for subprocess runs (the `cli` fixture).
    """
    import huggingface_hub.constants as constants

    env = {
        "HF_ENDPOINT": fake_hub.url, "HF_HUB_OFFLINE": "0", "HF_HOME": str(tmp_path / "hf-home"),
        "NO_PROXY": "127.0.0.1,localhost", "HF_HUB_DISABLE_TELEMETRY": "1",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for key in (*_PROXY_VARS, "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(key, raising=False)
    # huggingface_hub reads HF_ENDPOINT and HF_HUB_OFFLINE once, at import (the `home`
    # fixture set HF_HUB_OFFLINE=1); it may have been imported before this test.
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", fake_hub.url)
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE",
                        fake_hub.url + "/{repo_id}/resolve/{revision}/{filename}")
    # No token of the developer's own: the stored token lives under this test's HF_HOME.
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "hf-home" / "token"))
    monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", str(tmp_path / "hf-home" / "stored_tokens"))
    # Its user-agent code fetches an "agent harness" list once per process: keep it empty.
    from huggingface_hub.utils import _detect_agent

    monkeypatch.setattr(_detect_agent, "_registry", _detect_agent._EMPTY_REGISTRY, raising=False)
    return env


@pytest.fixture
def pull(hub_env: dict[str, str], capsys: pytest.CaptureFixture[str]):
    """Run `soulchat pull ...` in this process (so tests can replace seams); returns CliResult."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = cli_module.main(["pull", *args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def registry(home: Path) -> dict:
    file = home / "registry.json"
    return json.loads(file.read_text())["models"] if file.exists() else {}


@pytest.fixture(scope="session")
def split_demo(demo_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The demo model rewritten as a real two-part split GGUF (as llama.cpp's gguf-split does)."""
    import gguf

    out = tmp_path_factory.mktemp("split") / "Demo.Q4_1.gguf"
    reader = gguf.GGUFReader(demo_gguf)
    arch = reader.get_field("general.architecture").contents()
    writer = gguf.GGUFWriter(str(out), arch, split_max_tensors=len(reader.tensors) // 2 + 1)
    for name, field in reader.fields.items():
        if name.startswith("GGUF.") or name == "general.architecture":
            continue
        kind = field.types[0]
        sub = field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(name, field.contents(), kind, sub_type=sub)
    for tensor in reader.tensors:
        writer.add_tensor(tensor.name, tensor.data, raw_shape=tensor.data.shape,
                          raw_dtype=tensor.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    parts = sorted(out.parent.glob("Demo.Q4_1-*-of-*.gguf"))
    assert [p.name for p in parts] == ["Demo.Q4_1-00001-of-00002.gguf", "Demo.Q4_1-00002-of-00002.gguf"]
    return {p.name: p.read_bytes() for p in parts}
