"""Hybrid retrieval: cosine similarity to the vectors stored in Chroma plus BM25 over jieba tokens at a low weight.

Scores are in 0..1. With the offline embeddings, a top score below `RELEVANCE_FLOOR`
means the knowledge base has nothing on the question (measured on off-topic queries
such as "how to bake bread" / "明天天气怎么样"; see benchmarks/retrieval.py).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN
from pydantic import BaseModel

from assistant.config import Settings
from assistant.kb.jieba_words import jieba, read_whole_dictionary, read_words_from_table, words_table
from assistant.kb.loader import KnowledgeBase
from assistant.kb.prepared import derived, key_of, prepared_dir
from assistant.kb.schema import Entry
from assistant.kb.snapshot import export_vectors, read_vectors, snapshot_key

if TYPE_CHECKING:
    from assistant.kb.index import KnowledgeIndex

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "vector", "bm25"]

BM25_WEIGHT = 0.2
"""Share of the BM25 score in the hybrid score (the vector similarity gets the rest)."""

RELEVANCE_FLOOR = 0.25
"""Below this top score, treat the knowledge base as having nothing relevant."""

_ZH_STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 嘛 么 是 在 和 与 及 或 就 都 也 还 又 把 被 让 给 对 从 到 向 这 那 这个 那个 "
    "这些 那些 我 你 他 她 它 我们 你们 他们 咱们 自己 怎么 怎么样 怎样 怎么办 什么 如何 为什么 为啥 啥 "
    "多少 哪些 哪个 能 能不能 可以 会 会不会 要 要不要 该 应该 有 一个 一下 请问 请 个 些".split()
)
_EN_STOPWORDS = frozenset(STOPWORDS_EN) | frozenset(
    "i me my we our you your he she they them what which who how why when where do does did "
    "can could should would will shall am was were been have has had about any just so than too very".split()
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?%?")

_jieba_lock = threading.Lock()
jieba.setLogLevel(logging.WARNING)
_taught: set[str] = set()
"""The words `add_words` has given jieba in this process."""

_SUFFIXES = ("ations", "ation", "ings", "ing", "ions", "ion", "ies", "ied", "ed", "es", "s", "e")


def _stem(word: str) -> str:
    """A light English stemmer: detecting/detection/detects → detect, labelled/labels → label."""
    if not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeious":
        word = word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """BM25 tokens: jieba search-mode words for Chinese, lowercase words and numbers for the rest.

    Keeps seller terms such as "GPM", "GMV", "10-16" (as "10", "16"), "6%".
    """
    tokens: list[str] = []
    for piece in jieba.lcut_for_search(text):
        piece = piece.strip().lower()
        if not piece:
            continue
        if _CJK.search(piece):
            if piece not in _ZH_STOPWORDS:
                tokens.append(piece)
            continue
        tokens.extend(_stem(w) for w in _WORD.findall(piece) if w not in _EN_STOPWORDS)
    return tokens


def add_words(words: Sequence[str]) -> None:
    """Teach jieba the Chinese aliases (报白号, 投流 ...) so they stay one token. Each word once: jieba
    adds a word's count to its total again every time it is taught, so every retriever opened would
    shift the counts and the same text would be cut differently later in the process."""
    with _jieba_lock:
        for word in (w.strip() for w in words):
            if _CJK.search(word) and " " not in word and word not in _taught:
                jieba.add_word(word)
                _taught.add(word)


def bm25_text(entry: Entry) -> str:
    """What BM25 sees: every bilingual field, the aliases (twice: they are the sellers' words) and topics."""
    fields = (entry.title, entry.text, entry.guidance)
    return "\n".join(
        [*(f.zh for f in fields), *(f.en for f in fields), *entry.aliases, *entry.aliases, " ".join(entry.topics)]
    )


def _tokens_key(kb: KnowledgeBase) -> str:
    """What the knowledge's BM25 tokens depend on: this module's code (the tokenizer, its stop words),
    jieba's and bm25s's versions, and every entry's text (the aliases of all entries are jieba words)."""
    return key_of([Path(__file__).read_bytes(), jieba.__version__, bm25s.__version__, *(bm25_text(e) for e in kb)])


def _prepared_tokens(directory: Path | None, key: str, count: int) -> list[list[str]] | None:
    """The tokens of `count` entries prepared under `key`; None when there are none. A broken file is removed."""
    path = directory / f"bm25-tokens-{key}.json" if directory else None
    if path is None or not path.exists():
        return None
    try:
        tokens = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(tokens, list) and len(tokens) == count and all(isinstance(t, list) for t in tokens):
            return tokens
    except (OSError, ValueError):
        pass
    log.warning("retrieval: %s is not the knowledge's tokens; cutting the knowledge again", path)
    path.unlink(missing_ok=True)
    return None


def _corpus_tokens(kb: KnowledgeBase, directory: Path | None) -> list[list[str]]:
    """Each entry's BM25 tokens, read from the prepared file (jieba then cuts only queries: it reads its
    dictionary table word by word), else cut with jieba's whole dictionary and written for the next start."""
    key = _tokens_key(kb) if directory else ""
    tokens = _prepared_tokens(directory, key, len(kb))
    if tokens is None:
        read_whole_dictionary()
    else:
        read_words_from_table()
    add_words([alias for entry in kb for alias in entry.aliases])
    if tokens is None:
        tokens = [tokenize(bm25_text(entry)) or [""] for entry in kb]
        text = json.dumps(tokens, ensure_ascii=False)
        derived(directory, "bm25-tokens", key, ".json", lambda path: path.write_text(text, encoding="utf-8"))
        words_table()
    return tokens


def entry_matches(
    entry: Entry,
    markets: Sequence[str] | None = None,
    topics: Sequence[str] | None = None,
    evidence: Sequence[str] | None = None,
) -> bool:
    """The filters: any chosen market (a GLOBAL entry matches every market), any chosen topic, any chosen level."""
    return (
        (not markets or bool({*markets, "GLOBAL"} & set(entry.markets)))
        and (not topics or bool(set(topics) & set(entry.topics)))
        and (not evidence or entry.evidence in evidence)
    )


class Hit(BaseModel):
    entry: Entry
    score: float
    """0..1, higher is better."""
    conflict_with: str | None = None
    """Set when the entry is here as the other side of a conflict with that hit."""


class Vectors(Protocol):
    """Where the retriever reads the entries' vectors and embeds a query: the Chroma index
    (`KnowledgeIndex`) or its exported copy (`snapshot.VectorSnapshot`)."""

    def vectors(self, ids: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, query: str) -> np.ndarray: ...


class Retriever:
    """Ranks knowledge entries for a query; `mode` selects hybrid or one of the two baselines."""

    def __init__(
        self,
        kb: KnowledgeBase,
        index: Vectors,
        *,
        mode: Mode = "hybrid",
        bm25_weight: float = BM25_WEIGHT,
        prepared: Path | None = None,
    ) -> None:
        """`prepared`: where the BM25 tokens of the knowledge are kept between starts (none: cut each time)."""
        self.kb = kb
        self.index = index
        self.mode: Mode = mode
        self.bm25_weight = bm25_weight
        self._ids = kb.ids
        self.vectors = index.vectors(self._ids) if mode != "bm25" else None
        """One unit row per entry, in `_ids` order, loaded once from the index."""
        self._bm25 = bm25s.BM25()
        tokens = _corpus_tokens(kb, prepared)
        if self._ids:
            self._bm25.index(tokens, show_progress=False)

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        markets: Sequence[str] | None = None,
        topics: Sequence[str] | None = None,
        evidence: Sequence[str] | None = None,
    ) -> list[Hit]:
        """The `k` best entries passing the filters, best first (a GLOBAL entry matches any market)."""
        if not query.strip() or k <= 0 or not self._ids:
            return []
        allowed = self._allowed(markets, topics, evidence)
        scores = np.zeros(len(self._ids), dtype=np.float64)
        if self.vectors is not None and self.vectors.shape[1]:
            scores = np.maximum(self.vectors @ self.index.embed_query(query), 0.0).astype(np.float64)
        if self.mode != "vector":
            lexical = self._bm25_scores(query)
            scores = lexical if self.mode == "bm25" else (1 - self.bm25_weight) * scores + self.bm25_weight * lexical
        scores = np.where(allowed, scores, -1.0)
        order = np.argsort(-scores, kind="stable")[:k]
        return [Hit(entry=self.kb[self._ids[i]], score=float(min(scores[i], 1.0))) for i in order if scores[i] > 0]

    def relevant(
        self,
        query: str,
        k: int = 5,
        *,
        markets: Sequence[str] | None = None,
        topics: Sequence[str] | None = None,
        evidence: Sequence[str] | None = None,
    ) -> list[Hit]:
        """What an answer may use: hits above the relevance floor, then the other side of any conflict.

        An entry that contradicts a hit comes along with the hit's score, so both sides reach the answer.
        """
        hits = [h for h in self.search(query, k, markets=markets, topics=topics, evidence=evidence)
                if h.score >= RELEVANCE_FLOOR]  # fmt: skip
        seen = {h.entry.id for h in hits}
        sides = []
        for hit in hits:
            for other in sorted(self.kb.conflicts(hit.entry.id) - seen):
                seen.add(other)
                sides.append(Hit(entry=self.kb[other], score=hit.score, conflict_with=hit.entry.id))
        return hits + sides

    def _bm25_scores(self, query: str) -> np.ndarray:
        """BM25 in 0..1: scaled by the best document, times the share of query tokens the corpus knows.

        The coverage factor keeps an off-topic query that shares one stray word with the
        knowledge base ("推荐几部好看的电影") from getting a full lexical score.
        """
        tokens = tokenize(query)
        token_ids = self._bm25.get_tokens_ids(tokens)
        if not token_ids:
            return np.zeros(len(self._ids))
        raw = np.asarray(self._bm25.get_scores_from_ids(token_ids), dtype=np.float64)
        top = raw.max()
        return raw / top * (len(token_ids) / len(tokens)) if top > 0 else raw

    def _allowed(
        self,
        markets: Sequence[str] | None,
        topics: Sequence[str] | None,
        evidence: Sequence[str] | None,
    ) -> np.ndarray:
        return np.array([entry_matches(self.kb[i], markets, topics, evidence) for i in self._ids], dtype=bool)


def _wait_until_served(index: KnowledgeIndex, kb: KnowledgeBase, seconds: float = 60.0) -> None:
    """On a shared Chroma server another instance may be mid-sync: read the vectors only once the
    index carries this knowledge's version."""
    deadline = time.monotonic() + seconds
    while not index.serves(kb):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the Chroma index at {index.server_url} does not hold this knowledge base; run `tk-advisor index`")
        time.sleep(0.2)


def open_retriever(settings: Settings, *, sync: bool = True, mode: Mode = "hybrid", exported: bool = False) -> Retriever:
    """Load the knowledge base, sync the index (unless `sync=False`) and warm up the models.

    `exported` (a one-shot command): read the vectors `tk-advisor index` exported for this knowledge
    instead of opening Chroma, when they are there and whole (`snapshot`); else Chroma, as always."""
    kb = KnowledgeBase.from_dir(settings.knowledge_dir)
    prepared = prepared_dir(settings.data_dir)
    snapshot = read_vectors(prepared, snapshot_key(settings, kb), kb.ids) if exported and mode != "bm25" else None
    if snapshot is not None:
        return Retriever(kb, snapshot, mode=mode, prepared=prepared)
    from assistant.kb.index import KnowledgeIndex

    index = KnowledgeIndex(settings)
    if sync:
        index.sync(kb)
    else:
        index.use(kb)
    if settings.chroma_url:
        _wait_until_served(index, kb)
    return chroma_retriever(settings, kb, index, mode)


def chroma_retriever(settings: Settings, kb: KnowledgeBase, index: KnowledgeIndex, mode: Mode = "hybrid") -> Retriever:
    """The retriever over the Chroma index, warmed, with its vectors exported for one-shot commands."""
    prepared = prepared_dir(settings.data_dir)
    retriever = Retriever(kb, index, mode=mode, prepared=prepared)
    export_vectors(prepared, snapshot_key(settings, kb), kb.ids, retriever.vectors)
    return warmed(retriever)


def warmed(retriever: Retriever) -> Retriever:
    """`retriever` after one search: the encoder is loaded, and every file a later start reads is prepared."""
    retriever.search("GPM 报白号 warm-up", k=1)
    return retriever
