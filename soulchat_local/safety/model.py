"""The learned layer at run time: a multinomial logistic regression over hashed n-grams,
read from risk_model.npz (shipped in the package) on first use. numpy is imported here,
lazily, so that importing the package stays cheap."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .features import featurize, language

WEIGHTS = Path(__file__).with_name("risk_model.npz")
LABELS = ("none", "concern", "crisis")


@dataclass(frozen=True)
class Thresholds:
    crisis: float  # P(crisis) at or above: crisis
    concern: float  # P(concern) + P(crisis) at or above: concern
    # Where the rules found no signal at all: P(crisis) needed for crisis (the stricter of
    # this and crisis), and the length (words; Chinese characters) at or under which the
    # classifier alone cannot say crisis. 0 in weights trained before these existed.
    crisis_alone: float = 0.0
    short: int = 0


@dataclass(frozen=True)
class Model:
    weights: object  # numpy array (DIM, 3), float32
    bias: object  # (3,)
    temperature: float
    thresholds: dict[str, Thresholds]  # per language
    meta: dict

    def probabilities(self, text: str) -> tuple[float, float, float]:
        import numpy as np

        indices, values = featurize(text)
        logits = self.bias.copy()
        if indices:
            logits = logits + np.asarray(values, dtype=np.float32) @ self.weights[indices]
        z = logits / self.temperature
        z = np.exp(z - z.max())
        p = z / z.sum()
        return float(p[0]), float(p[1]), float(p[2])

    def thresholds_for(self, text: str) -> Thresholds:
        return self.thresholds[language(text)]


def from_arrays(weights, bias, temperature: float, thresholds: dict, meta: dict) -> Model:  # noqa: ANN001
    return Model(
        weights, bias, float(temperature), {k: Thresholds(**v) for k, v in thresholds.items()}, meta
    )


def save(path: Path, model: Model) -> None:
    import numpy as np

    header = {
        "temperature": model.temperature,
        "thresholds": {k: vars(v) for k, v in model.thresholds.items()},
        "meta": model.meta,
    }
    np.savez_compressed(
        path,
        weights=np.asarray(model.weights, dtype=np.float16),
        bias=np.asarray(model.bias, dtype=np.float32),
        header=np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8),
    )


def read(path: Path) -> Model:
    import numpy as np

    with np.load(path) as data:
        header = json.loads(bytes(data["header"]).decode("utf-8"))
        weights = data["weights"].astype(np.float32)
        bias = data["bias"].astype(np.float32)
    return from_arrays(weights, bias, header["temperature"], header["thresholds"], header["meta"])


@cache
def shipped() -> Model | None:
    """The model in the package, or None when the weights file is missing."""
    return read(WEIGHTS) if WEIGHTS.exists() else None
