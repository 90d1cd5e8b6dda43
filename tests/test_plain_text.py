"""The copy button's text: the reply as plain text, then its sources numbered with URLs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.advisor import Advisor
from assistant.answer import Answer
from assistant.cli import main
from assistant.tools.calculators import CALCULATORS
from assistant.plain_text import answer_text as copy_text, plain
from assistant.ui.answer_html import answer_content
from test_ui_render import citation


def test_plain_drops_markdown_marks_and_keeps_the_words() -> None:
    assert plain("**20万播放、GPM 12，约2,400美元。**\n\n*GMV = 20万 × 12 ÷ 1,000*") == "20万播放、GPM 12，约2,400美元。\n\nGMV = 20万 × 12 ÷ 1,000"
    assert plain("## Verdict\nset `gpm_basis` to views, 3 * 4 = 12") == "Verdict\nset gpm_basis to views, 3 * 4 = 12"


def test_copy_text_is_the_reply_then_numbered_sources_with_urls() -> None:
    answer = Answer(
        answer="**No.** Insiders say so [gpm-aigc-vs-original], the rule says otherwise [official-rule].",
        details="**Evidence** long details that copy leaves out",
        lang="en",
        provider="offline",
        citations=[citation(), citation(id="official-rule", title="Official rule", url="", publisher="TikTok")],
    )
    assert copy_text(answer) == (
        "No. Insiders say so [1], the rule says otherwise [2].\n\nSources:\n"
        "1. AI video GPM of 10-16 (insider claim, unverified; TT123, 2026-01-18) https://www.tt123.com/t/cFV3tD6l\n"
        "2. Official rule (insider claim, unverified; TikTok, 2026-01-18)"
    )
    assert '<pre class="tk-copy" aria-hidden="true">No. Insiders say so [1], the rule says otherwise [2].\n\nSources:\n1. ' in answer_content(answer)


def test_copy_of_real_answers_has_no_markup_and_no_tool_names(advisor: Advisor) -> None:
    for question in ("我的视频20万播放, GPM 12, 能卖多少?", "Will my account get throttled for AI videos?"):
        answer = advisor.ask(question)
        text = copy_text(answer)
        assert "<" not in text and "**" not in text and answer.citations
        assert not [name for name in [*CALCULATORS, "search_knowledge", "check_policy"] if name in text]
        assert not [c.id for c in answer.citations if c.id in text]
        assert text.splitlines()[-1].startswith(f"{len(answer.citations)}. ")


def test_tk_advisor_ask_prints_the_reply_then_numbered_sources(
    advisor: Advisor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The terminal gets plain text (issue 26: it printed raw Markdown with knowledge ids and no sources)."""
    question = "我的视频20万播放, GPM 12, 能卖多少?"
    expected = advisor.ask(question)
    monkeypatch.setenv("TK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TK_PROVIDER", "offline")
    assert main(["ask", question]) == 0
    out = capsys.readouterr().out.strip()
    reply, _, sources = out.partition("\n\n来源：\n")
    assert reply and "**" not in reply and "<" not in reply
    assert not [c.id for c in expected.citations if c.id in out]
    lines = sources.splitlines()
    assert len(lines) == len(expected.citations) > 0
    assert all(line.startswith(f"{n}. ") and re.search(r"\d{4}-\d{2}-\d{2}|未注明日期", line) for n, line in enumerate(lines, 1))
    assert out == copy_text(expected)  # the same text as the web chat's copy button
