"""After training: the adapter (or the full model) through our converter to registered GGUF files.

A LoRA adapter is merged by the converter itself (convert/lora.py) while it writes the GGUF,
so the base checkpoint is never rewritten; a full fine-tune is converted from OUT/model.
The converter quantizes, runs its quality report (perplexity and KL against the F16 file on
the built-in dialogues) and registers every file as NAME:QUANT.
"""

from __future__ import annotations

from pathlib import Path


def check_quants(spec: str) -> list[str]:
    """Validate --export before training starts, so a typo does not cost a run."""
    from soulchat_local.convert.pipeline import parse_quants

    return parse_quants(spec)


def export(
    base: Path,
    weights: Path,
    *,
    lora: bool,
    quants: list[str],
    out_dir: Path,
    name: str,
    progress: bool | None = None,
) -> list[Path]:
    from soulchat_local.convert.pipeline import convert_checkpoint

    if lora:
        return convert_checkpoint(
            base, out_dir, quants, lora=weights, name=name, force=True, progress=progress
        )
    return convert_checkpoint(weights, out_dir, quants, name=name, force=True, progress=progress)
