"""The reader's fitted models: fitted on the corpus and lexicon as they are, and rebuilt exactly by `make model`."""

from __future__ import annotations

import json

import numpy as np

from assistant.engine.reading.corpus import examples
from assistant.engine.reading.model import MODEL_DIR, HEADS, LinearModel
from assistant.engine.reading.train import C, calibrate, fit, lexicon_rows, number_rows, training_digest

METRICS = json.loads((MODEL_DIR / "metrics.json").read_text(encoding="utf-8"))


def test_the_models_were_fitted_on_the_corpus_and_lexicon_as_they_are() -> None:
    """Change a batch, a split or a lexicon word: run `make model` and commit what it writes."""
    assert METRICS["fitted_on"] == training_digest()
    assert all((MODEL_DIR / f"{head}.npz").exists() for head in HEADS)


def test_the_test_split_report_holds_the_four_figures() -> None:
    test = METRICS["test"]
    for figure in ("number_role_accuracy", "act_accuracy", "whole_reading_accuracy", "confidently_wrong_rate"):
        assert 0.0 <= test[figure] <= 1.0, figure
    assert test["turns"] >= 500 and test["numbers"] >= 500


def test_the_role_model_is_rebuilt_exactly_from_the_corpus() -> None:
    rows = number_rows(examples("train"))["role"]
    extra = lexicon_rows()["role"]
    rows.x += extra.x
    rows.y += extra.y
    dev = number_rows(examples("dev"))["role"]
    rebuilt = calibrate(fit(rows, C["role"]), dev)
    shipped = LinearModel.load(MODEL_DIR / "role.npz")
    assert rebuilt.classes == shipped.classes and rebuilt.index == shipped.index
    assert rebuilt.temperature == shipped.temperature
    assert np.allclose(rebuilt.weights.astype(np.float16), shipped.weights, atol=1e-3)
