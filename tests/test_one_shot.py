"""A one-shot offline `tk-advisor ask` answers through the turn's steps alone (`Answerer.answer_offline`:
no agent loop, no store, the index's exported vectors): its Answer is the agent loop's, for every
message of every eval case."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.advisor import Advisor
from assistant.answer import Answer, InvalidInput
from assistant.answerer import Answerer
from assistant.cli import main
from assistant.config import Settings
from assistant.evaluation.cases import case_files, load_cases
from assistant.kb.retrieve import open_retriever
from assistant.kb.snapshot import VectorSnapshot
from assistant.store import Store

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = list(dict.fromkeys(m for case in load_cases(case_files([ROOT / "evals" / "cases"])) for m in case.messages))


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings.from_env(environ={}, data_dir=tmp_path_factory.mktemp("one-shot-data"))


@pytest.fixture(scope="module")
def advisor(settings: Settings) -> Advisor:
    """The Advisor over Chroma; opening it syncs the index and prepares the files a one-shot reads
    (as `tk-advisor index` does), so both read the same knowledge tokens."""
    return Advisor(settings, open_retriever(settings), Store(settings.sqlite_path))


@pytest.fixture(scope="module")
def one_shot(settings: Settings, advisor: Advisor) -> Answerer:
    """What `tk-advisor ask` builds in a fresh process after `tk-advisor index`."""
    answerer = Answerer.one_shot(settings)
    assert isinstance(answerer.retriever.index, VectorSnapshot)
    return answerer


def comparable(answer: Answer) -> dict[str, Any]:
    """Everything an Answer says, but the ids the store gives and how long each tool took."""
    dump = answer.model_dump(mode="json", exclude={"session_id", "message_id"})
    for call in dump["tool_calls"]:
        call.pop("duration_ms")
    return dump


def outcome(ask: Any, question: str) -> dict[str, Any] | str:
    try:
        return comparable(ask(question))
    except InvalidInput as exc:
        return f"InvalidInput: {exc}"


def test_every_eval_message_gets_the_agent_loops_answer(one_shot: Answerer, advisor: Advisor) -> None:
    assert len(MESSAGES) > 300
    kinds, langs = set(), set()
    for question in MESSAGES:
        expected = outcome(advisor.ask, question)
        assert outcome(one_shot.answer_offline, question) == expected, question
        if isinstance(expected, dict):
            kinds.add(expected["kind"])
            langs.add(expected["lang"])
            assert expected["tool_calls"] or expected["kind"] != "advice"
    assert langs == {"zh", "en"}
    assert {"advice", "clarification", "out_of_scope", "injection", "small_talk"} <= kinds


def test_the_one_shot_answer_is_not_kept(one_shot: Answerer) -> None:
    answer = one_shot.answer_offline("视频带来100万播放，GPM 12美元，能有多少GMV？")
    assert answer.session_id is None and answer.message_id is None
    assert [c.name for c in answer.tool_calls][:1] == ["search_knowledge"] and answer.citations
    assert all(c.duration_ms > 0 for c in answer.tool_calls)


def test_the_command_keeps_a_conversation_only_under_a_session_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TK_PROVIDER", "offline")
    settings = Settings.from_env()
    assert main(["ask", "--json", "视频带来100万播放，GPM 12美元，能有多少GMV？"]) == 0
    assert json.loads(capsys.readouterr().out)["session_id"] is None
    assert not settings.sqlite_path.exists(), "a one-shot answer opened the store"
    for question in ("视频带来100万播放，GPM 12美元，能有多少GMV？", "那GPM 15呢？"):
        assert main(["ask", "--session", "launch", question]) == 0
        assert capsys.readouterr().err.strip().endswith("session launch]")
    assert [m.role for m in Store(settings.store_target).history("launch")] == ["user", "assistant"] * 2
