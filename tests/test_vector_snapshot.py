"""The index's vectors exported for one-shot commands (`kb/snapshot.py`): a search over them ranks
exactly as one over Chroma, and a stale or broken export is never read (Chroma answers, and writes
it again)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from assistant.config import Settings
from assistant.evaluation.cases import case_files, load_cases
from assistant.kb.index import KnowledgeIndex
from assistant.kb.loader import KnowledgeBase
from assistant.kb.prepared import prepared_dir
from assistant.kb.retrieve import Retriever, open_retriever
from assistant.kb.snapshot import VectorSnapshot, read_vectors, snapshot_key

ROOT = Path(__file__).resolve().parent.parent


def queries() -> list[str]:
    """Every question the evals hold: the retrieval set's queries and each message of every answer case."""
    retrieval = [item["query"] for item in yaml.safe_load((ROOT / "evals" / "retrieval.yaml").read_text(encoding="utf-8"))]
    cases = [m for case in load_cases(case_files([ROOT / "evals" / "cases"])) for m in case.messages]
    return list(dict.fromkeys(retrieval + cases))


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings.from_env(environ={}, data_dir=tmp_path_factory.mktemp("snapshot-data"))


@pytest.fixture(scope="module")
def chroma(settings: Settings) -> Retriever:
    """The retriever over Chroma; opening it exports the vectors."""
    retriever = open_retriever(settings)
    assert isinstance(retriever.index, KnowledgeIndex)
    return retriever


def vectors_file(settings: Settings, kb: KnowledgeBase) -> Path:
    return prepared_dir(settings.data_dir) / f"vectors-{snapshot_key(settings, kb)}.npz"


def test_the_exported_vectors_rank_every_eval_question_as_chroma_does(settings: Settings, chroma: Retriever) -> None:
    exported = open_retriever(settings, exported=True)
    assert isinstance(exported.index, VectorSnapshot)
    asked = queries()
    assert len(asked) > 300
    for query in asked:
        expected = [(h.entry.id, h.score) for h in chroma.search(query, k=10)]
        assert [(h.entry.id, h.score) for h in exported.search(query, k=10)] == expected, query
    for markets in (["US"], ["UK", "MX"]):
        query = asked[0]
        assert ([h.entry.id for h in exported.relevant(query, 6, markets=markets)]
                == [h.entry.id for h in chroma.relevant(query, 6, markets=markets)])


def test_vectors_of_other_knowledge_are_not_read(settings: Settings, chroma: Retriever) -> None:
    kb = chroma.kb
    first = next(iter(kb))
    edited = KnowledgeBase([first.model_copy(update={"aliases": [*first.aliases, "新的叫法"]}), *list(kb)[1:]])
    assert snapshot_key(settings, edited) != snapshot_key(settings, kb)
    assert read_vectors(prepared_dir(settings.data_dir), snapshot_key(settings, edited), edited.ids) is None
    assert vectors_file(settings, kb).exists()

    fewer = kb.ids[1:]  # a file under the right name whose rows are not the knowledge's: removed
    assert read_vectors(prepared_dir(settings.data_dir), snapshot_key(settings, kb), fewer) is None
    assert not vectors_file(settings, kb).exists()
    assert isinstance(open_retriever(settings, exported=True).index, KnowledgeIndex)  # Chroma answers, and exports again
    assert isinstance(open_retriever(settings, exported=True).index, VectorSnapshot)


@pytest.mark.parametrize("content", [b"not a zip", b""])
def test_a_broken_file_falls_back_to_chroma_and_is_written_again(settings: Settings, chroma: Retriever, content: bytes) -> None:
    path = vectors_file(settings, chroma.kb)
    path.write_bytes(content)
    fallback = open_retriever(settings, exported=True)
    assert isinstance(fallback.index, KnowledgeIndex)
    written = read_vectors(prepared_dir(settings.data_dir), snapshot_key(settings, chroma.kb), chroma.kb.ids)
    assert written is not None and np.array_equal(written.vectors(chroma.kb.ids), chroma.vectors)
    query = "AI生成的视频要怎么标注？"
    assert [(h.entry.id, h.score) for h in open_retriever(settings, exported=True).search(query)] == [
        (h.entry.id, h.score) for h in chroma.search(query)]


def test_openai_embeddings_are_not_exported(settings: Settings, chroma: Retriever) -> None:
    assert snapshot_key(settings.model_copy(update={"embeddings": "openai"}), chroma.kb) is None
