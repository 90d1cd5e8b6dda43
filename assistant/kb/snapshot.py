"""A read-only copy of the index's vectors for one-shot commands (`tk-advisor search`, `ask`).

Opening Chroma costs a fresh process more than a second of imports, while the retriever only ever
reads every entry's vector once and scores a query with one matrix product (`retrieve.Retriever`).
So each time the retriever loads the vectors from Chroma it also writes them, with their ids, to
`vectors-<key>.npz` in the prepared directory; the key is the embedding space and the knowledge's
version (`documents.knowledge_version`), so a file of other knowledge is never read. Long-lived
processes keep using Chroma; only the offline encoder's space is exported (an OpenAI query needs
its client, which lives with the Chroma embedding functions).
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.kb.documents import embedding_key, knowledge_version
from assistant.kb.encoding import embed_query
from assistant.kb.loader import KnowledgeBase
from assistant.kb.prepared import derived, key_of

log = logging.getLogger(__name__)

NAME = "vectors"


def snapshot_key(settings: Settings, kb: KnowledgeBase) -> str | None:
    """The key of `kb`'s vectors in the settings' embedding space; None when that space is not exported."""
    if settings.embeddings != "offline":
        return None
    return key_of([embedding_key(settings), knowledge_version(kb)])


class VectorSnapshot:
    """The index's unit vectors of one knowledge version, as `Retriever` reads them from `KnowledgeIndex`."""

    def __init__(self, ids: Sequence[str], matrix: np.ndarray) -> None:
        self._rows = {entry_id: row for row, entry_id in enumerate(ids)}
        self._matrix = matrix

    def vectors(self, ids: Sequence[str]) -> np.ndarray:
        """The rows of `ids`, in that order (every id is in the snapshot: it has the knowledge's version)."""
        return self._matrix[[self._rows[i] for i in ids]]

    def embed_query(self, query: str) -> np.ndarray:
        return embed_query(query)


def export_vectors(directory: Path, key: str | None, ids: Sequence[str], vectors: np.ndarray | None) -> None:
    """Write the vectors of `ids` under `key`, unless the space is not exported or some entry has no vector."""
    if key is None or vectors is None or not vectors.shape[1] or not np.all(np.linalg.norm(vectors, axis=1) > 0):
        return
    derived(directory, NAME, key, ".npz", lambda path: _write(path, ids, vectors))


def _write(path: Path, ids: Sequence[str], vectors: np.ndarray) -> None:
    with path.open("wb") as file:
        np.savez(file, ids=np.array(ids, dtype=str), vectors=vectors.astype(np.float32, copy=False))


def read_vectors(directory: Path, key: str | None, ids: Sequence[str]) -> VectorSnapshot | None:
    """The vectors exported under `key` when they cover exactly `ids`; None when there are none. A file
    that cannot be read or does not match is removed (the Chroma path writes it again)."""
    path = directory / f"{NAME}-{key}.npz"
    if key is None or not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            stored_ids, matrix = [str(i) for i in stored["ids"]], stored["vectors"]
        if (sorted(stored_ids) == sorted(ids) and len(set(stored_ids)) == len(ids) and matrix.dtype == np.float32
                and matrix.ndim == 2 and matrix.shape[0] == len(ids) and matrix.shape[1] and np.all(np.isfinite(matrix))):
            return VectorSnapshot(stored_ids, matrix)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        pass
    log.warning("retrieval: %s is not the index's vectors of this knowledge; reading Chroma", path)
    path.unlink(missing_ok=True)
    return None
