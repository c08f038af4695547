"""The learned layer: the shipped weights, numpy inference, deterministic training."""

from __future__ import annotations

import numpy as np

from soulchat_local.safety import model as model_mod
from soulchat_local.safety import train
from soulchat_local.safety.features import DIM, featurize, language


def test_shipped_weights_are_small_and_load() -> None:
    assert model_mod.WEIGHTS.stat().st_size <= 5 * 1024 * 1024
    model = model_mod.shipped()
    assert model is not None
    assert model.weights.shape == (DIM, 3)
    assert set(model.thresholds) == {"zh", "en"}
    assert "rjarman/googletranslate" in dict(model.meta["sources"])
    for banned in ("CLUEbenchmark/CLUEmotionAnalysis2020", "SteveKGYang/MentalLLaMA"):
        assert banned not in dict(model.meta["sources"]), "not licensed for shipped weights"


def test_inference_matches_the_training_code() -> None:
    model = model_mod.shipped()
    texts = ["I want to die", "今天天气真好", "我最近总是睡不着，很焦虑", ""]
    expected = train.probabilities(model.weights, model.bias, texts, model.temperature)
    for text, row in zip(texts, expected, strict=True):
        assert np.allclose(model.probabilities(text), row, atol=1e-5)
        assert abs(sum(model.probabilities(text)) - 1) < 1e-6


def test_features_are_per_language_and_normalised() -> None:
    assert language("我想你") == "zh" and language("hello there") == "en"
    idx, val = featurize("hello hello world")
    assert len(idx) == len(set(idx)) and abs(sum(v * v for v in val) - 1) < 1e-9
    # a death idiom is masked: it shares no feature with a wish to die
    assert not set(featurize("累死了")[0]) & set(featurize("死")[0])


def test_training_is_deterministic(tmp_path) -> None:
    rows = train.own_rows()[:80]
    w1, b1 = train.fit(rows, steps=5)
    w2, b2 = train.fit(rows, steps=5)
    assert np.array_equal(w1, w2) and np.array_equal(b1, b2)
    m = model_mod.from_arrays(
        w1,
        b1,
        1.0,
        {"zh": {"crisis": 0.5, "concern": 0.5}, "en": {"crisis": 0.5, "concern": 0.5}},
        {"rows": 80},
    )
    model_mod.save(tmp_path / "m.npz", m)
    back = model_mod.read(tmp_path / "m.npz")
    assert back.meta == {"rows": 80} and back.thresholds["en"].crisis == 0.5
    assert np.allclose(back.weights, w1, atol=1e-2)  # stored as float16
