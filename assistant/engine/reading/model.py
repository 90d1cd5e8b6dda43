"""The fitted reading models at run time: multinomial logistic regressions, read with numpy alone.

`make model` fits them on the corpus's train split (scikit-learn, `train.py`) and writes each as a
small `.npz` beside this module: feature names, classes, weights, bias and a temperature fitted on
the dev split so that the probabilities are calibrated. Nothing is downloaded or unpickled.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.engine.reading.features import Features

MODEL_DIR = Path(__file__).parent / "model"
HEADS = ("role", "subject", "period", "is_ask", "act", "wants")


@dataclass(frozen=True)
class LinearModel:
    """One head: p(class | features) = softmax((features · weights + bias) / temperature)."""

    classes: tuple[str, ...]
    index: dict[str, int]
    weights: np.ndarray
    bias: np.ndarray
    temperature: float = 1.0

    def scores(self, features: Features) -> np.ndarray:
        z = self.bias.astype(np.float64).copy()
        for name, value in features.items():
            row = self.index.get(name)
            if row is not None:
                z += value * self.weights[row]
        return z

    def proba(self, features: Features) -> np.ndarray:
        z = self.scores(features) / self.temperature
        z -= z.max()
        e = np.exp(z)
        return e / e.sum()

    def predict(self, features: Features) -> tuple[str, float]:
        """The most likely class and its probability."""
        p = self.proba(features)
        best = int(np.argmax(p))
        return self.classes[best], float(p[best])

    def save(self, path: Path) -> None:
        names = sorted(self.index, key=self.index.__getitem__)
        np.savez_compressed(path, features=np.array(names), classes=np.array(self.classes),
                            weights=self.weights.astype(np.float16), bias=self.bias.astype(np.float32),
                            temperature=np.array(self.temperature))  # fmt: skip

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        with np.load(path, allow_pickle=False) as data:
            names = [str(n) for n in data["features"]]
            return cls(tuple(str(c) for c in data["classes"]), {n: i for i, n in enumerate(names)},
                       data["weights"].astype(np.float32), data["bias"], float(data["temperature"]))  # fmt: skip


@functools.cache
def head(name: str) -> LinearModel:
    """A fitted head, loaded once per process."""
    return LinearModel.load(MODEL_DIR / f"{name}.npz")
