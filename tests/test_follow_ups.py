"""Suggested follow-ups under an answer: in the reader's language, new, and answered when asked."""

from __future__ import annotations

import uuid

import pytest

from assistant.advisor import Advisor
from assistant.engine.follow_ups import MAX_FOLLOW_UPS, follow_ups
from assistant.engine.lexicon import load


@pytest.mark.parametrize(
    ("question", "lang"),
    [("我每条视频3000播放，GPM 12，能卖多少", "zh"), ("Are AI videos still worth it for a small beauty shop?", "en"),
     ("Do I need to label AI videos in the US?", "en"), ("ROAS 2.1 是不是太低了，客单25刀", "zh")],
)
def test_each_suggestion_is_answered_as_advice_in_the_same_conversation(advisor: Advisor, question: str, lang: str) -> None:
    session = uuid.uuid4().hex
    first = advisor.ask(question, session_id=session)
    assert 1 <= len(first.follow_ups) <= MAX_FOLLOW_UPS
    for suggestion in first.follow_ups:
        assert suggestion not in question
        assert (lang == "zh") == any("\u4e00" <= ch <= "\u9fff" for ch in suggestion), suggestion
        branch = f"{session}-{suggestion}"  # the suggestion asked right after the answer it was shown under
        advisor.ask(question, session_id=branch)
        answer = advisor.ask(suggestion, session_id=branch)
        assert answer.kind == "advice" and answer.lang == lang, (suggestion, answer.answer)
        assert answer.answer != first.answer, suggestion


def test_a_calculation_suggests_changing_its_figure_before_the_next_decision() -> None:
    suggested = follow_ups("compute", ["gmv_from_views"], "能卖多少", "zh")
    table = load("follow_ups")
    assert suggested[0] == table["by_tool"]["gmv_from_views"][0]["zh"]
    assert table["by_act"]["compute"][0]["zh"] in suggested


def test_the_question_just_asked_is_never_suggested_again() -> None:
    asked = load("follow_ups")["by_tool"]["gmv_from_views"][0]["en"]
    assert asked not in follow_ups("compute", ["gmv_from_views"], asked, "en")


def test_out_of_scope_and_refusals_suggest_nothing(advisor: Advisor) -> None:
    assert advisor.ask("推荐3部好看的电影").follow_ups == []


def test_every_suggestion_in_the_table_has_both_languages() -> None:
    table = load("follow_ups")
    rows = [q for group in ("by_tool", "by_act") for qs in table[group].values() for q in qs]
    assert rows and all(set(q) == {"zh", "en"} and q["zh"] and q["en"] for q in rows)
