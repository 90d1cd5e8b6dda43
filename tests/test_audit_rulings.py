"""Regression tests for the wrong rulings of the 2026-12-07 audit (§2.1, R1-R16), in sellers' words
written for these tests (not the audit's probe questions). Market and format come from the engine's
reader; replies come from the real offline advisor."""

from __future__ import annotations

import pytest

from assistant.advisor import Advisor
from assistant.config import PACKAGE_ROOT
from assistant.engine.reading.reading import read
from assistant.kb.loader import KnowledgeBase
from assistant.kb.rulings import RulingResult, Rulebook

KB = KnowledgeBase.from_dir(PACKAGE_ROOT / "knowledge")
BOOK = Rulebook(KB)


def rule(text: str) -> RulingResult:
    reading = read(text)
    market, fmt = reading.market or "US", reading.format or "short-video"
    return BOOK.rule_on(text, "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en", market, fmt)


def rests_on(result: RulingResult) -> set[str]:
    return {m.clause.id for m in result.rests_on}


# R1: AI voices, TTS and looped AI video in a US LIVE were "allowed with a label".
@pytest.mark.parametrize("question", [
    "美区直播我想用AI合成的女声介绍产品，开了AI标识就没问题吧？",
    "For my US lives, can a TTS voice do the selling if I turn on the AI disclosure?",
    "直播间挂着反复播放我们用AI做的讲解视频行不行",
    "Can my livestream just replay an AI-made demo on a loop all night?",
])
def test_r1_non_real_time_voice_or_loop_in_a_us_live_is_banned_label_or_not(question: str) -> None:
    result = rule(question)
    assert result.verdict == "banned", result
    assert rests_on(result) & {"us-live-non-realtime-voice", "us-live-non-realtime-content"}


# R2: AI testimonials, an AI "results" shot and a fake AI influencer were "allowed with a label".
@pytest.mark.parametrize(("question", "clause"), [
    ("用AI生成几段老外买家夸我们产品的视频，注明是AI，能挂车吗", "us-ai-testimonial"),
    ("Could I generate an AI clip of my serum fading freckles within a week, disclosed as AI?", "us-fabricated-results"),
    ("Is a made-up AI influencer praising my blender OK if I tag it as AI?", "us-ai-testimonial"),
    ("AI做一段用了我们面膜一周皱纹没了的效果，标了AI能发吗", "us-fabricated-results"),
])
def test_r2_fabricated_results_and_testimonials_are_banned_even_labelled(question: str, clause: str) -> None:
    result = rule(question)
    assert result.verdict == "banned" and clause in rests_on(result), result


# R3: the zh guidance of aigc-label-reach told sellers to post a batch unlabelled.
def test_r3_no_guidance_or_reach_reply_suggests_posting_ai_content_unlabelled(advisor: Advisor) -> None:
    guidance = KB["aigc-label-reach"].guidance
    assert "标与不标" not in guidance.zh and "不标各发" not in guidance.zh
    reply = advisor.ask("想测一下打AI标签对流量的影响，怎么测？标签会不会限流？").answer
    assert "不标" not in reply.replace("不标被查到", "") and "unlabelled" not in reply


# R4: an AI "doctor" recommending supplements in the US was "allowed with a label".
@pytest.mark.parametrize("question", [
    "美区视频里让AI扮演营养师推荐我们的维生素，可以吗",
    "Can an AI-made pharmacist recommend my sleep gummies in the US?",
])
def test_r4_an_ai_medical_persona_endorsing_a_product_is_banned_in_the_us(question: str) -> None:
    result = rule(question)
    assert result.verdict == "banned" and "us-ai-expert" in rests_on(result), result


# R5: colour grading, retouching, a video-size question and an exact AI try-on were banned.
@pytest.mark.parametrize(("question", "verdict"), [
    ("用AI把视频画质提升到4K可以吗", "allowed"),
    ("Can I let AI fix the lighting of my clips?", "allowed"),
    ("AI试戴耳环，颜色尺寸和实物一致，能发吗", "label-required"),
])
def test_r5_edits_and_accurate_try_ons_are_not_banned(question: str, verdict: str) -> None:
    assert rule(question).verdict == verdict


@pytest.mark.parametrize("question", ["What aspect ratio and size should my AI product video be?", "AI视频尺寸做多大合适"])
def test_r5_a_question_about_video_size_is_not_a_ban(question: str) -> None:
    result = rule(question)
    assert result.verdict not in ("banned", "restricted")
    assert not rests_on(result) & {"us-alter-product", "sea-misrepresent-product"}


def test_r5_changing_the_product_itself_is_still_banned() -> None:
    assert rule("用AI把鞋子的颜色改得比实物更亮，可以吗").verdict == "banned"


# R6: AI subtitles on a real customer's review were "banned outright".
@pytest.mark.parametrize("question", [
    "真实顾客的评价视频，我用AI配了英文字幕，可以吗",
    "Can I put AI subtitles on a genuine customer testimonial clip?",
])
def test_r6_captions_on_a_real_review_are_allowed(question: str) -> None:
    result = rule(question)
    assert result.verdict == "allowed" and "us-captions-dubbing-allowed" in rests_on(result), result


# R7: dubbing one's own video and a faceless video with one's own voice were "not advisable (official policy)".
def test_r7_dubbing_your_own_footage_is_allowed() -> None:
    result = rule("我自己拍的开箱视频，用AI翻译成英语配音再发，行吗")
    assert result.verdict == "allowed"


def test_r7_a_faceless_video_with_your_own_narration_is_not_restricted() -> None:
    result = rule("No face in my short videos, I narrate my own footage myself, allowed?")
    assert result.verdict == "allowed" and "us-live-human-present" in rests_on(result), result


def test_r7_the_unverified_short_video_voice_report_never_reads_as_official(advisor: Advisor) -> None:
    answer = advisor.ask("美区带货短视频全程用AI语音解说，会违规吗")
    lead = answer.answer.split("\n")[0]
    assert "不建议" not in lead and "不行" not in lead and "要看情况" in lead
    for line in answer.answer.splitlines():
        if "[tts-quality-live-rules]" in line:
            assert "官方政策" not in line and "未经核实" in line


# R8: an avatar driven live by a person, under half the screen, was banned.
@pytest.mark.parametrize("question", [
    "我在镜头外实时说话，用虚拟形象代替我出镜直播，美区可以吗",
    "Small cartoon avatar in the corner while I host my LIVE in real time, OK?",
])
def test_r8_an_avatar_driven_live_by_a_person_is_not_banned(question: str) -> None:
    result = rule(question)
    assert result.verdict not in ("banned", "restricted") and "us-live-non-realtime-voice" not in rests_on(result), result
    assert "us-live-avatar-with-person" in rests_on(result) | {m.clause.id for m in result.also}


# R9: hands on screen plus the seller's own voice was "restricted".
@pytest.mark.parametrize("question", [
    "不露脸，只露手拆箱，我自己讲解，会被判不原创吗",
    "Faceless but my hands are in the shot and I narrate it myself, fine?",
])
def test_r9_hands_and_your_own_voice_meet_the_human_presence_rule(question: str) -> None:
    result = rule(question)
    assert result.verdict == "allowed" and "us-no-live-human" not in rests_on(result), result


# R10: "do I need to label in SEA / UK / JP / EU?" found no clause.
@pytest.mark.parametrize("question", [
    "印尼站的AI带货视频需要标注吗", "In Japan, must AI product videos carry the AI label?", "欧盟卖家发AI视频要打标签吗",
    "UK shop here: does my AI-made clip need the label?",
])
def test_r10_the_global_label_clause_covers_every_market(question: str) -> None:
    result = rule(question)
    assert result.verdict == "label-required" and "global-label-ai-content" in rests_on(result), result


# R11: realistic labelled AIGC and removing one's own watermark were banned.
def test_r11_realistic_labelled_ai_content_is_not_banned() -> None:
    assert rule("AI视频真实得像实拍，已经打了AI标签，能发吗").verdict == "label-required"


def test_r11_removing_your_own_editing_app_watermark_is_not_the_label_ban() -> None:
    result = rule("去掉我自己视频上剪映的水印可以吗")
    assert result.verdict != "banned" and "global-remove-label" not in rests_on(result)


def test_r11_misleading_ai_content_stays_banned_even_labelled() -> None:
    assert rule("用AI编一条假的产品召回新闻引流，打了标可以吗").verdict == "banned"


# R12: a genuine closing-down sale in SEA was banned as a sob story.
@pytest.mark.parametrize("question", [
    "泰国店是真的要倒闭了，用AI做个清仓视频说明情况可以吗",
    "Our Vietnam store is actually closing; can an AI video announce the clearance honestly?",
])
def test_r12_a_genuine_closing_down_sale_is_not_an_invented_sob_story(question: str) -> None:
    result = rule(question)
    assert result.verdict != "banned" and "sea-sob-story" not in {m.clause.id for m in result.rests_on if m.applies}


# R13: a licensed likeness with a signed contract was banned.
@pytest.mark.parametrize("question", [
    "我们跟明星签了肖像授权，用AI生成他的代言视频行吗",
    "We hold a signed licence for the athlete's likeness; can we run an AI ad with it?",
])
def test_r13_an_authorized_likeness_is_label_required_not_banned(question: str) -> None:
    result = rule(question)
    assert result.verdict == "label-required" and "us-licensed-likeness" in rests_on(result), result


# R14: swapping a model's face was only "label-required".
@pytest.mark.parametrize("question", ["用AI把模特换成另一张脸可以吗", "Can AI swap the model's face in my clip for someone else's?"])
def test_r14_a_face_swap_onto_someone_elses_face_is_banned(question: str) -> None:
    result = rule(question)
    assert result.verdict == "banned" and "us-impersonation" in rests_on(result), result


# R15: AI listing images were ruled from a video clause.
@pytest.mark.parametrize("question", ["商品详情页的图用AI生成行不行", "Can I use AI-generated main images on my product listing?"])
def test_r15_listing_images_get_no_verdict_borrowed_from_a_video_clause(question: str) -> None:
    result = rule(question)
    assert result.verdict is None and [a.concept for a in result.uncovered] == ["listing_image"], result


# R16: "will the label cut my reach?" got "可以，但要打AI标签。"
@pytest.mark.parametrize("question", ["加了AI标识，视频会不会被少推", "Does the AI label hurt how many people see my video?"])
def test_r16_a_reach_question_is_not_answered_as_a_ruling(question: str) -> None:
    result = rule(question)
    assert result.reach and result.verdict is None


@pytest.mark.parametrize(("question", "lang"), [("加了AI标识，视频会不会被少推", "zh"), ("Will labelling my AI videos kill my reach?", "en")])
def test_r16_the_reach_reply_gives_the_official_and_the_insider_side(advisor: Advisor, question: str, lang: str) -> None:
    answer = advisor.ask(question)
    lead = answer.answer.split("\n")[0]
    assert answer.lang == lang and not lead.startswith(("**可以", "**Yes"))
    cited = {c.id for c in answer.citations}
    assert "aigc-label-reach" in cited or "tts-aigc-policy-us" in cited
    assert {"ai-account-throttling"} & cited, cited


def test_check_policy_rules_on_the_sellers_own_words() -> None:
    """The tool an LLM calls with the seller's words runs the same matcher: a labelled AI voice in LIVE is banned."""
    from assistant.tools.registry import policy_tool

    tool = policy_tool(list(KB)).as_tool()
    result = tool.invoke({"action": "Can I use AI-generated voices in my LIVE if I label it?", "lang": "en"})
    assert result["strength"] == "strong" and result["verdict"] == "banned"
    assert result["rulings"][0]["evidence_label"]["en"] == "official policy"
