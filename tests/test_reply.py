"""The reply writer's small choices: which entry a source question is about, where a sentence ends."""

from __future__ import annotations

import pytest

from assistant.config import PACKAGE_ROOT
from assistant.engine.reply import _holding_the_figure, reason
from assistant.engine.text import first_sentence
from assistant.kb.loader import load_entries

KB = {e.id: e for e in load_entries(PACKAGE_ROOT / "knowledge").entries}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("GPM 100+ 这个数字是哪来的 可信吗", "gpm-aigc-vs-original"),  # the note defining GPM mentions 100+ too
        ("where does the 5% number come from", "aigc-volume-share"),  # 5% is the claim's 0.05, not the $5 refund fee cap
        ("这数据哪来的", "gpm-definition"),  # no figure quoted: the best match
    ],
)
def test_a_source_question_is_about_the_entry_that_owns_the_figure(question: str, expected: str) -> None:
    ranked = [KB["gpm-definition"], KB["referral-fee-us"], KB["aigc-volume-share"], KB["gpm-aigc-vs-original"]]
    assert _holding_the_figure(ranked, question).id == expected


def test_a_chinese_sentence_runs_to_its_full_stop_not_its_semicolon() -> None:
    assert first_sentence("AI模特可以用，但要和实物一致并打标；别用AI做假评价。第二句。", "zh") == "AI模特可以用，但要和实物一致并打标；别用AI做假评价。"


def test_a_playbook_reason_is_its_title_not_a_fragment_of_its_numbered_steps() -> None:
    line = reason(KB["playbook-ai-video-math"], "zh")
    assert line.startswith("- 上AI视频之前，先把账算清楚。") and "1）" not in line
