"""Tool calls take their threads from one shared pool instead of starting a pool per tool step."""

from __future__ import annotations

import threading

import pytest
from langgraph.prebuilt import tool_node

from assistant.advisor import Advisor
from assistant.engine import tool_threads

ONE_TOOL_QUESTION = "AI生成的视频GPM比原创低多少？"
TWO_TOOL_QUESTION = "我有20万播放，GPM 12，能做多少GMV？"


def started_threads(advisor: Advisor, question: str, times: int) -> list[str]:
    """Names of the threads started while asking `question` `times` times."""
    names: list[str] = []
    original = threading.Thread.start

    def start(thread: threading.Thread) -> None:
        names.append(thread.name)
        original(thread)

    threading.Thread.start = start  # type: ignore[method-assign]
    try:
        for _ in range(times):
            advisor.ask(question)
    finally:
        threading.Thread.start = original  # type: ignore[method-assign]
    return names


def test_the_agent_uses_the_shared_pool(advisor: Advisor) -> None:
    assert tool_node.get_executor_for_config is tool_threads._shared_executor
    assert tool_threads.reuse_tool_threads()


def test_repeated_answers_start_no_new_tool_threads(advisor: Advisor) -> None:
    for question in (ONE_TOOL_QUESTION, TWO_TOOL_QUESTION):
        advisor.ask(question)  # the pool has the threads it needs
    assert started_threads(advisor, ONE_TOOL_QUESTION, 20) == []


def test_tool_results_and_timings_still_reach_the_answer(advisor: Advisor) -> None:
    answer = advisor.ask(TWO_TOOL_QUESTION)
    names = {call.name for call in answer.tool_calls}
    assert {"search_knowledge", "gmv_from_views"} <= names, names
    assert all(call.result is not None and call.duration_ms > 0 for call in answer.tool_calls)


def test_concurrent_answers_share_the_pool_without_errors(advisor: Advisor) -> None:
    questions = [ONE_TOOL_QUESTION, TWO_TOOL_QUESTION] * 8
    answers: list[str] = []
    errors: list[BaseException] = []

    def ask(question: str) -> None:
        try:
            answers.append(advisor.ask(question).kind)
        except BaseException as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(q,)) for q in questions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert answers.count("advice") == len(questions)


def test_an_unknown_langgraph_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def elsewhere(config: object) -> None:
        raise AssertionError("never called")

    monkeypatch.setattr(tool_node, "get_executor_for_config", elsewhere)
    assert not tool_threads.reuse_tool_threads()
    assert tool_node.get_executor_for_config is elsewhere
