"""The base model and tokenizer from a local checkpoint, and the LoRA wrapped around it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from soulchat_local.errors import UserError

# Never trained: the output head and embeddings (LoRA on them rarely helps and costs memory).
_NOT_TARGETS = {"lm_head", "output", "embed_out", "output_layer"}


def check_base(base: Path) -> Path:
    base = Path(base).expanduser()
    if not base.is_dir():
        raise UserError(
            f"--base {base} is not a directory; give a local checkpoint folder (config.json, *.safetensors, tokenizer)"
        )
    if not (base / "config.json").is_file():
        raise UserError(f"--base {base} has no config.json; is it a Hugging Face checkpoint?")
    return base


def load_tokenizer(base: Path):
    from transformers import AutoTokenizer

    try:
        tok = AutoTokenizer.from_pretrained(str(base))
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot load the tokenizer of {base}: {exc}") from exc
    if not tok.chat_template:
        raise UserError(
            f"the tokenizer of {base} has no chat template; samples are rendered with the base "
            "model's own template, so use an instruct/chat checkpoint (or add chat_template.jinja)"
        )
    return tok


def device_precision(requested: str) -> str:
    """`auto`: bf16 on a GPU that has it, fp16 on other GPUs, fp32 on the CPU."""
    import torch

    if requested != "auto":
        if requested in ("bf16", "fp16") and not torch.cuda.is_available():
            raise UserError(f"--precision {requested} needs a GPU; on the CPU use fp32 (or auto)")
        return requested
    if not torch.cuda.is_available():
        return "fp32"
    return "bf16" if torch.cuda.is_bf16_supported() else "fp16"


def load_model(base: Path, *, lora: bool, precision: str, gradient_checkpointing: bool):
    import torch
    from transformers import AutoModelForCausalLM

    # LoRA keeps the frozen base in the compute dtype; full fine-tuning keeps fp32 master weights.
    dtype = (
        {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision, torch.float32)
        if lora
        else torch.float32
    )
    try:
        model = AutoModelForCausalLM.from_pretrained(str(base), dtype=dtype)
    except (OSError, ValueError, KeyError) as exc:
        raise UserError(f"transformers cannot load {base}: {exc}") from exc
    model.config.use_cache = False
    if gradient_checkpointing:
        kwargs = {"use_reentrant": False}
        if hasattr(model, "activation_checkpointing_enable"):  # the name since transformers 5.2x
            model.activation_checkpointing_enable(activation_checkpointing_kwargs=kwargs)
        else:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=kwargs)
    return model


def lora_targets(model: Any) -> list[str]:
    """Every linear projection inside the transformer blocks, by its leaf name."""
    import torch

    names = set()
    for name, module in model.named_modules():
        leaf = name.rsplit(".", 1)[-1]
        if isinstance(module, torch.nn.Linear) and leaf not in _NOT_TARGETS:
            names.add(leaf)
    if not names:
        raise UserError("the base model has no linear layers LoRA could adapt")
    return sorted(names)


def add_lora(model: Any, *, rank: int, alpha: float, dropout: float, targets: list[str] | None):
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(
        r=rank,
        lora_alpha=alpha,
        lora_dropout=dropout,
        bias="none",
        task_type="CAUSAL_LM",
        target_modules=targets or lora_targets(model),
    )
    try:
        return get_peft_model(model, config)
    except ValueError as exc:
        raise UserError(f"--lora-target: {exc}") from exc
