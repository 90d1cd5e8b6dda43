"""Retrieval: Chinese tokenisation, filters, the quality gate on the eval set, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.cli import main
from assistant.config import Settings
from assistant.kb.quality import load_cases, score, top_scores
from assistant.kb.retrieve import RELEVANCE_FLOOR, Retriever, open_retriever, tokenize
from factories import entry_data


def titled(entry_id: str, title_zh: str, title_en: str, **changes: Any) -> dict[str, Any]:
    """An entry whose title and text say what it is about, so retrieval has something to match."""
    return entry_data(
        entry_id,
        title={"zh": title_zh, "en": title_en},
        text={"zh": title_zh + "。", "en": title_en + "."},
        guidance={"zh": "按此调整。", "en": "Adjust accordingly."},
        **changes,
    )


SMALL_KB = [
    titled("gpm-basis", "GPM 是千次曝光成交额", "GPM is GMV per thousand impressions", aliases=["千次成交"]),
    titled("japan-deposit", "日本店铺保证金上调", "Japan shop deposit goes up", markets=["JP"], topics=["cost"], evidence="trade-press"),
    titled("aigc-labels", "AI生成内容必须标注", "AI-generated content must be labelled", markets=["GLOBAL"], topics=["aigc"]),
    titled("whitelist-traffic", "报白号没有自然流量", "Whitelisted accounts lost organic traffic", kind="claim", evidence="insider", aliases=["报白号"]),
]


@pytest.fixture
def small_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    knowledge = tmp_path / "knowledge" / "notes"
    knowledge.mkdir(parents=True)
    for data in SMALL_KB:
        (knowledge / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("TK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TK_KNOWLEDGE_DIR", str(tmp_path / "knowledge"))
    return Settings.from_env()


@pytest.fixture
def small_retriever(small_settings: Settings) -> Retriever:
    return open_retriever(small_settings)


def ids(hits: list) -> list[str]:
    return [h.entry.id for h in hits]


def test_jieba_splits_seller_slang() -> None:
    tokens = tokenize("报白号没有自然流量")
    assert {"自然", "流量"} <= set(tokens)
    assert "报白" in tokens or "报白号" in tokens
    assert "报白号没有自然流量" not in tokens


def test_tokens_keep_metrics_and_numbers() -> None:
    assert {"gpm", "gmv", "max", "10", "16", "6%", "video"} <= set(tokenize("What is the GPM of 10-16 for GMV Max videos with a 6% fee?"))
    assert {"what", "is", "the", "of", "for", "a"}.isdisjoint(tokenize("What is the GPM of it for a video?"))
    assert "的" not in tokenize("AIGC视频的GPM是多少")


def test_filters_by_market_topic_and_evidence(small_retriever: Retriever) -> None:
    query = "GPM 保证金 AI 标注 报白号"
    assert set(ids(small_retriever.search(query, k=10, markets=["JP"]))) == {"japan-deposit", "aigc-labels"}, "GLOBAL matches any market"
    assert ids(small_retriever.search(query, k=10, topics=["cost"])) == ["japan-deposit"]
    assert set(ids(small_retriever.search(query, k=10, evidence=["insider", "trade-press"]))) == {"whitelist-traffic", "japan-deposit"}
    assert ids(small_retriever.search(query, k=10, markets=["US"], topics=["aigc"], evidence=["official"])) == ["aigc-labels"]
    assert small_retriever.search(query, markets=["EU"], topics=["cost"]) == []


@pytest.mark.parametrize("mode", ["hybrid", "vector", "bm25"])
def test_every_mode_ranks_and_scores_in_unit_range(small_retriever: Retriever, mode: str) -> None:
    retriever = Retriever(small_retriever.kb, small_retriever.index, mode=mode)
    hits = retriever.search("报白号的自然流量没了", k=3)
    assert hits and hits[0].entry.id == "whitelist-traffic"
    assert all(0.0 <= h.score <= 1.0 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len(retriever.search("GPM", k=1)) == 1
    assert retriever.search("   ") == []


def test_eval_set_quality_gate(retriever: Retriever) -> None:
    cases = load_cases()
    known = {e.id for e in retriever.kb}
    assert len([c for c in cases if c.expect]) >= 80
    assert all(set(c.expect) <= known for c in cases), "every expected id exists in the knowledge base"
    card = score(retriever, cases)
    assert card.hit3 >= 0.95, card.misses
    assert card.hit1 >= 0.85, card.misses
    assert card.p50_ms < 15, "query latency goal after warm-up"


def test_off_topic_queries_fall_below_the_relevance_floor(retriever: Retriever) -> None:
    cases = load_cases()
    off_topic = [c.query for c in cases if not c.expect]
    assert len(off_topic) >= 5
    assert max(top_scores(retriever, off_topic)) < RELEVANCE_FLOOR
    on_topic = top_scores(retriever, [c.query for c in cases if c.expect])
    assert sum(s >= RELEVANCE_FLOOR for s in on_topic) / len(on_topic) >= 0.95


def test_cli_validate_list_index_search(small_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "validate"]) == 0
    assert "4 entries OK" in capsys.readouterr().out

    assert main(["kb", "list", "--json"]) == 0
    assert {e["id"] for e in json.loads(capsys.readouterr().out)} == {d["id"] for d in SMALL_KB}

    assert main(["index"]) == 0
    assert "4 added, 0 updated, 0 removed, 0 unchanged" in capsys.readouterr().out
    assert main(["index"]) == 0
    assert "0 added, 0 updated, 0 removed, 4 unchanged" in capsys.readouterr().out

    assert main(["search", "日本保证金", "-k", "2", "--json", "--market", "JP"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["id"] == "japan-deposit" and set(rows[0]) == {"id", "score", "title", "evidence"}
    assert len(rows) <= 2

    assert main(["search", "AI label", "--evidence", "official", "--topic", "aigc"]) == 0
    assert "aigc-labels" in capsys.readouterr().out


def test_cli_validate_reports_every_problem(small_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    notes = small_settings.knowledge_dir / "notes"
    (notes / "broken.yaml").write_text("id: broken\nkind: [note\n", encoding="utf-8")
    bad = titled("wrong-name", "x", "y", evidence="rumour")
    (notes / "misnamed.yaml").write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    assert main(["kb", "validate"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith(str(notes / "broken.yaml")) or "broken.yaml:" in line for line in out)
    assert any("misnamed.yaml:" in line and "evidence" in line for line in out)
    assert all(":" in line.split(" ")[0] for line in out)
