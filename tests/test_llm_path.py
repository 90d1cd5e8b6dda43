"""The LLM path: ChatOpenAI (and so the real `openai` client) against a local OpenAI-protocol stub."""

from __future__ import annotations

import json

import pytest

from assistant.advisor import Advisor
from assistant.answer import AnswerEvent, TextEvent, ToolEvent
from assistant.config import Settings
from assistant.kb.retrieve import Retriever
from assistant.tools.registry import MODEL_TOOLS
import scripted_model
from openai_stub import OpenAIStub, Reply

QUESTION = "Will AI videos get my account throttled? My video had 200k views at GPM 12."


@pytest.fixture
def llm_advisor(stub: OpenAIStub, retriever: Retriever, tmp_path) -> Advisor:
    return scripted_model.llm_advisor(stub.base_url, retriever, tmp_path, timeout=30)


def _search(query: str) -> Reply:
    return Reply(tool_calls=[("search_knowledge", json.dumps({"query": query, "k": 5})),
                             ("calculator", json.dumps({"name": "gmv_from_views", "inputs": {"views": "20万", "gpm": 12}}))])


def _top_id(retriever: Retriever, query: str) -> str:
    return retriever.search(query, k=1)[0].entry.id


def test_scripted_turn_runs_tools_and_cites(llm_advisor: Advisor, stub: OpenAIStub, retriever: Retriever) -> None:
    top = _top_id(retriever, "AI video account throttling")
    stub.enqueue(_search("AI video account throttling"),
                 Reply(content=f"Verdict: be careful [{top}]. 200k views at GPM 12 gives about $2,400 of GMV."))
    answer = llm_advisor.ask(QUESTION)
    assert answer.provider == "openai:stub-model"
    assert answer.warnings == []
    assert [c.name for c in answer.tool_calls] == ["search_knowledge", "gmv_from_views"]
    assert answer.tool_calls[1].result["figures"]["gmv"] == pytest.approx(2400)
    assert [c.id for c in answer.citations] == [top]
    sent = stub.requests[0]
    assert [t["function"]["name"] for t in sent["tools"]] == list(MODEL_TOOLS)  # the calculators behind one schema
    assert "compare_content_options" in json.dumps(sent["tools"])
    assert "English" in sent["messages"][0]["content"]  # the system prompt names the user's language
    assert answer.usage is not None and answer.usage["model_calls"] == 2 and answer.usage["repairs"] == 0


def test_invented_number_gets_one_corrective_retry(llm_advisor: Advisor, stub: OpenAIStub, retriever: Retriever) -> None:
    top = _top_id(retriever, "AI video account throttling")
    stub.enqueue(_search("AI video account throttling"),
                 Reply(content=f"You will make $9,731 of GMV [{top}]."),
                 Reply(content=f"About $2,400 of GMV [{top}]."))
    answer = llm_advisor.ask(QUESTION)
    assert "9,731" not in answer.answer and "2,400" in answer.answer
    assert answer.provider == "openai:stub-model"
    assert len(answer.warnings) == 1 and "revised its answer" in answer.warnings[0] and "$9,731" in answer.warnings[0]
    assert answer.usage is not None and (answer.usage["model_calls"], answer.usage["repairs"]) == (3, 1)
    retry_prompt = stub.requests[-1]["messages"][-1]["content"]
    assert "grounding check" in retry_prompt and "$9,731" in retry_prompt and "calculate" in retry_prompt


def test_answer_still_invented_after_two_corrections_goes_to_the_offline_engine(
    llm_advisor: Advisor, stub: OpenAIStub, retriever: Retriever
) -> None:
    top = _top_id(retriever, "AI video account throttling")
    stub.enqueue(_search("AI video account throttling"),
                 *(Reply(content=f"You will make $9,731 [{top}] [made-up-entry].") for _ in range(3)))
    answer = llm_advisor.ask(QUESTION)
    assert answer.provider == "offline-fallback"
    assert any("offline engine answered" in w and "9,731" in w and "made-up-entry" in w for w in answer.warnings)
    # the offline engine answers the question asked (whether AI gets the account throttled), afresh
    assert "9,731" not in answer.answer and "tts-aigc-policy-us" in [c.id for c in answer.citations]
    assert "made-up-entry" not in [c.id for c in answer.citations]
    assert len(stub.requests) == 4


@pytest.mark.parametrize(
    "faults",
    [
        [Reply(status=500), Reply(status=500)],
        [Reply(status=429, headers={"retry-after": "0"}), Reply(status=503)],
        [Reply(delay=1.5), Reply(delay=1.5)],
        [Reply(tool_calls=[("gmv_from_views", '{"views": 200000, "gpm": ')]),
         Reply(tool_calls=[("gmv_from_views", "not json")])],
    ],
    ids=["500", "429-then-503", "timeout", "invalid-tool-call-json"],
)
def test_provider_faults_fall_back_to_offline(stub: OpenAIStub, retriever: Retriever, tmp_path, faults: list[Reply]) -> None:
    stub.enqueue(*faults)
    advisor = scripted_model.llm_advisor(stub.base_url, retriever, tmp_path, timeout=0.5)  # the scripted delay is 1.5 s
    answer = advisor.ask("我的视频20万播放, GPM 12, 能卖多少?")
    assert answer.provider == "offline-fallback"
    assert answer.warnings and "offline engine answered" in answer.warnings[-1]
    assert "2,400" in answer.answer and answer.lang == "zh"
    assert [c.name for c in answer.tool_calls] == ["search_knowledge", "gmv_from_views"]


def test_429_with_retry_after_is_retried_then_succeeds(llm_advisor: Advisor, stub: OpenAIStub, retriever: Retriever) -> None:
    top = _top_id(retriever, "AI video account throttling")
    stub.enqueue(Reply(status=429, headers={"retry-after": "0"}), _search("AI video account throttling"),
                 Reply(content=f"Careful [{top}]; about $2,400 of GMV."))
    answer = llm_advisor.ask(QUESTION)
    assert answer.provider == "openai:stub-model" and answer.warnings == []


def test_streaming_from_the_llm(llm_advisor: Advisor, stub: OpenAIStub, retriever: Retriever) -> None:
    top = _top_id(retriever, "AI video account throttling")
    text = f"Careful with AI-only accounts [{top}]; 200k views at GPM 12 is about $2,400 of GMV."
    stub.enqueue(_search("AI video account throttling"), Reply(content=text))
    events = list(llm_advisor.stream(QUESTION))
    assert [e.type for e in events if isinstance(e, ToolEvent)].count("tool_end") == 2
    streamed = "".join(e.delta for e in events if isinstance(e, TextEvent))
    assert streamed == text
    final = events[-1]
    assert isinstance(final, AnswerEvent) and final.answer.answer == text and final.answer.provider == "openai:stub-model"
    assert not stub.requests[-1].get("stream")  # one whole response: the text is held until grounded anyway


def test_llm_is_never_built_without_configuration(tmp_path) -> None:
    settings = Settings.from_env(environ={}, data_dir=tmp_path)
    assert not settings.use_llm


def test_the_models_reply_and_details_are_split_at_the_marker(llm_advisor: Advisor, stub: OpenAIStub, retriever: Retriever) -> None:
    from assistant.answer import DETAILS_MARKER

    top = _top_id(retriever, "AI video account throttling")
    stub.enqueue(_search("AI video account throttling"),
                 Reply(content=f"No, not for AI as such [{top}]. About $2,400 of GMV.\n{DETAILS_MARKER}\n"
                               f"200k views × GPM 12 / 1,000 = $2,400 [{top}]."))
    events = list(llm_advisor.stream(QUESTION))
    answer = events[-1].answer
    assert answer.answer == f"No, not for AI as such [{top}]. About $2,400 of GMV."
    assert answer.details.startswith("200k views × GPM 12") and answer.warnings == []
    streamed = "".join(e.delta for e in events if isinstance(e, TextEvent))
    assert DETAILS_MARKER not in streamed and streamed.strip() == answer.answer
    assert "check_policy" in {t["function"]["name"] for t in stub.requests[0]["tools"]}
    assert DETAILS_MARKER in stub.requests[0]["messages"][0]["content"]
