"""The Chroma index: syncs by content hash, embeds only what changed, reopens offline."""

from __future__ import annotations

from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.api.types import Documents, Embeddings

from assistant.config import Settings
from assistant.kb.documents import embedding_key
from assistant.kb.embeddings import OpenAIEmbedding, UseMultilingualEmbedding, embedding_function
from assistant.kb.index import COLLECTION_PREFIX, KnowledgeIndex
from assistant.kb.loader import KnowledgeBase
from assistant.kb.schema import Entry
from factories import make_entry


class CountingEmbedding(UseMultilingualEmbedding):
    """The offline embedding, counting the documents it embeds."""

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def __call__(self, input: Documents) -> Embeddings:
        self.embedded.extend(input)
        return super().__call__(input)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(environ={}, data_dir=tmp_path / "data")


@pytest.fixture
def entries() -> list[Entry]:
    return [make_entry("gpm-basis"), make_entry("referral-fee", topics=["cost"]), make_entry("japan-deposit", markets=["JP"])]


def test_second_sync_embeds_nothing(settings: Settings, entries: list[Entry]) -> None:
    counter = CountingEmbedding()
    index = KnowledgeIndex(settings, counter)
    first = index.sync(KnowledgeBase(entries))
    assert (sorted(first.added), first.updated, first.removed, first.unchanged) == (sorted(e.id for e in entries), [], [], 0)
    assert len(counter.embedded) == 3 and first.embedded == 3

    second = index.sync(KnowledgeBase(entries))
    assert str(second) == "0 added, 0 updated, 0 removed, 3 unchanged"
    assert len(counter.embedded) == 3 and not second.changed


def test_edit_reembeds_only_that_entry_and_delete_removes(settings: Settings, entries: list[Entry]) -> None:
    counter = CountingEmbedding()
    index = KnowledgeIndex(settings, counter)
    index.sync(KnowledgeBase(entries))
    counter.embedded.clear()

    edited = [entries[0].model_copy(update={"markets": ["SEA"]}), *entries[1:]]
    report = index.sync(KnowledgeBase(edited))
    assert (report.added, report.updated, report.unchanged) == ([], ["gpm-basis"], 2)
    assert len(counter.embedded) == 1
    assert index.collection.get(where={"market_US": True})["ids"] == ["referral-fee"], "stale market flag kept"

    report = index.sync(KnowledgeBase(edited[1:]))
    assert (report.removed, report.unchanged, report.embedded) == (["gpm-basis"], 2, 0)
    assert index.count() == 2
    assert len(counter.embedded) == 1


def test_persisted_collection_reopens_with_its_registered_function(settings: Settings, entries: list[Entry]) -> None:
    KnowledgeIndex(settings).sync(KnowledgeBase(entries))
    reopened = KnowledgeIndex(settings)
    assert reopened.sync(KnowledgeBase(entries)).unchanged == 3

    client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=reopened.client.get_settings())
    collection = client.get_collection(reopened.name_for(KnowledgeBase(entries)))  # no function passed
    found = collection.query(query_texts=["japan-deposit title"], n_results=1)
    assert found["ids"] == [["japan-deposit"]]


def test_vectors_score_like_chromas_own_cosine_query(settings: Settings, entries: list[Entry]) -> None:
    index = KnowledgeIndex(settings)
    index.sync(KnowledgeBase(entries))
    ids = [e.id for e in entries]
    vectors = index.vectors([*reversed(ids), "not-indexed"])
    assert vectors.shape[0] == len(ids) + 1
    assert np.allclose(np.linalg.norm(vectors[:-1], axis=1), 1.0) and not vectors[-1].any()

    query = index.embed_query("deposit for the Japan store")
    chroma = index.collection.query(query_embeddings=[query], n_results=len(ids), include=["distances"])
    expected = {i: 1.0 - d for i, d in zip(chroma["ids"][0], chroma["distances"][0], strict=True)}
    ours = dict(zip(reversed(ids), (vectors[:-1] @ query).tolist(), strict=True))
    assert ours == pytest.approx(expected, abs=1e-5)


def test_vectors_of_an_empty_index_have_no_columns(settings: Settings) -> None:
    assert KnowledgeIndex(settings).vectors(["a", "b"]).shape == (2, 0)


def test_collection_name_depends_on_embedding_kind(settings: Settings) -> None:
    openai = Settings.from_env(environ={"OPENAI_API_KEY": "sk-test", "TK_EMBEDDINGS": "openai"}, data_dir=settings.data_dir)
    assert embedding_key(settings) == "use-m3"
    assert embedding_key(openai) == "openai-text-embedding-3-small"
    assert 3 <= len(COLLECTION_PREFIX + embedding_key(openai)) <= 512
    function = embedding_function(openai)
    assert isinstance(function, OpenAIEmbedding) and function._client is None, "no client before the first call"
    assert isinstance(embedding_function(settings), UseMultilingualEmbedding)


def test_a_new_embedding_revision_re_embeds_everything(
    settings: Settings, entries: list[Entry], monkeypatch: pytest.MonkeyPatch
) -> None:
    KnowledgeIndex(settings, CountingEmbedding()).sync(KnowledgeBase(entries))
    monkeypatch.setattr("assistant.kb.documents.EMBEDDING_REVISION", 999)
    counter = CountingEmbedding()
    report = KnowledgeIndex(settings, counter).sync(KnowledgeBase(entries))
    assert len(report.updated) == len(entries) and len(counter.embedded) == len(entries)


def test_the_index_serves_a_knowledge_base_only_once_fully_synced(settings: Settings, entries: list[Entry]) -> None:
    index = KnowledgeIndex(settings)
    kb = KnowledgeBase(entries)
    index.sync(KnowledgeBase(entries[:-1]))
    assert not index.serves(kb), "an index of an older knowledge base is not served as this one"
    index.sync(kb)
    assert index.serves(kb)
    index.collection.delete(ids=[entries[0].id])  # another instance mid-sync
    assert not index.serves(kb)
