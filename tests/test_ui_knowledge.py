"""The knowledge tab's search, labels and paging, and the calculators' native charts."""

from __future__ import annotations

import gradio as gr

from assistant.kb.retrieve import Retriever
from assistant.tools.calculators import Defaults, run_calculator
from assistant.ui.charts import charts, split_by_range
from assistant.ui.i18n import Labels
from assistant.ui.kb_labels import MARKETS, TOPICS
from assistant.ui.knowledge_tab import PAGE_SIZE, KnowledgeTab


def _tab(retriever: Retriever) -> KnowledgeTab:
    with gr.Blocks():
        lang = gr.Radio(["zh", "en"], value="zh")
        return KnowledgeTab(retriever, Labels(), lang)


def test_search_keeps_only_relevant_entries_best_first(retriever: Retriever) -> None:
    tab = _tab(retriever)
    found = tab.entries("限流", [], [], [])
    assert 0 < len(found) <= PAGE_SIZE < len(retriever.kb) // 3
    assert "throttling" in found[0].topics
    assert tab.entries("面包怎么烤", [], [], []) == [] and tab.entries("how to bake bread", [], [], []) == []


def test_every_topic_and_market_reads_in_both_languages(retriever: Retriever) -> None:
    assert {t for e in retriever.kb for t in e.topics} <= set(TOPICS)
    assert {m for e in retriever.kb for m in e.markets} <= set(MARKETS)
    assert all(zh and en for zh, en in [*TOPICS.values(), *MARKETS.values()])


def test_the_list_is_paged_and_tags_are_localised(retriever: Retriever) -> None:
    tab = _tab(retriever)
    total = len(retriever.kb)
    cards, position, page = tab.browse("", [], [], [], "zh")
    assert cards.count('class="tk-entry"') == PAGE_SIZE and page == 0
    assert f"共 {total} 条" in cards and "第 1 / " in position
    last = (total - 1) // PAGE_SIZE
    cards, position, page = tab.browse("", [], [], [], "en", page=99)
    assert page == last and cards.count('class="tk-entry"') == total - last * PAGE_SIZE
    zh_cards, _, _ = tab.browse("", ["throttling"], [], [], "zh")
    assert ">限流<" in zh_cards and ">throttling<" not in zh_cards and 'class="tk-id"' not in zh_cards


def test_lines_ten_times_apart_get_their_own_chart(retriever: Retriever) -> None:
    assert split_by_range([12, 10, 16, 100]) == [[10, 12, 16], [100]]
    assert split_by_range([10, 16]) == [[10, 16]]
    defaults = Defaults.from_entries(list(retriever.kb))
    args = {"views": "20万", "gpm": "12", "gpm_basis": "impressions"}  # the article's basis: its GPMs join
    result = run_calculator("gmv_from_views", args, defaults)
    low, high = charts("gmv_from_views", args, result, defaults, "en")
    assert len(charts("gmv_from_views", {**args, "gpm_basis": "views"}, result.model_copy(
        update={"inputs": {**result.inputs, "gpm_basis": "views"}}), defaults, "en")) == 1  # other basis: the seller's line only
    assert low.kind == high.kind == "line" and high.data["Line"].nunique() == 1
    at_views = low.data[(low.data["Views"] == 200_000 * 1.0) & low.data["Line"].str.contains("this calculation")]
    assert at_views.empty or float(at_views["GMV"].iloc[0]) == result.figures["gmv"]
    assert low.data["GMV"].max() * 3 < high.data["GMV"].max()


def test_risk_chart_marks_the_break_even_and_bars_keep_their_order(retriever: Retriever) -> None:
    defaults = Defaults.from_entries(list(retriever.kb))
    args = {"probability": "20%"}
    result = run_calculator("risk_adjusted_return", args, defaults)
    (curve,) = charts("risk_adjusted_return", args, result, defaults, "zh")
    assert curve.data["曲线"].str.startswith("盈亏平衡").sum() == 2 and curve.x_format == ".0%"
    compared = run_calculator("compare_content_options", {}, defaults)
    (bars,) = charts("compare_content_options", {}, compared, defaults, "zh")
    assert bars.kind == "bar" and bars.order == ["AI视频", "达人视频", "自制原创"][: len(bars.data)]
