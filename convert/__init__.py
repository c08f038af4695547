"""HF checkpoints (and PEFT LoRA adapters) -> verified, quantized GGUF files.

Imported lazily: `soulchat --help` loads the command modules, which must stay light,
so numpy, gguf and llama_cpp are only imported when a function below is called.

    convert_checkpoint(src: Path, out_dir: Path, quants: list[str] | str | None = None, *,
                       lora: Path | None = None, name: str | None = None, register: bool = True,
                       force: bool = False, quality_report: bool = True,
                       progress: bool | None = None, log=None) -> list[Path]
        one NAME-QUANT.gguf per entry of `quants` (default ["f16"]), in that order
    quantize_gguf(src: Path, dst: Path, qtype: str, *, force: bool = False, threads: int = 0) -> Path

Both raise soulchat_local.errors.UserError (one line) for every bad input.
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
