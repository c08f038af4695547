"""What the machine offers: physical cores, and which llama.cpp backend runs the model."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path


def physical_cores() -> int:
    """Physical cores (hyper-threads do not speed up decoding); logical count as fallback."""
    system = platform.system()
    try:
        if system == "Linux":
            cores = set()
            block: dict[str, str] = {}
            for line in Path("/proc/cpuinfo").read_text().splitlines() + [""]:
                if not line.strip():
                    if "core id" in block:
                        cores.add((block.get("physical id", "0"), block["core id"]))
                    block = {}
                    continue
                key, _, value = line.partition(":")
                block[key.strip()] = value.strip()
            if cores:
                return len(cores)
        elif system == "Darwin":
            out = subprocess.run(
                ["sysctl", "-n", "hw.physicalcpu"], capture_output=True, text=True, timeout=5
            )
            return max(1, int(out.stdout.strip()))
    except (OSError, ValueError, subprocess.SubprocessError):
        pass
    return os.cpu_count() or 1


def backend_name() -> str:
    """CPU, Metal, CUDA, Vulkan, ... as the installed llama.cpp build reports it."""
    import llama_cpp

    if not llama_cpp.llama_supports_gpu_offload():
        return "CPU"
    info = llama_cpp.llama_print_system_info().decode("utf-8", errors="replace")
    if platform.system() == "Darwin":
        return "Metal"
    for name in ("CUDA", "ROCm", "HIP", "Vulkan", "SYCL", "OpenCL"):
        if name.lower() in info.lower():
            return name
    return "GPU"
