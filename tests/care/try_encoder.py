"""Measure a pretrained sentence encoder as the learned layer (English; not a pytest module).

    python tests/care/try_encoder.py MODEL_DIR

MODEL_DIR holds a sentence-transformers model (config.json, tokenizer, model.safetensors),
e.g. all-MiniLM-L6-v2. Needs torch and transformers (the `train` extra). Its mean-pooled,
normalised embeddings feed a multinomial logistic regression fitted on the same English
rows as the shipped weights (train.training_rows + own_rows, cells weighted alike), with the
crisis threshold at 4 % of the validation split's none rows. Printed: crisis recall and
none -> crisis on validation, on the held-out part of the stop-17 chat sets and on the
held-out contrastive groups, for the encoder alone, the shipped assessor, and either.
The unseen sets are not read. README, "Crisis support" -> Evaluation, stop 18.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from soulchat_local.safety import train as tr  # noqa: E402
from soulchat_local.safety.assessor import judge  # noqa: E402

STOP17_CHAT = ("own_chat", "own_chat2", "own_chat3")


def embed(model_dir: str, texts: list[str]) -> np.ndarray:
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(texts), 64):
            batch = tokenizer(
                texts[i : i + 64], padding=True, truncation=True, max_length=256, return_tensors="pt"
            )
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            mean = (hidden * mask).sum(1) / mask.sum(1)
            out.append(torch.nn.functional.normalize(mean, dim=1).numpy())
    return np.concatenate(out)


def fit(x: np.ndarray, labels: list[str], weights: np.ndarray, l2: float = 1e-4) -> np.ndarray:
    """Weights (dim + 1, 3) by full-batch Adam, like train.fit."""
    x = np.hstack([x, np.ones((len(x), 1))])
    y = np.eye(3)[[tr.LABEL_INDEX[label] for label in labels]]
    w = np.zeros((x.shape[1], 3))
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t in range(1, 801):
        g = x.T @ ((tr.softmax(x @ w) - y) * weights[:, None]) + l2 * w
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= 0.05 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def p_crisis(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return tr.softmax(np.hstack([x, np.ones((len(x), 1))]) @ w)[:, 2]


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: try_encoder.py MODEL_DIR", file=sys.stderr)
        return 2
    english = lambda rows: [r for r in rows if r["lang"] == "en"]  # noqa: E731
    rows = tr.load(tr.DATA)
    train = english(tr.training_rows(rows) + tr.own_rows())
    chat = [r for r in tr.own_chat_rows() if r["split"] == "held_out"]
    sets = {
        "validation": english([r for r in rows if r["split"] == "validation"]),
        "own_chat held-out": english([r for r in chat if r["set"] in STOP17_CHAT]),
        "contrastive held-out": english([r for r in chat if r["set"] == "own_chat5"]),
    }
    weights = tr.sample_weights(train) / len(train)
    w = fit(embed(argv[0], [r["text"] for r in train]), [r["label"] for r in train], weights)
    p = {name: p_crisis(w, embed(argv[0], [r["text"] for r in rs])) for name, rs in sets.items()}
    labels = {name: np.array([r["label"] for r in rs]) for name, rs in sets.items()}
    threshold = float(np.quantile(p["validation"][labels["validation"] == "none"], 0.96))
    print(f"threshold {threshold:.3f} (4 % of validation none)")
    for name, rs in sets.items():
        lab = labels[name]
        alone = p[name] >= threshold
        ours = np.array([judge(r["text"]).assessment.risk == "crisis" for r in rs])
        for title, hit in (("encoder", alone), ("assessor", ours), ("either", alone | ours)):
            print(
                f"{name:22s} {title:9s} crisis recall {hit[lab == 'crisis'].mean():.3f}"
                f"  none -> crisis {hit[lab == 'none'].mean():.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
