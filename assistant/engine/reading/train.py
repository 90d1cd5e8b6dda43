"""Fit the reading models on the corpus's train split, calibrate on dev, report on test.

    make model                    # = python -m assistant.engine.reading.train
Writes `model/<head>.npz` and `model/metrics.json`. Deterministic: the same corpus gives the same
files. Needs scikit-learn (the `train` extra); the engine itself reads the models with numpy alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.engine.reading.corpus import CORPUS_DIR, Example, examples
from assistant.engine.reading.features import Context, Features, embed, number_features, text_features
from assistant.engine.reading.model import MODEL_DIR, LinearModel
from assistant.engine.reading.figures import mentions as _mentions

MIN_COUNT = 2
"""A feature seen fewer times than this in the train split is dropped (keeps the models small)."""
C = {"role": 2.0, "subject": 1.0, "period": 1.0, "is_ask": 1.0, "act": 4.0, "wants": 4.0}


@dataclass
class Rows:
    """Feature dicts and labels for one head."""

    x: list[Features]
    y: list[str]


def locate(text: str, pieces: list[str]) -> list[tuple[int, int] | None]:
    """Spans of labelled substrings, found in order (None where a text is not found)."""
    spans: list[tuple[int, int] | None] = []
    position = 0
    for piece in pieces:
        found = text.find(piece, position) if piece else -1
        if found < 0:
            found = text.find(piece) if piece else -1
        spans.append((found, found + len(piece)) if found >= 0 else None)
        if found >= 0:
            position = found + len(piece)
    return spans


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def number_rows(items: list[Example]) -> dict[str, Rows]:
    """Role, subject and period rows: each number the reader finds, labelled by the number it overlaps."""
    rows = {h: Rows([], []) for h in ("role", "subject", "period")}
    for ex in items:
        ctx = Context(ex.text)
        labels = ex.reading.get("numbers", [])
        spans = locate(ex.text, [n.get("text", "") for n in labels])
        mentions = _mentions(ex.text)
        for i, mention in enumerate(mentions):
            if mention.kind in ("year", "date"):
                continue
            label = next((n for n, s in zip(labels, spans, strict=True) if s and _overlaps(s, mention.span)), None)
            if label is None:
                continue
            f = number_features(ctx, mention, i, len(mentions), mentions[i - 1] if i else None)
            rows["role"].x.append(f)
            rows["role"].y.append(label["role"])
            rows["subject"].x.append(f)
            rows["subject"].y.append(label.get("subject") or "none")
            rows["period"].x.append(f)
            rows["period"].y.append(label.get("period") or "none")
    return rows


LEXICON_WEIGHT = 3
"""Each lexicon example counts as this many corpus rows: a new phrasing is a word and an example."""


def lexicon_rows() -> dict[str, Rows]:
    """Rows from the examples beside the lexicon's words (roles.yaml, subjects.yaml): the number named
    by `number` in `text`, labelled with its `role` (and `subject`)."""
    from assistant.engine.lexicon import load

    rows = {h: Rows([], []) for h in ("role", "subject", "period")}
    examples = [(e, {"role": e["role"]}) for v in load("roles").values() for e in v.get("examples", [])]
    examples += [(e, {"subject": e["subject"]}) for v in load("subjects").values() for e in v.get("examples", [])]
    for example, label in examples:
        text = example["text"]
        ctx = Context(text)
        mentions = _mentions(text)
        found = [i for i, m in enumerate(mentions) if m.raw == example["number"] or example["number"] in m.raw]
        if not found:
            continue
        i = found[0]
        f = number_features(ctx, mentions[i], i, len(mentions), mentions[i - 1] if i else None)
        for head, value in label.items():
            rows[head].x += [f] * LEXICON_WEIGHT
            rows[head].y += [value] * LEXICON_WEIGHT
    return rows


def ask_rows(items: list[Example]) -> dict[str, Rows]:
    """is-ask rows per piece; act and wants rows per labelled question (its piece, the words before it)."""
    rows = {h: Rows([], []) for h in ("is_ask", "act", "wants")}
    for ex in items:
        ctx = Context(ex.text)
        asks = ex.reading.get("asks", [])
        spans = locate(ex.text, [a.get("text", "") for a in asks])
        pieces = ctx.breaks.pieces()
        for piece in pieces:
            hit = any(s and _overlaps(s, (piece.start, piece.end)) for s in spans)
            rows["is_ask"].x.append(text_features(piece.text, ex.text, ex.earlier[-1] if ex.earlier else ""))
            rows["is_ask"].y.append("ask" if hit else "statement")
        start = 0
        units = []
        for ask, span in zip(asks, spans, strict=True):
            piece = next((p for p in pieces if span and p.start < span[1] <= p.end), None)
            if piece is not None:
                units.append((ask, start, piece.end))
                start = piece.end
        for (ask, begin, end), vector in zip(units, embed([ex.text[b:e] for _, b, e in units]), strict=True):
            features = text_features(ex.text[begin:end], ex.text[:begin], ex.earlier[-1] if ex.earlier else "", vector)
            rows["act"].x.append(features)
            rows["act"].y.append(ask["act"])
            rows["wants"].x.append(features)
            rows["wants"].y.append(ask.get("wants", "none"))
    return rows


def _vocabulary(x: list[Features]) -> dict[str, int]:
    counts = Counter(name for f in x for name in f)
    names = sorted(name for name, c in counts.items() if c >= MIN_COUNT or name == "bias")
    return {name: i for i, name in enumerate(names)}


def _matrix(x: list[Features], index: dict[str, int]) -> object:
    from scipy.sparse import csr_matrix

    data, rows, cols = [], [], []
    for r, f in enumerate(x):
        for name, value in f.items():
            if name in index:
                data.append(value)
                rows.append(r)
                cols.append(index[name])
    return csr_matrix((data, (rows, cols)), shape=(len(x), len(index)), dtype=np.float64)


def fit(rows: Rows, c: float) -> LinearModel:
    """A multinomial logistic regression over the rows' features."""
    from sklearn.linear_model import LogisticRegression

    index = _vocabulary(rows.x)
    classes = sorted(set(rows.y))
    if len(classes) == 1:
        return LinearModel(tuple(classes), index, np.zeros((len(index), 1), np.float32), np.zeros(1, np.float32))
    model = LogisticRegression(C=c, max_iter=3000, fit_intercept=False)
    model.fit(_matrix(rows.x, index), rows.y)
    weights = model.coef_.T if len(classes) > 2 else np.hstack([-model.coef_.T / 2, model.coef_.T / 2])
    return LinearModel(tuple(str(k) for k in model.classes_), index, weights.astype(np.float32),
                       np.zeros(len(classes), np.float32))  # fmt: skip


def calibrate(model: LinearModel, rows: Rows) -> LinearModel:
    """The temperature that minimises the dev split's negative log-likelihood."""
    if not rows.x or len(model.classes) < 2:
        return model
    scores = np.array([model.scores(f) for f in rows.x])
    truth = np.array([model.classes.index(y) if y in model.classes else -1 for y in rows.y])
    known = truth >= 0
    best_t, best_nll = 1.0, math.inf
    for t in np.arange(0.4, 4.01, 0.05):
        z = scores[known] / t
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = -logp[np.arange(known.sum()), truth[known]].mean()
        if nll < best_nll:
            best_t, best_nll = float(t), float(nll)
    return LinearModel(model.classes, model.index, model.weights, model.bias, round(best_t, 2))


def lexicon_act_rows() -> Rows:
    """Rows from the labelled questions of acts.yaml, each one question."""
    from assistant.engine.lexicon import load

    examples = load("acts").get("examples", [])
    vectors = embed([e["text"] for e in examples])
    rows = Rows([], [])
    for example, vector in zip(examples, vectors, strict=True):
        rows.x += [text_features(example["text"], "", "", vector)] * LEXICON_WEIGHT
        rows.y += [example["act"]] * LEXICON_WEIGHT
    return rows


def _heads(items: list[Example], lexicon: bool = False) -> Iterator[tuple[str, Rows]]:
    extra = lexicon_rows() if lexicon else {}
    if lexicon:
        extra["act"] = lexicon_act_rows()
    for name, rows in [*number_rows(items).items(), *ask_rows(items).items()]:
        more = extra.get(name)
        yield name, Rows(rows.x + more.x, rows.y + more.y) if more else rows


def training_digest(corpus_dir: Path = CORPUS_DIR) -> str:
    """A hash of what the models are fitted from (the corpus's batches and splits, and the lexicon whose
    words are their features): the models record it, and a test fails when it no longer matches."""
    from assistant.engine.lexicon import HERE as LEXICON_DIR

    digest = hashlib.sha256()
    files = [*(corpus_dir / "batches").glob("*.jsonl"), corpus_dir / "splits.yaml", *LEXICON_DIR.glob("*.yaml")]
    for path in sorted(files, key=lambda p: (p.parent.name, p.name)):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def train(out: Path = MODEL_DIR) -> dict[str, object]:
    """Fit every head on train, calibrate on dev, save, and return the test metrics."""
    from assistant.engine.reading.metrics import evaluate

    train_items, dev_items = examples("train"), examples("dev")
    dev_rows = dict(_heads(dev_items))
    out.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, rows in _heads(train_items, lexicon=True):
        model = calibrate(fit(rows, C[name]), dev_rows[name])
        model.save(out / f"{name}.npz")
        sizes[name] = {"rows": len(rows.y), "features": len(model.index), "classes": len(model.classes),
                       "temperature": model.temperature}  # fmt: skip
    from assistant.engine.reading import model as runtime

    runtime.head.cache_clear()
    report = {"fitted_on": training_digest(), "heads": sizes, "train_turns": len(train_items), "dev_turns": len(dev_items),
              "dev": evaluate(dev_items), "test": evaluate(examples("test"))}  # fmt: skip
    (out / "metrics.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    report = train(parser.parse_args().out)
    print(json.dumps({k: report[k] for k in ("fitted_on", "heads", "dev", "test")}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
