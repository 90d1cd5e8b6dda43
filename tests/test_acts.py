"""Question acts: cue words and the sentence encoder, on phrasings written apart from the exemplars."""

from __future__ import annotations

import pytest

from assistant.engine.acts import read_act
from assistant.engine.scope import in_scope_part, market_of


@pytest.mark.parametrize(
    ("question", "act"),
    [
        ("哈喽", "greeting"), ("Hello there", "greeting"), ("辛苦了", "thanks"), ("cheers!", "thanks"),
        ("你是干什么的", "help"), ("how does this work", "help"),
        ("15个视频一共3万播放卖了450刀 这个转化正常吗", "diagnose"),
        ("my GPM is 6 on AI clips, is that too low?", "diagnose"),
        ("一条视频20万播放GPM 12能卖多少钱", "compute"), ("how much do 350k views at GPM 14 bring in", "compute"),
        ("新手要不要all in AI", "decide"), ("should we move our budget from creators to AI videos?", "decide"),
        ("AI生成的模特图能直接当主图吗 会不会违规", "comply"), ("is it allowed to use an AI voice in my LIVE?", "comply"),
        ("GPM 10-16这个说法从哪来的", "source"), ("is the 5% figure real data or a guess?", "source"),
        ("GPM是按曝光算还是按播放算", "explain"), ("why do AI videos convert worse than real ones", "explain"),
    ],
)
def test_unseen_phrasings_land_on_their_act(question: str, act: str) -> None:
    assert read_act(question) == act


def test_a_mixed_question_keeps_the_in_scope_part_and_names_the_rest() -> None:
    asked, off = in_scope_part("亚马逊的广告费贵吗？另外AI视频在tiktok要不要打标")
    assert "打标" in asked and off is not None and "亚马逊" in off
    assert in_scope_part("AI视频要不要打标") == ("AI视频要不要打标", None)


def test_the_market_is_the_us_unless_named_now_or_before() -> None:
    assert market_of("AI视频要打标吗") == "US"
    assert market_of("英国站呢", ["AI视频要打标吗"]) == "UK"
    assert market_of("那要打标吗", ["我做的是日本站"]) == "JP"
