"""HF checkpoints (and PEFT LoRA adapters) -> verified, quantized GGUF files.

Imported lazily: `soulchat --help` loads the command modules, which must stay light,
so numpy, gguf and llama_cpp are only imported when a function below is called.

    convert_checkpoint(src, out_dir, quants, *, lora=None, name=None, register=True,
                       force=False, quality=True) -> list[Path]
    quantize_gguf(src, dst, qtype, *, force=False) -> Path
"""

from __future__ import annotations

from typing import Any

__all__ = ["convert_checkpoint", "quantize_gguf", "SUPPORTED_ARCHITECTURES"]


def __getattr__(name: str) -> Any:
    if name == "convert_checkpoint":
        from .pipeline import convert_checkpoint

        return convert_checkpoint
    if name == "quantize_gguf":
        from .quantize import quantize_gguf

        return quantize_gguf
    if name == "SUPPORTED_ARCHITECTURES":
        from .archs import SUPPORTED

        return SUPPORTED
    raise AttributeError(name)
