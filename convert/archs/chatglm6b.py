"""ChatGLM-6B (GLM v1: 2D rotary positions, bidirectional attention over the prompt,
alpha-scaled residuals), the base of SoulChat v1. llama.cpp has no such architecture;
chatglm.cpp runs it, from its own file format (soulchat_local.chatglm_file).

This module reads config.json and the SentencePiece model (ice_text.model), checks that
chatglm.cpp can run exactly what the checkpoint describes, and plans the output tensors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from soulchat_local.chatglm_file import expected_tensors
from soulchat_local.errors import UserError

from .. import sentencepiece_model
from ..checkpoint import Checkpoint

# chatglm.cpp's GLMBlock fixes alpha = sqrt(2 * 28): it runs 28-layer models only.
CHATGLM_CPP_LAYERS = 28
TOKENIZER_FILES = ("ice_text.model", "tokenizer.model")
REQUIRED_PIECES = ("<sop>", "<eop>", "[MASK]", "[gMASK]")
_IGNORED = ("rotary_emb.inv_freq",)


def is_glm_v1(config: dict) -> bool:
    archs = config.get("architectures") or []
    cls_name = archs[0] if archs else ""
    if config.get("model_type") != "chatglm" and not cls_name.startswith("ChatGLM"):
        return False
    return bool(config.get("position_encoding_2d")) or not (
        config.get("multi_query_attention") or "multi_query_group_num" in config
    )


@dataclass(frozen=True)
class Tensor:
    name: str  # as chatglm.cpp names it (the checkpoint's own name)
    shape: tuple[int, ...]

    @property
    def n_elements(self) -> int:
        return int(np.prod(self.shape))


class ChatGLM6B:
    name = "chatglm"

    def __init__(self, ckpt: Checkpoint) -> None:
        self.ckpt = ckpt
        self.config = ckpt.config
        self.hp = self._hparams()
        self.proto, self.tokenizer_file = self._tokenizer()
        self.tensors = self._plan()

    def _get(self, key: str, default: object = None) -> object:
        value = self.config.get(key, default)
        if value is None:
            raise UserError(f"config.json has no {key!r}; the ChatGLM-6B config is incomplete")
        return value

    def _hparams(self) -> dict[str, float | int]:
        c = self.config
        if not c.get("position_encoding_2d", True):
            raise UserError(
                "this ChatGLM checkpoint does not use 2D positions; chatglm.cpp runs only ChatGLM-6B"
            )
        if c.get("quantization_bit"):
            raise UserError(
                f"this checkpoint is already quantized to int{c['quantization_bit']}; "
                "convert the float16 checkpoint instead"
            )
        if c.get("pre_seq_len"):
            raise UserError(
                "P-tuning prefix checkpoints (pre_seq_len) are not supported; merge or drop the prefix"
            )
        hp = {
            "vocab_size": int(self._get("vocab_size")),
            "hidden_size": int(self._get("hidden_size")),
            "num_attention_heads": int(self._get("num_attention_heads")),
            "num_hidden_layers": int(self._get("num_layers")),
            "intermediate_size": int(
                self._get("inner_hidden_size", 4 * int(self._get("hidden_size")))
            ),
            "norm_eps": float(self._get("layernorm_epsilon", 1e-5)),
            "max_length": int(self._get("max_sequence_length", 2048)),
            "eos_token_id": int(self._get("eos_token_id", -1)),
            "bos_token_id": int(self._get("bos_token_id", -1)),
            "pad_token_id": int(c.get("pad_token_id") if c.get("pad_token_id") is not None else -1),
        }
        if hp["num_hidden_layers"] != CHATGLM_CPP_LAYERS:
            raise UserError(
                f"this ChatGLM-6B variant has {hp['num_hidden_layers']} layers; chatglm.cpp scales the "
                f"residuals for {CHATGLM_CPP_LAYERS} layers only and would compute it wrongly"
            )
        head_dim, rem = divmod(hp["hidden_size"], hp["num_attention_heads"])
        if rem or head_dim % 4:
            raise UserError(
                f"hidden_size {hp['hidden_size']} / {hp['num_attention_heads']} heads does not give "
                "a head size that is a multiple of 4 (two rotary halves)"
            )
        return hp

    def _tokenizer(self) -> tuple[bytes, str]:
        tcfg = self.ckpt.json_file("tokenizer_config.json") or {}
        if int(tcfg.get("num_image_tokens") or 0):
            raise UserError(
                "this is the first ChatGLM-6B release (20000 image tokens before the text vocabulary); "
                "chatglm.cpp runs the later release: convert a checkpoint with num_image_tokens 0"
            )
        for name in TOKENIZER_FILES:
            path = self.ckpt.file(name)
            if path is None:
                continue
            try:
                raw = path.read_bytes()
                model = sentencepiece_model.parse(raw)
            except OSError as exc:
                raise UserError(f"cannot read {path}: {exc.strerror or exc}") from exc
            except (sentencepiece_model.ProtoError, UnicodeDecodeError) as exc:
                raise UserError(
                    f"{path} is not a SentencePiece model ({exc}); re-download it"
                ) from exc
            self._check_vocab(model, name)
            return raw, name
        raise UserError(
            f"{self.ckpt.root} has no ice_text.model (ChatGLM-6B's SentencePiece tokenizer); "
            "copy it from the base model"
        )

    def _check_vocab(self, model: sentencepiece_model.SentencePieceModel, file: str) -> None:
        index = {piece: i for i, piece in enumerate(model.pieces)}
        missing = [p for p in REQUIRED_PIECES if p not in index]
        if missing:
            raise UserError(
                f"{file} lacks ChatGLM's special pieces {', '.join(missing)}; is it ChatGLM-6B's tokenizer?"
            )
        if len(model.pieces) > self.hp["vocab_size"]:
            raise UserError(
                f"{file} has {len(model.pieces)} pieces but the embedding has {self.hp['vocab_size']} rows: "
                "the tokenizer and the weights do not belong together"
            )
        for key, piece in (("eos_token_id", "<eop>"), ("bos_token_id", "<sop>")):
            if self.hp[key] >= 0 and self.hp[key] != index[piece]:
                raise UserError(
                    f"config.json's {key} is {self.hp[key]} but {piece} is piece {index[piece]} of {file}: "
                    "the tokenizer and the weights do not belong together"
                )
        self.hp["eos_token_id"] = index["<eop>"]

    def _plan(self) -> list[Tensor]:
        store = self.ckpt.store
        plan: list[Tensor] = []
        for name, shape in expected_tensors(self.hp).items():
            if name not in store:
                raise UserError(
                    f"the checkpoint has no tensor {name!r} that a ChatGLM-6B model needs; is it complete?"
                )
            actual = tuple(store.ref(name).shape)
            if actual != shape:
                raise UserError(
                    f"tensor {name} has shape {actual} but config.json implies {shape}: "
                    "the weights and config.json do not belong together"
                )
            plan.append(Tensor(name, shape))
        used = {t.name for t in plan}
        if "lm_head.weight" in store:
            self._check_tied()
            used.add("lm_head.weight")
        extra = [n for n in store.names() if n not in used and not n.endswith(_IGNORED)]
        if extra:
            shown = ", ".join(extra[:3]) + (f" and {len(extra) - 3} more" if len(extra) > 3 else "")
            raise UserError(
                f"the checkpoint has tensors ChatGLM-6B does not use ({shown}); "
                "it is a variant this converter does not support"
            )
        return plan

    def _check_tied(self) -> None:
        """chatglm.cpp computes the output with the input embedding: they must be equal."""
        store = self.ckpt.store
        name = "transformer.word_embeddings.weight"
        if tuple(store.ref("lm_head.weight").shape) != tuple(store.ref(name).shape):
            raise UserError(
                "lm_head.weight and the word embedding differ in shape; chatglm.cpp ties them"
            )
        rows = store.ref(name).shape[0]
        step = 8192
        for start in range(0, rows, step):
            stop = min(rows, start + step)
            if not np.array_equal(
                store.rows(name, start, stop), store.rows("lm_head.weight", start, stop)
            ):
                raise UserError(
                    "lm_head.weight differs from the word embedding; chatglm.cpp ties them and "
                    "would compute this model wrongly"
                )
