"""PEFT LoRA adapters merged into the base weights, in numpy, one block of rows at a time.

For a target weight W (out x in) with lora_A (r x in) and lora_B (out x r):
W' = W + s * B @ A, with s = lora_alpha / r, or lora_alpha / sqrt(r) when use_rslora
(PEFT's LoraLayer.update_layer). Per-module `rank_pattern` / `alpha_pattern` are honoured.
Rows of B can be taken block by block, so merging never needs the whole W at once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soulchat_local.errors import UserError

from .checkpoint import TensorStore, read_json

_PREFIX = "base_model.model."


@dataclass
class LoraPair:
    a: str      # adapter tensor names
    b: str
    scale: float
    embedding: bool = False  # lora_embedding_A (r x vocab), _B (dim x r): delta is (B @ A).T


def _pattern_value(patterns: dict, module: str, default: float) -> float:
    for key, value in (patterns or {}).items():
        if re.fullmatch(rf"(.*\.)?{key}", module):
            return value
    return default


class LoraAdapter:
    def __init__(self, root: Path, base: TensorStore, base_config: dict) -> None:
        root = Path(root)
        if not root.is_dir():
            raise UserError(f"LoRA adapter {root} is not a directory; give the folder with adapter_config.json")
        cfg_path = root / "adapter_config.json"
        if not cfg_path.exists():
            raise UserError(f"{root} has no adapter_config.json; is it a PEFT LoRA adapter?")
        self.config = read_json(cfg_path, "adapter config")
        self.root = root
        kind = str(self.config.get("peft_type", "LORA")).upper()
        if kind != "LORA":
            raise UserError(f"adapter {root} is a {kind} adapter; only LoRA adapters can be merged")
        if self.config.get("use_dora"):
            raise UserError(f"adapter {root} uses DoRA, which this converter cannot merge")
        weights = root / "adapter_model.safetensors"
        if not weights.exists():
            if (root / "adapter_model.bin").exists():
                raise UserError(f"{root} has adapter_model.bin only; save the adapter as safetensors")
            raise UserError(f"{root} has no adapter_model.safetensors")
        self.store = TensorStore([weights])
        self.pairs: dict[str, LoraPair] = {}
        self.replacements: dict[str, str] = {}
        self._collect(base, base_config)

    def _collect(self, base: TensorStore, base_config: dict) -> None:
        r_default = int(self.config.get("r", 8))
        alpha_default = float(self.config.get("lora_alpha", r_default))
        rslora = bool(self.config.get("use_rslora", False))
        fan_in_fan_out = bool(self.config.get("fan_in_fan_out", False))
        if fan_in_fan_out:
            raise UserError("adapters with fan_in_fan_out (GPT-2 style Conv1D) are not supported")
        for name in self.store.names():
            if not name.startswith(_PREFIX):
                raise UserError(f"adapter tensor {name!r} is not in PEFT's naming; is this a PEFT adapter?")
            rest = name[len(_PREFIX):]
            m = re.fullmatch(r"(.+)\.lora_(A|embedding_A)(?:\.[^.]+)?(?:\.weight)?", rest)
            if m:
                module, kind = m.group(1), m.group(2)
                b_name = name.replace(f".lora_{kind}", f".lora_{kind[:-1]}B")
                if b_name not in self.store:
                    raise UserError(f"adapter has {name} but no matching lora_B; the adapter is incomplete")
                r = int(_pattern_value(self.config.get("rank_pattern"), module, r_default))
                alpha = _pattern_value(self.config.get("alpha_pattern"), module, alpha_default)
                scale = alpha / math.sqrt(r) if rslora else alpha / r
                self.pairs[module + ".weight"] = LoraPair(name, b_name, scale, embedding=kind != "A")
            elif re.search(r"\.lora_(B|embedding_B)(\.|$)", rest):
                continue
            elif ".lora_" in rest:
                raise UserError(f"adapter tensor {name!r} is of a LoRA variant this converter cannot merge")
            else:
                target = re.sub(r"\.modules_to_save\.[^.]+\.", ".", rest)
                target = re.sub(r"\.original_module\.", ".", target)
                self.replacements[target] = name
        if not self.pairs and not self.replacements:
            raise UserError("the adapter holds no LoRA weights")
        self._check_against(base)

    def _check_against(self, base: TensorStore) -> None:
        for target, pair in self.pairs.items():
            a, b = self.store.ref(pair.a), self.store.ref(pair.b)
            if target not in base:
                raise UserError(
                    f"the adapter changes {target}, which the checkpoint does not have: "
                    "the adapter was trained for another base model"
                )
            w = base.ref(target).shape
            update = (a.shape[1], b.shape[0]) if pair.embedding else (b.shape[0], a.shape[1])
            if len(a.shape) != 2 or len(b.shape) != 2 or a.shape[0] != b.shape[1] or update != tuple(w):
                raise UserError(
                    f"the adapter's {target} update is {update[0]}x{update[1]} but the weight is "
                    f"{'x'.join(map(str, w))}: the adapter was trained for another base model"
                )
        for target, name in self.replacements.items():
            if target not in base or tuple(base.ref(target).shape) != tuple(self.store.ref(name).shape):
                raise UserError(
                    f"the adapter replaces {target}, which does not match the checkpoint: "
                    "the adapter was trained for another base model"
                )

    def touches(self, source: str) -> bool:
        return source in self.pairs or source in self.replacements

    def read(self, source: str, rows: np.ndarray, base: TensorStore) -> np.ndarray:
        """Rows `rows` of checkpoint tensor `source` with the adapter merged in."""
        if source in self.replacements:
            return self.store.take_rows(self.replacements[source], rows)
        block = base.take_rows(source, rows)
        pair = self.pairs.get(source)
        if pair is None:
            return block
        if pair.embedding:  # delta rows = (B @ A[:, rows]).T
            a_cols = self.store.rows(pair.a).astype(np.float64)[:, rows]
            b = self.store.rows(pair.b).astype(np.float64)
            return (block + pair.scale * (b @ a_cols).T).astype(np.float32)
        a = self.store.rows(pair.a).astype(np.float64)
        b = self.store.take_rows(pair.b, rows).astype(np.float64)
        return (block + pair.scale * (b @ a)).astype(np.float32)

    def close(self) -> None:
        self.store.close()
