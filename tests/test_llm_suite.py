"""The scripted-model suite: good answers to seller questions across the acts are let through,
bad ones (an invented figure, a wrong citation, no tool calls, unreadable arguments, a 429) are
caught and repaired, and no rejected text reaches a client. The model is tests/openai_stub.py,
reached through ChatOpenAI and the real `openai` client; the cases are tests/data/scripted_model.yaml.
"""

from __future__ import annotations

import json

import pytest
from openai import OpenAI
from scripted_model import Bad, Case, bad_drafts, llm_advisor, load_cases
from service_support import serving

from assistant.advisor import Advisor
from assistant.answer import Answer, AnswerEvent, TextEvent, split_details
from assistant.kb.retrieve import Retriever
from openai_stub import OpenAIStub, Reply

CASES = load_cases()
BY_ID = {case.id: case for case in CASES}
BAD = list(bad_drafts(CASES))
ACTS = {"compute", "diagnose", "decide", "comply", "source", "explain"}


@pytest.fixture
def advisor(stub: OpenAIStub, retriever: Retriever, tmp_path) -> Advisor:
    return llm_advisor(stub.base_url, retriever, tmp_path, timeout=30)


def _earlier_turns(advisor: Advisor, stub: OpenAIStub, case: Case) -> str:
    """Play a case's earlier turns (good drafts) in a new session; its id."""
    session = advisor.ask(case.turns[0].ask).session_id if not stub.enqueue(*case.turns[0].script()) else ""
    for turn in case.earlier[1:]:
        stub.enqueue(*turn.script())
        advisor.ask(turn.ask, session_id=session)
    return session


def _last_turn(advisor: Advisor, stub: OpenAIStub, case: Case, *script: Reply) -> tuple[Answer, str]:
    """Play the earlier turns, then the last turn against `script`, streamed; the Answer and the text streamed."""
    session = _earlier_turns(advisor, stub, case) if case.earlier else None
    stub.enqueue(*script)
    events = list(advisor.stream(case.last.ask, session_id=session))
    final = events[-1]
    assert isinstance(final, AnswerEvent)
    return final.answer, "".join(e.delta for e in events if isinstance(e, TextEvent))


def test_the_suite_covers_twenty_questions_across_the_acts_and_follow_ups() -> None:
    assert len(CASES) >= 20 and {c.act for c in CASES} == ACTS
    assert sum(len(c.turns) > 1 for c in CASES) >= 3 and {c.last.lang for c in CASES} == {"zh", "en"}
    assert len({b.figure for b in BAD if b.kind == "invented"}) >= len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_good_first_draft_is_let_through_as_written(advisor: Advisor, stub: OpenAIStub, case: Case) -> None:
    answer, streamed = _last_turn(advisor, stub, case, *case.last.script())
    reply, _ = split_details(case.last.reply)
    assert (answer.provider, answer.warnings, answer.answer) == ("openai:stub-model", [], reply)
    assert streamed == reply
    assert answer.usage is not None and answer.usage["repairs"] == 0
    assert answer.usage["model_calls"] == len(case.last.rounds) + 1
    assert answer.usage["prompt_tokens"] == sum(stub.prompt_tokens[-answer.usage["model_calls"]:])
    assert {c.id for c in answer.citations} >= {i for i in _cited(reply)}


def _cited(text: str) -> list[str]:
    from assistant.engine.grounding import cited_ids

    return cited_ids(text)


@pytest.mark.parametrize("bad", BAD, ids=lambda b: f"{b.case}:{b.kind}:{b.figure}")
def test_a_bad_draft_is_caught_named_and_repaired_and_never_streamed(advisor: Advisor, stub: OpenAIStub, bad: Bad) -> None:
    case = BY_ID[bad.case]
    answer, streamed = _last_turn(advisor, stub, case, *case.last.tool_rounds(), Reply(content=bad.draft),
                                  Reply(content=case.last.reply))  # fmt: skip
    correction = stub.requests[-1]["messages"][-1]["content"]
    assert "failed the grounding check" in correction and bad.figure in correction
    if bad.kind == "wrong-citation":
        assert "does not state it" in correction
    else:
        assert "call `calculate`" in correction or "cite" in correction
    good = split_details(case.last.reply)[0]
    assert streamed == answer.answer == good and answer.provider == "openai:stub-model"
    assert bad.figure in good or bad.figure not in streamed
    assert answer.usage is not None and answer.usage["repairs"] == 1
    assert any("revised its answer" in w and bad.figure in w for w in answer.warnings)


def test_an_answer_without_tool_calls_is_told_to_search(advisor: Advisor, stub: OpenAIStub) -> None:
    case = BY_ID["source-gpm-en"]
    answer, _ = _last_turn(advisor, stub, case, Reply(content="It's from insiders; GPM 10-16 for AI videos."),
                           *case.last.script())  # fmt: skip
    assert "call search_knowledge" in stub.requests[1]["messages"][-1]["content"]
    assert answer.provider == "openai:stub-model" and answer.kind == "advice"
    assert answer.answer == split_details(case.last.reply)[0] and answer.usage["repairs"] == 1


def test_a_model_that_never_searches_is_replaced_by_the_offline_engine_and_says_why(advisor: Advisor, stub: OpenAIStub) -> None:
    stub.enqueue(*(Reply(content="GPM 10-16, trust me.") for _ in range(3)))
    answer = advisor.ask("Who says AI videos only get a GPM of 10-16? Is that real data?")
    assert answer.provider == "offline-fallback" and "trust me" not in answer.answer
    assert any("without calling search_knowledge" in w and "offline engine answered" in w for w in answer.warnings)
    assert answer.citations and answer.usage["model_calls"] == 3


def test_unreadable_arguments_get_one_message_quoting_them(advisor: Advisor, stub: OpenAIStub) -> None:
    case = BY_ID["compute-gmv-en"]
    broken = Reply(tool_calls=[("calculator", '{"name": "gmv_from_views", "inputs": {"views": "200k", "gpm": ')])
    answer, _ = _last_turn(advisor, stub, case, broken, *case.last.script())
    correction = stub.requests[1]["messages"][-1]["content"]
    assert "could not be read" in correction and '"gpm": ' in correction
    assert answer.provider == "openai:stub-model" and answer.usage["repairs"] == 1
    assert [c.name for c in answer.tool_calls] == ["search_knowledge", "gmv_from_views"]


def test_invalid_inputs_come_back_as_the_validation_error_for_the_model_to_fix(advisor: Advisor, stub: OpenAIStub) -> None:
    case = BY_ID["decide-risk-en"]
    wrong = Reply(tool_calls=[("calculator", json.dumps({"name": "expected_loss", "inputs": {"probability": "30%", "cut": "60%",
                                                                                            "monthly_gmv": 20000}}))])  # fmt: skip
    answer, _ = _last_turn(advisor, stub, case, wrong, *case.last.script())
    error = next(m for m in stub.requests[1]["messages"] if m["role"] == "tool")["content"]
    assert "share_cut: is required" in error and "cut: is not an input" in error
    assert answer.provider == "openai:stub-model" and answer.warnings == []


def test_a_429_is_retried_by_the_client_and_the_answer_is_the_models(advisor: Advisor, stub: OpenAIStub) -> None:
    case = BY_ID["comply-bigger-en"]
    answer, _ = _last_turn(advisor, stub, case, Reply(status=429, headers={"retry-after": "0"}), *case.last.script())
    assert answer.provider == "openai:stub-model" and answer.warnings == []
    assert answer.answer == split_details(case.last.reply)[0]


@pytest.mark.parametrize("bad", [b for b in BAD if b.case in ("compute-conversion-en", "source-premise-zh") and b.kind == "invented"
                                 and b.figure not in BY_ID[b.case].last.reply], ids=lambda b: f"{b.case}:{b.figure}")
def test_v1_streams_only_the_final_text(advisor: Advisor, stub: OpenAIStub, bad: Bad) -> None:
    """What an OpenAI client reading our /v1 stream receives: the repaired answer, never the rejected draft."""
    case = BY_ID[bad.case]
    stub.enqueue(*case.last.tool_rounds(), Reply(content=bad.draft), Reply(content=case.last.reply))
    with serving(advisor) as url:
        client = OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
        chunks = list(client.chat.completions.create(model="tk-advisor", messages=[{"role": "user", "content": case.last.ask}],
                                                     stream=True))  # fmt: skip
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.startswith(split_details(case.last.reply)[0]) and bad.figure not in text


def test_eval_with_provider_openai_runs_the_cases_against_the_configured_model(
    stub: OpenAIStub, tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`tk-advisor eval --provider openai` against a model at TK_LLM_BASE_URL (here the stub playing one
    case): the scorecard says who answered and what the model cost per answer."""
    from assistant import cli

    case = BY_ID["compute-gmv-en"]
    cases = tmp_path / "cases.yaml"
    cases.write_text(f"""
- id: en-gmv-llm
  category: numbers
  question: "{case.last.ask}"
  expect:
    lang: en
    tools_any: [gmv_from_views]
    numbers:
      - {{value: 2400}}
""", encoding="utf-8")  # fmt: skip
    stub.enqueue(*case.last.script())
    for name, value in {"TK_DATA_DIR": str(tmp_path / "data"), "TK_LLM_BASE_URL": stub.base_url, "TK_LLM_MODEL": "stub-model",
                        "TK_LLM_TIMEOUT": "30", "OPENAI_API_KEY": ""}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    status = cli.main(["eval", "--cases", str(cases), "--provider", "openai", "--json", "--out", str(tmp_path / "out")])
    summary = json.loads(capsys.readouterr().out)
    assert status == 0 and summary["provider"] == "openai" and summary["passed"] == 1
    assert summary["answered_by"] == {"openai:stub-model": 1}
    assert summary["model_usage"]["model_calls"] == 2 and summary["model_usage"]["prompt_tokens"] > 0
