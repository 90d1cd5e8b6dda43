"""Question acts: cue words and the sentence encoder, on phrasings written apart from the exemplars."""

from __future__ import annotations

import pytest

from assistant.engine.acts import read_act
from assistant.engine.premises import stated_premise
from assistant.engine.scope import in_scope_part, market_of, other_marketplace


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


def test_another_marketplace_beside_tiktok_is_named_unless_it_is_a_separate_part() -> None:
    assert other_marketplace("shopee的佣金比tiktok高吗") == "shopee"
    assert other_marketplace("亚马逊的广告费贵吗？另外AI视频在tiktok要不要打标") is None  # the mixed-part line says it
    assert other_marketplace("AI视频要不要打标") is None


@pytest.mark.parametrize(
    ("question", "claims_a_ban"),
    [
        ("Is it true that TikTok bans AI videos in the US now?", True),
        ("听说美区现在禁止发AI视频了 是真的吗", True),
        ("AI视频是不是被封杀了", True),
        ("heard tiktok banned ai generated content, should i stop?", True),
        ("用AI改商品颜色被禁止吗", False),  # one use of AI: a policy question
        ("Is it banned to use AI to change a product colour?", False),
        ("AI视频会不会被限流", False),
        ("can I post AI videos?", False),
    ],
)
def test_a_claim_that_ai_videos_are_banned_is_a_premise_to_correct(question: str, claims_a_ban: bool) -> None:
    premise = stated_premise(question)
    assert (premise is not None and premise.entry_ids == ("tts-aigc-policy-us",)) == claims_a_ban
