"""The agent's tools: invoked with dict args and as tool calls, results and error payloads."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from langchain_core.messages import ToolMessage
from langchain_core.utils.function_calling import convert_to_openai_tool

from assistant.config import PACKAGE_ROOT
from assistant.kb.loader import load_entries
from assistant.kb.schema import Entry
from assistant.tools.calculators import CALCULATORS, Defaults
from assistant.tools.calculate import CALCULATE_TOOL
from assistant.tools.registry import (
    CALCULATOR_TOOL,
    MODEL_TOOLS,
    POLICY_TOOL,
    SEARCH_TOOL,
    TOOL_GUIDES,
    build_tools,
    policy_tool,
    search_tool,
    shown_call,
    tool_specs,
)

ENTRIES = load_entries(PACKAGE_ROOT / "knowledge").entries


@dataclass
class Hit:
    entry: Entry
    score: float


class FakeRetriever:
    """Anything with `search` will do; records the filters it was given."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def relevant(self, query: str, k: int = 5, *, markets: Sequence[str] | None = None,
               topics: Sequence[str] | None = None, evidence: Sequence[str] | None = None) -> list[Hit]:  # fmt: skip
        self.calls.append({"query": query, "k": k, "markets": markets, "topics": topics})
        return [Hit(entry, 0.9 - i / 10) for i, entry in enumerate(ENTRIES[:k])]


@pytest.fixture
def retriever() -> FakeRetriever:
    return FakeRetriever()


@pytest.fixture
def tools(retriever: FakeRetriever) -> dict[str, Any]:
    return {tool.name: tool for tool in build_tools(tool_specs(retriever, Defaults.from_entries(ENTRIES)))}


def test_one_tool_per_calculator_plus_search_policy_calculate_and_the_group(tools: dict[str, Any]) -> None:
    assert list(tools) == [SEARCH_TOOL, POLICY_TOOL, CALCULATE_TOOL, CALCULATOR_TOOL, *CALCULATORS]
    assert set(MODEL_TOOLS) == {SEARCH_TOOL, POLICY_TOOL, CALCULATE_TOOL, CALCULATOR_TOOL}
    assert set(TOOL_GUIDES) == set(CALCULATORS)
    for name, calculator in CALCULATORS.items():
        assert tools[name].args_schema == calculator.input_model.model_json_schema()
        assert f"- {name}(" in tools[CALCULATOR_TOOL].description  # listed in the group's catalogue
        assert len(tools[name].description) > 100


def test_schemas_convert_for_openai_and_accept_text_numbers(tools: dict[str, Any]) -> None:
    for tool in tools.values():
        spec = convert_to_openai_tool(tool)
        json.dumps(spec)
        assert spec["function"]["name"] == tool.name
    views = convert_to_openai_tool(tools["gmv_from_views"])["function"]["parameters"]["properties"]["views"]
    assert {"type": "string"} in views["anyOf"]


def test_calculator_tool_returns_the_result_as_a_dict(tools: dict[str, Any]) -> None:
    result = tools["gmv_from_views"].invoke({"views": "20万", "gpm": 12})
    assert result["tool"] == "gmv_from_views" and result["figures"] == {"gmv": 2400.0}
    assert result["headline"]["en"] == "200,000 views at GPM 12 bring about $2,400 of GMV."
    assert set(result) == {"tool", "inputs", "figures", "formula", "steps", "assumptions", "headline", "sources", "worked", "verdict"}
    json.dumps(result, allow_nan=False)


def test_article_share_through_the_tool(tools: dict[str, Any]) -> None:
    result = tools["implied_gmv_share"].invoke({})
    assert result["figures"]["gmv_share"] == pytest.approx(0.0068, abs=5e-5)
    assert "aigc-volume-share" in result["sources"]


@pytest.mark.parametrize(
    ("name", "args", "fields"),
    [
        ("gmv_from_views", {"views": "-5"}, ["views"]),
        ("gmv_from_views", {"views": "abc", "gpm_basis": "clicks"}, ["views", "gpm_basis"]),
        ("gmv_from_views", {}, ["views"]),
        ("unit_economics", {"price": 30, "product_cost": 5, "commission_rate": 15}, ["commission_rate"]),
        ("compare_content_options", {"ai_cost_per_video": "100元", "creator_fee": "$300"}, ["ai_cost_per_video", "creator_fee"]),
        ("compare_content_options", {"creator_fee": 0}, ["ai_cost_per_video"]),  # raised while running
        ("growth_rate", {"start_value": 1}, ["start_value", "end_value", "series"]),
    ],
)  # fmt: skip
def test_invalid_args_return_a_readable_error(tools: dict[str, Any], name: str, args: dict, fields: list[str]) -> None:
    payload = tools[name].invoke(args)
    assert payload["tool"] == name and payload["fields"] == fields
    assert payload["error"]["zh"] and payload["error"]["en"]


def test_tool_calls_give_json_tool_messages(tools: dict[str, Any]) -> None:
    call = {"type": "tool_call", "id": "call_1", "name": "gmv_from_views", "args": {"views": 200000, "gpm": 12}}
    message = tools["gmv_from_views"].invoke(call)
    assert isinstance(message, ToolMessage) and message.tool_call_id == "call_1"
    assert json.loads(message.text)["figures"]["gmv"] == 2400
    bad = tools["gmv_from_views"].invoke({**call, "id": "call_2", "args": {"views": "abc"}})
    assert bad.status == "error"
    assert json.loads(bad.text)["fields"] == ["views"]


def test_a_spec_run_directly_gives_the_langchain_tools_message(retriever: FakeRetriever) -> None:
    """A one-shot answer runs the specs without LangChain's tools: the same ToolMessage, result or error."""
    calls = [("gmv_from_views", {"views": 200000, "gpm": 12}), ("gmv_from_views", {"views": "abc"}),
             (SEARCH_TOOL, {"query": "AI视频 GPM", "k": 3, "lang": "zh"}), (SEARCH_TOOL, {"query": "qzvjxk"}),
             (SEARCH_TOOL, {"query": ""}), (POLICY_TOOL, {"action": "直播间用AI配音可以吗", "market": "US"}),
             (CALCULATOR_TOOL, {"name": "roas", "inputs": {"gmv": 900, "ad_spend": 300}}), (CALCULATE_TOOL, {"expression": "1/0"})]
    specs = {spec.name: spec for spec in tool_specs(retriever, Defaults.from_entries(ENTRIES), ENTRIES)}
    for i, (name, args) in enumerate(calls):
        call = {"name": name, "args": args, "id": f"call_{i}"}
        direct, agent = specs[name].message(call), specs[name].as_tool().invoke({**call, "type": "tool_call"})
        assert (direct.content, direct.status, direct.name, direct.tool_call_id) == (
            agent.content, agent.status, agent.name, agent.tool_call_id), call
    statuses = {specs[n].message({"name": n, "args": a, "id": "x"}).status for n, a in calls}
    assert statuses == {"success", "error"}
    nothing = search_tool(SimpleNamespace(relevant=lambda *args, **kwargs: []))  # no passages: an empty list
    call = {"name": SEARCH_TOOL, "args": {"query": "qzvjxk"}, "id": "call_9"}
    assert nothing.message(call).content == nothing.as_tool().invoke({**call, "type": "tool_call"}).content == []


def test_search_returns_passages_with_ids_in_both_languages(tools: dict[str, Any], retriever: FakeRetriever) -> None:
    passages = tools[SEARCH_TOOL].invoke({"query": "AI视频 GPM", "k": 3, "market": "US", "topic": "gpm"})
    assert retriever.calls == [{"query": "AI视频 GPM", "k": 3, "markets": ["US"], "topics": ["gpm"]}]
    assert [p["id"] for p in passages] == [e.id for e in ENTRIES[:3]]
    first = passages[0]
    assert set(first) >= {"id", "title", "evidence", "text", "guidance", "score", "source", "contradicted_by"}
    assert set(first["title"]) == {"zh", "en"} and first["score"] == 0.9
    assert {"title", "publisher", "url", "date"} <= set(first["source"])
    json.dumps(passages)


def test_search_in_one_language(tools: dict[str, Any]) -> None:
    entry = ENTRIES[0]
    [passage] = tools[SEARCH_TOOL].invoke({"query": "GPM", "k": 1, "lang": "zh"})
    assert passage["title"] == entry.title.zh and passage["guidance"] == entry.guidance.zh
    assert passage["evidence_label"] == entry.evidence_label("zh")


@pytest.mark.parametrize(
    ("args", "fields"),
    [({"query": ""}, ["query"]), ({"query": "GPM", "k": 50}, ["k"]), ({"query": "GPM", "market": "Mars"}, ["market"])],
)
def test_search_bad_args_return_an_error(tools: dict[str, Any], args: dict, fields: list[str]) -> None:
    payload = tools[SEARCH_TOOL].invoke(args)
    assert payload["tool"] == SEARCH_TOOL and payload["fields"] == fields
    assert payload["error"]["zh"] and payload["error"]["en"]


def test_registry_does_not_import_chroma() -> None:
    code = "import sys, assistant.tools.registry; print('chromadb' in sys.modules, 'assistant.kb.retrieve' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE_ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_tool_sees_the_sellers_own_text(tools: dict[str, Any]) -> None:
    result = tools["gmv_from_views"].invoke({"views": 200000, "gpm": "10-16"})
    assert result["figures"]["gmv"] == 2600
    assert any(a["field"] == "gpm" and "midpoint" in a["note"]["en"] for a in result["assumptions"])
    assert "(got '-5')" in tools["gmv_from_views"].invoke({"views": "-5"})["error"]["en"]


def test_check_policy_rules_on_the_action_asked() -> None:
    tool = policy_tool(ENTRIES).as_tool()
    bigger = tool.invoke({"action": "用AI把产品P得比实物大一点，显得高级，行吗"})
    assert bigger["verdict"] == "banned" and bigger["rulings"][0]["entry"] == "tts-aigc-policy-us"
    label = tool.invoke({"action": "Do I have to label videos made mostly with AI?"})
    assert label["verdict"] == "label-required" and label["sources"][0] == "tts-aigc-policy-us"
    live = tool.invoke({"action": "直播间用AI配音可以吗"})
    assert live["verdict"] == "banned" and live["rulings"][0]["formats"] == ["LIVE"]
    labelled_live = tool.invoke({"action": "Can I use AI-generated voices in my LIVE if I label it?", "lang": "en"})
    assert labelled_live["strength"] == "strong" and labelled_live["verdict"] == "banned"
    assert tool.invoke({"action": "the weather in Paris"})["rulings"] == []
    japan = tool.invoke({"action": "改颜色", "market": "JP"})
    assert japan["verdict"] is None and all("JP" in r["markets"] or "GLOBAL" in r["markets"] for r in japan["rulings"])
    assert "error" in tool.invoke({"action": ""})


def test_the_grouped_calculator_runs_the_named_one_and_reports_bad_inputs(tools: dict[str, Any]) -> None:
    grouped = tools[CALCULATOR_TOOL].invoke({"name": "gmv_from_views", "inputs": {"views": "20万", "gpm": 12}})
    assert grouped == tools["gmv_from_views"].invoke({"views": "20万", "gpm": 12})
    unknown = tools[CALCULATOR_TOOL].invoke({"name": "gmv", "inputs": {}})
    assert unknown["fields"] == ["name"] and "gmv_from_views" in unknown["error"]["en"]
    bad = tools[CALCULATOR_TOOL].invoke({"name": "gmv_from_views", "inputs": {"views": "lots"}})
    assert bad["tool"] == "gmv_from_views" and bad["fields"] == ["views"]
    assert shown_call(CALCULATOR_TOOL, {"name": "roas", "inputs": {"gmv": 1}}) == ("roas", {"gmv": 1})
    assert shown_call(SEARCH_TOOL, {"query": "x"}) == (SEARCH_TOOL, {"query": "x"})


def test_the_model_is_offered_a_fraction_of_the_schemas(tools: dict[str, Any]) -> None:
    size = {name: len(json.dumps(convert_to_openai_tool(tool), ensure_ascii=False)) for name, tool in tools.items()}
    offered = sum(size[name] for name in MODEL_TOOLS)
    every_calculator = sum(size[name] for name in (SEARCH_TOOL, POLICY_TOOL, *CALCULATORS))
    assert offered * 4 < every_calculator


def test_calculate_returns_the_result_and_its_worked_line(tools: dict[str, Any]) -> None:
    result = tools[CALCULATE_TOOL].invoke({"expression": "gmv / views * 1000", "values": {"gmv": "$396", "views": "12万"}})
    assert result["result"] == pytest.approx(3.3)
    assert result["worked"] == {"zh": "396美元 ÷ 12万 × 1,000 = 3.3", "en": "$396 ÷ 120,000 × 1,000 = 3.3"}
    share = tools[CALCULATE_TOOL].invoke({"expression": "orders / views", "values": {"orders": 18, "views": 120000}, "unit": "percent"})
    assert share["shown"]["en"] == "0.015%"
    difference = tools[CALCULATE_TOOL].invoke({"expression": "(sold - paid) / paid", "values": {"sold": 600, "paid": 360}, "unit": "percent"})
    assert difference["worked"]["en"] == "(600 − 360) ÷ 360 = 66.67%"


@pytest.mark.parametrize("args", [
    {"expression": "__import__('os').system('id')"},
    {"expression": "open('/etc/passwd')"},
    {"expression": "(lambda: 1)()"},
    {"expression": "a.__class__", "values": {"a": 1}},
    {"expression": "[1, 2]"},
    {"expression": "9 ** 9 ** 9"},
    {"expression": "a / b", "values": {"a": 1, "b": 0}},
    {"expression": "a * b", "values": {"a": 1}},
    {"expression": "1e308 * 10"},
    {"expression": "x" * 400},
    {"expression": "a + 1", "values": {"not a name": 1}},
    {"expression": "a + 1", "values": {"a": "lots"}},
    {"expression": ""},
])  # fmt: skip
def test_calculate_refuses_anything_but_finite_arithmetic_with_a_clear_error(tools: dict[str, Any], args: dict[str, Any]) -> None:
    result = tools[CALCULATE_TOOL].invoke(args)
    assert result["tool"] == CALCULATE_TOOL and result["error"]["en"] and result["error"]["zh"]
