"""Pick the architecture module for a checkpoint, or refuse it with a clear reason."""

from __future__ import annotations

from soulchat_local.errors import UserError

from ..checkpoint import Checkpoint
from .baichuan2 import Baichuan2
from .base import Architecture
from .glm4 import GLM4, GLM4HF
from .internlm2 import InternLM2
from .llama import Llama
from .qwen2 import Qwen2
from .qwen3 import Qwen3

# transformers `architectures[0]` -> module
BY_CLASS: dict[str, type[Architecture]] = {
    "LlamaForCausalLM": Llama,
    "MistralForCausalLM": Llama,
    "Qwen2ForCausalLM": Qwen2,
    "Qwen3ForCausalLM": Qwen3,
    "InternLM2ForCausalLM": InternLM2,
    "BaichuanForCausalLM": Baichuan2,
    "ChatGLMModel": GLM4,
    "ChatGLMForConditionalGeneration": GLM4,
    "GlmForCausalLM": GLM4HF,
}

SUPPORTED = (
    "llama (Llama-3/3.1, Yi-1.5, SmolLM2, Mistral), qwen2, qwen3, internlm2, "
    "glm4 (GLM-4-9B), baichuan2 (7B and 13B)"
)


def _has_glm4_tokenizer(ckpt: Checkpoint) -> bool:
    """GLM-4 ships a tiktoken rank file (or a byte-level tokenizer.json); ChatGLM2/3 a SentencePiece model."""
    from ..vocab import looks_like_tiktoken

    if ckpt.file("tokenizer.json") is not None:
        return True
    model = ckpt.file("tokenizer.model")
    if model is None:
        return True  # let the vocabulary step report the missing tokenizer
    with open(model, "rb") as fh:
        return looks_like_tiktoken(fh.read(4096))


def detect(ckpt: Checkpoint) -> Architecture:
    config = ckpt.config
    archs = config.get("architectures") or []
    cls_name = archs[0] if archs else ""
    model_type = str(config.get("model_type", ""))
    label = cls_name or model_type or "unknown"
    # ChatGLM-6B (GLM v1) never reaches here: pipeline.convert_checkpoint sends it to
    # chatglm.cpp's format (archs.chatglm6b.is_glm_v1).
    glm = model_type == "chatglm" or cls_name.startswith("ChatGLM")
    if glm and not _has_glm4_tokenizer(ckpt):
        raise UserError(
            f"architecture {label} is ChatGLM2/3-6B, which this converter does not support; "
            f"supported: {SUPPORTED}"
        )
    arch_cls = BY_CLASS.get(cls_name)
    if arch_cls is None:
        raise UserError(f"architecture {label} is not supported; supported: {SUPPORTED}")
    return arch_cls(ckpt)
