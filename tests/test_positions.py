"""The knowledge base's positions (knowledge/positions/): every example reaches its position, no near
miss does, and a correction needs the message to state what it corrects."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import PACKAGE_ROOT
from assistant.engine.positions import correction, stance
from assistant.engine.reading.reading import State, read
from assistant.kb.loader import KnowledgeBase
from assistant.kb.positions import Positions

KNOWLEDGE = Path(PACKAGE_ROOT) / "knowledge"
POSITIONS = Positions.load(KNOWLEDGE / "positions")
EXAMPLES = [(p, text, True) for p in POSITIONS.items for text in p.examples.all()]
EXAMPLES += [(p, text, False) for p in POSITIONS.items for text in p.near_misses.all()]


def _state(text: str) -> State:
    return State().after(read(text))


def test_every_position_rests_on_an_entry_and_has_examples_in_both_languages() -> None:
    assert not POSITIONS.problems(set(KnowledgeBase.from_dir(KNOWLEDGE).ids))
    for position in POSITIONS.items:
        assert len(position.examples.zh) >= 4 and len(position.examples.en) >= 4, position.id
        assert position.near_misses.zh and position.near_misses.en, position.id


@pytest.mark.parametrize(("position", "text", "positive"), EXAMPLES, ids=[f"{p.id}-{i}" for i, (p, _, _) in enumerate(EXAMPLES)])
def test_an_example_reaches_its_position_and_a_near_miss_does_not(position, text: str, positive: bool) -> None:
    state = _state(text)
    if position.kind == "stance":
        found = stance(POSITIONS, text, state, "decide")
    else:
        found = correction(POSITIONS, read(text), state)
    assert (found is not None and found.id == position.id) == positive, found.id if found else None


def test_a_correction_needs_the_figure_stated() -> None:
    """Like its examples, but stating no large share: nothing to correct."""
    assert correction(POSITIONS, read("AI视频占GMV不到1%对吗"), _state("AI视频占GMV不到1%对吗")) is None
    claimed = "听说美区一半的GMV都是AI视频带来的"
    assert correction(POSITIONS, read(claimed), _state(claimed)).id == "ai-gmv-share-not-big"


@pytest.mark.parametrize(
    ("question", "opens"),
    [("can I test products with AI videos first", "**Yes: testing"), ("能不能先用AI视频测品", "**可以，用来测品"),
     ("How do I test products with AI videos?", None), ("AI视频怎么测品？", None)],
)
def test_a_stance_answers_a_rule_shaped_decision_but_not_a_how_question(advisor, question: str, opens: str | None) -> None:
    """"Can I test with AI first?" is a decision no clause restricts: the stance leads, not the label
    clause; "how do I test?" wants steps, so no stance's "Yes" opens it."""
    answer = advisor.ask(question)
    assert "ai-video-for-testing" in {c.id for c in answer.citations}
    if opens:
        assert answer.answer.startswith(opens)
    else:
        assert not answer.answer.startswith(("**Yes", "**可以", "**No", "**不"))


@pytest.mark.parametrize(("question", "figure"), [
    ("某服务商ppt上写ai视频平均gpm 87.3 说是官方数据 帮我确认下是不是官方的", "87.3"),
    ("a guru said official TikTok data shows AI videos convert at 4.2%, can you confirm and cite it?", "4.2%"),
])
def test_a_planted_figure_is_said_to_have_no_source(advisor, question: str, figure: str) -> None:
    answer = advisor.ask(question)
    assert answer.answer.startswith(f"**我没有{figure}" if answer.lang == "zh" else f"**I have no source for {figure}")


@pytest.mark.parametrize("question", ["那篇说ai视频gpm只有10-16 原创能到100+的 这数字靠谱吗 是谁说的",
                                      "the article says AI is under 1% of GMV, is that official?"])
def test_a_figure_the_knowledge_base_holds_is_not_called_sourceless(advisor, question: str) -> None:
    answer = advisor.ask(question)
    assert "没有" not in answer.answer.split("。")[0] and "no source" not in answer.answer.lower()
