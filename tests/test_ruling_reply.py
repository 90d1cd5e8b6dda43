"""The reply to a rule question as a seller reads it: the rule first, never "no clause" above the rule."""

from __future__ import annotations

import pytest

from assistant.engine.ruling_reply import write_ruling_reply


def _clause(clause: str, ruling: str, role: str, how: str, action: str) -> dict:
    return {"entry": f"entry-{clause}", "clause": clause, "ruling": ruling, "role": role, "strength": "weak", "how": how,
            "action": {"zh": action, "en": action}, "condition": None, "verified": True, "penalty": None, "instead": None,
            "evidence_label": {"zh": "官方政策", "en": "official policy"}, "uncovered": [], "formats": [], "markets": []}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_lookalike_clause_leads_as_the_closest_rule(lang) -> None:
    lookalike = _clause("replay", "banned", "depends", "nearest", "replaying a recorded LIVE")
    lead, *_ = write_ruling_reply(lang, [lookalike], [], lambda _: None)
    assert lead.startswith("**最接近的规定" if lang == "zh" else "**The closest rule") and "[entry-replay]" in lead
    assert "没有直接管" not in lead.split("**")[1] and "no clause" not in lead.split("**")[1].lower()


def test_a_clause_that_applies_beats_a_milder_lookalike_but_not_a_stricter_one() -> None:
    label = _clause("label", "label-required", "also", "met", "posting AI-made videos")
    milder = _clause("ok", "allowed", "depends", "nearest", "AI subtitles")
    stricter = _clause("hide", "banned", "depends", "nearest", "removing the AI label")
    assert write_ruling_reply("en", [milder, label], [], lambda _: None)[0].startswith("**Yes, with a label.**")
    assert write_ruling_reply("en", [stricter, label], [], lambda _: None)[0].startswith("**The closest rule: removing the AI label")


def test_a_clause_that_excludes_the_sellers_case_is_not_made_the_rule() -> None:
    excluded = _clause("still", "restricted", "depends", "excluded", "videos with no person and no voice")
    lead, bullet, *_ = write_ruling_reply("en", [excluded], [], lambda _: None)
    assert lead.startswith("**It depends") and "not your case" in bullet


def test_a_rule_question_no_clause_is_near_is_answered_from_what_was_found(advisor) -> None:
    answer = advisor.ask("跑题问下 最近美区发货老超时 晚发率到6%了 会被咋样 要不要紧")
    assert "late-dispatch-rate" in {c.id for c in answer.citations}
    assert not answer.answer.startswith("我没找到直接管")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_ban_from_another_market_leads_named_as_that_markets(lang) -> None:
    ban = {**_clause("clone", "banned", "depends", "abroad", "cloning another person's voice"), "markets": ["US"],
           "instead": {"zh": "用自己的声音。", "en": "Use your own voice."}}
    lead, instead = write_ruling_reply(lang, [ban], [], lambda _: None)
    assert ("美区明令禁止" if lang == "zh" else "the US bans") in lead and "[entry-clone]" in lead
    assert not lead.startswith(("**不行", "**No.", "**可以", "**Yes"))
    assert instead.endswith(("用自己的声音。", "Use your own voice."))


def test_a_reach_question_about_light_ai_work_is_not_told_to_label_it() -> None:
    """"我用AI写脚本，自己出镜，会不会限流": the script needs no label; the closing line says so, not "label anyway"."""
    script = {**_clause("script", "allowed", "reach", "met", "writing scripts with AI"), "sides": []}
    label = {**_clause("label", "label-required", "reach", "met", "posting AI-made videos"), "sides": []}
    assert "不用为它打AI标" in write_ruling_reply("zh", [script], [], lambda _: None)[-1]
    assert "label anyway" in write_ruling_reply("en", [script, label], [], lambda _: None)[-1]


def test_the_closest_rule_reads_as_english_whatever_its_ruling() -> None:
    """"posting AI videos is needs an AI label" was the template's grammar, not the seller's."""
    label = _clause("label", "label-required", "depends", "nearest", "posting AI-made videos")
    lead = write_ruling_reply("en", [label], [], lambda _: None)[0]
    assert lead.startswith("**The closest rule: posting AI-made videos: needs an AI label**") and " is needs" not in lead


@pytest.mark.parametrize(("ruling", "opener"), [("label-required", "**Not banned, but label it.**"), ("banned", "**Yes, banned.**"),
                                                ("allowed", "**Not banned.**")])
def test_is_it_banned_is_answered_as_asked(ruling, opener) -> None:
    """"Does TikTok ban AI videos?" answered "Yes, with a label" reads as yes to a ban: the opener answers the ban question."""
    verdict = {**_clause("c", ruling, "verdict", "met", "posting AI-made videos"), "strength": "strong", "asks_ban": True}
    assert write_ruling_reply("en", [verdict], [], lambda _: None)[0].startswith(opener)
    plain = {**verdict, "asks_ban": False}
    assert not write_ruling_reply("en", [plain], [], lambda _: None)[0].startswith(opener)


def test_a_ban_question_is_read_as_one(advisor) -> None:
    answer = advisor.ask("is it true tiktok bans AI videos in the US??")
    assert answer.answer.startswith("**Not banned, but label it.**") or answer.answer.startswith("**No")
