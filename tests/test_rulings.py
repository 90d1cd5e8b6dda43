"""Every example question of every rule clause runs here: a clause's `rules` examples get its ruling,
its `not` examples (near misses) do not. Market and format come from the engine's reader, as in a reply."""

from __future__ import annotations

import pytest

from assistant.engine.reading.reading import read
from assistant.kb.rulings import RulingResult, Rulebook
from assistant.kb.schema import Clause, Lang
from assistant.config import PACKAGE_ROOT
from assistant.kb.loader import KnowledgeBase

KB = KnowledgeBase.from_dir(PACKAGE_ROOT / "knowledge")
BOOK = Rulebook(KB)
CLAUSES = [c for e in KB for c in e.rules]


def _rule(text: str, lang: Lang) -> RulingResult:
    reading = read(text)
    market, fmt = reading.market or "US", reading.format or "short-video"
    return BOOK.rule_on(text, lang, market, fmt)


def _describe(result: RulingResult) -> str:
    return (f"{result.strength} {result.verdict} rests on {[m.clause.id for m in result.rests_on]}, "
            f"also {[m.clause.id for m in result.also]}, uncovered {[a.concept for a in result.uncovered]}, "
            f"read {[(a.concept, sorted(a.qualifiers)) for a in result.reading.actions] if result.reading else []}")


def _examples(negative: bool) -> list[tuple[str, Lang, str]]:
    return [(c.id, lang, q) for c in CLAUSES for lang, ex in c.examples.items() for q in (ex.not_ if negative else ex.rules)]


def gives_its_ruling(clause: Clause, result: RulingResult) -> bool:
    """A verified clause rules (a strong verdict resting on it), or it is said beside a stricter clause
    whose condition is open; an unverified one agrees with a verified verdict or is what a "depends"
    answer rests on."""
    rests = [m.clause.id for m in result.rests_on]
    if not clause.verified:  # said beside a verified clause of the same ruling, or what "depends" rests on
        agrees = result.strength == "strong" and result.verdict == clause.ruling and clause.id in [m.clause.id for m in result.also]
        return agrees or (result.strength == "weak" and clause.id in rests and not result.reach)
    if result.strength == "strong":
        return result.verdict == clause.ruling and clause.id in rests
    stricter = all(m.clause.severity > clause.severity for m in result.rests_on)
    return not result.reach and stricter and clause.id in [m.clause.id for m in result.also]


@pytest.mark.parametrize(("clause_id", "lang", "question"), _examples(negative=False))
def test_a_clause_rules_on_its_examples(clause_id: str, lang: Lang, question: str) -> None:
    clause = next(c for c in CLAUSES if c.id == clause_id)
    result = _rule(question, lang)
    assert gives_its_ruling(clause, result), _describe(result)


@pytest.mark.parametrize(("clause_id", "lang", "question"), _examples(negative=True))
def test_a_clause_does_not_rule_on_its_near_misses(clause_id: str, lang: Lang, question: str) -> None:
    result = _rule(question, lang)
    assert not [m for m in result.rests_on if m.clause.id == clause_id and m.applies], _describe(result)


def test_every_clause_has_five_examples_each_way_in_each_language() -> None:
    assert len(CLAUSES) >= 20
    for clause in CLAUSES:
        for lang in ("zh", "en"):
            assert len(clause.examples[lang].rules) >= 5 and len(clause.examples[lang].not_) >= 5, (clause.id, lang)


@pytest.mark.parametrize(("text", "lang"), [
    ("日本站 想拿AI克隆一个当红博主的声音来念我们的广告 没经过她同意 会不会出事", "zh"),
    ("selling in the UK, thinking of using AI to clone a popular influencer's voice without asking her, risky?", "en"),
])
def test_a_ban_in_another_market_is_said_where_the_sellers_market_has_no_clause(text: str, lang: Lang) -> None:
    """No clause of the seller's market rules on it, a verified ban elsewhere does: the answer rests on that
    ban (said as another market's), never a silent 'no clause' beside a label ruling."""
    result = _rule(text, lang)
    assert result.verdict is None and result.rests_on, _describe(result)
    assert result.rests_on[0].how == "abroad" and result.rests_on[0].clause.ruling == "banned", _describe(result)
    assert "GLOBAL" not in result.rests_on[0].clause.markets


def test_a_voice_used_with_written_permission_abroad_gets_no_borrowed_ban() -> None:
    result = _rule("日本站 达人签了授权合同 用AI克隆她的声音做口播行吗", "zh")
    assert not any(m.how == "abroad" for m in result.rests_on), _describe(result)
