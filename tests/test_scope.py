"""Relevance by format: the question's format, which entries fit it, and rulings of that format."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.advisor import Advisor
from assistant.config import PACKAGE_ROOT
from assistant.engine.positions import stance
from assistant.engine.reading.reading import State, read
from assistant.engine.scope import CLEARLY_BETTER, Scope
from assistant.kb.loader import KnowledgeBase
from assistant.kb.positions import Positions
from assistant.kb.rulings import Rulebook

KB = KnowledgeBase.from_dir(Path(PACKAGE_ROOT) / "knowledge")


@pytest.mark.parametrize(
    ("question", "fmt"),
    [
        ("直播间能不能挂数字人", "LIVE"), ("明晚开播想试试AI主播", "LIVE"), ("场观一直上不去", "LIVE"),
        ("going live tonight with a new host", "LIVE"), ("my livestream GPM is 8", "LIVE"),
        ("带货视频用AI配音行吗", "short-video"), ("我的短视频GPM才5", "short-video"), ("are AI clips worth it", "short-video"),
        ("图文挂车要打标吗", "image"), ("thinking of carousel posts instead", "image"), ("photo mode posts with a cart", "image"),
        ("AI要打标吗", "short-video"), ("live-action footage or AI?", "short-video"), ("I live in Ohio, is AI ok", "short-video"),
        ("直播和短视频哪个更适合AI", "all"), ("直播视频回放能剪吗", "LIVE"),
    ],
)
def test_the_format_is_read_in_seller_words(question: str, fmt: str) -> None:
    assert (read(question).format or "short-video") == fmt


def _state(*texts: str) -> State:
    state = State()
    for text in texts:
        state = state.after(read(text))
    return state


def test_the_format_carries_over_like_the_market() -> None:
    assert _state("美区准备开播了", "那配音呢").format == "LIVE"
    assert _state("直播间能用数字人吗", "那图文呢").format == "image"
    uk = _state("直播间能用数字人吗", "英国呢")
    assert (uk.market, uk.format) == ("UK", "LIVE")


def test_narrow_keeps_the_format_and_takes_another_only_when_nothing_fits_or_it_is_far_better() -> None:
    scope = Scope("US", "LIVE")
    scores = {"gpm-definition": 0.45, "gpm-aigc-vs-original": 0.41, "digital-human-live": 0.30}
    assert scope.narrow(list(scores), KB.__getitem__, scores.__getitem__) == ["gpm-definition", "digital-human-live"]
    far = {"aigc-volume-share": 0.45 + CLEARLY_BETTER, "platform-ai-debate": 0.45}
    assert scope.narrow(list(far), KB.__getitem__, far.__getitem__) == list(far)
    none = {"aigc-volume-share": 0.5, "gpm-aigc-vs-original": 0.4}
    assert scope.narrow(list(none), KB.__getitem__, none.__getitem__) == list(none)
    uk = {"tts-aigc-policy-uk": 0.5, "tts-aigc-policy-us": 0.45}
    assert Scope("US", "short-video").narrow(list(uk), KB.__getitem__, uk.__getitem__) == ["tts-aigc-policy-us"]


def test_entries_from_elsewhere_are_named_in_one_line() -> None:
    live = Scope("US", "LIVE")
    assert live.elsewhere([KB["gpm-definition"], KB["digital-human-live"]], "zh") == ""
    assert live.elsewhere([KB["aigc-volume-share"]], "zh") == "（[aigc-volume-share]讲的是短视频，直播没有同类资料。）"
    line = Scope("US", "short-video").elsewhere([KB["tts-aigc-policy-uk"]], "en")
    assert line == "([tts-aigc-policy-uk]: about the UK; there is nothing like it for the US.)"


def test_rulings_follow_the_question_format() -> None:
    book = Rulebook(KB)
    live = book.rule_on("中间放一段AI配音可以吗", "zh", "US", "LIVE")
    assert live.verdict == "banned" and live.rests_on[0].clause.formats == ["LIVE"]
    video = book.rule_on("中间放一段AI配音可以吗", "zh", "US", "short-video")
    assert video.verdict is None and all("LIVE" not in m.clause.formats for m in (*video.rests_on, *video.also))
    image = book.rule_on("静态图片做成图文可以吗", "zh", "US", "image")
    assert all(m.clause.covers("image") for m in (*image.rests_on, *image.also))
    both = book.rule_on("AI配音", "zh", "US", "all")
    assert {"LIVE", "short-video"} <= {f for m in (*both.rests_on, *both.also) for f in m.clause.formats}


POSITIONS = Positions.load(Path(PACKAGE_ROOT) / "knowledge" / "positions")


def test_the_ai_video_stance_is_not_a_live_decision() -> None:
    assert stance(POSITIONS, "直播间上AI值不值", _state("直播间上AI值不值"), "decide") is None
    assert stance(POSITIONS, "AI视频值不值得做", _state("AI视频值不值得做"), "decide") is not None


def test_a_live_question_cites_no_short_video_only_entry(advisor: Advisor) -> None:
    answer = advisor.ask("昨晚直播观看2w 成交1600刀 GPM算下来咋样")
    assert "80" in answer.answer
    cited = {c.id for c in answer.citations}
    assert not [i for i in cited if not KB[i].covers("LIVE")], cited
    assert "偏高" not in answer.answer, "a LIVE GPM is not judged against the article's short-video range"
    short = advisor.ask("我的AI视频 2w播放 成交300刀 GPM算下来咋样")
    assert "gpm-aigc-vs-original" in {c.id for c in short.citations}


def test_a_decision_ruled_out_by_a_clause_of_its_format_says_no(advisor: Advisor) -> None:
    live = advisor.ask("数字人直播 现在还能做吗 美区")
    assert live.answer.startswith("**不行。**") and "tts-quality-live-rules" in {c.id for c in live.citations}
    video = advisor.ask("AI视频还值得做吗")
    assert not video.answer.startswith("**不行。**"), "the AI-video stance, not a LIVE clause, decides a short-video question"
