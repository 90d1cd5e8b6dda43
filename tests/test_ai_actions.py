"""The AI-actions lexicon: every example reads as its concept, qualifier or ask; every `not` does not."""

from __future__ import annotations

import pytest

from assistant.engine.ai_actions import lexicon, read_ai, read_ai_actions


def _cases(group: str, negative: bool) -> list[tuple[str, str]]:
    items = {"concepts": lexicon().concepts, "qualifiers": lexicon().qualifiers, "asks": lexicon().asks}[group]
    return [(name, text) for name, item in items.items() for text in (item.not_ if negative else item.examples)]


def _read(text: str) -> tuple[set[str], set[str], set[str]]:
    reading = read_ai(text)
    quals = {q for a in reading.actions for q in a.qualifiers}
    return {a.concept for a in reading.actions if a.words}, quals, set(reading.asks)


@pytest.mark.parametrize(("concept", "text"), _cases("concepts", negative=False))
def test_a_concept_is_read_in_its_examples(concept: str, text: str) -> None:
    assert concept in _read(text)[0], read_ai(text)


@pytest.mark.parametrize(("concept", "text"), _cases("concepts", negative=True))
def test_a_concept_is_not_read_in_its_near_misses(concept: str, text: str) -> None:
    assert concept not in _read(text)[0], read_ai(text)


@pytest.mark.parametrize(("qualifier", "text"), _cases("qualifiers", negative=False))
def test_a_qualifier_is_read_in_its_examples(qualifier: str, text: str) -> None:
    assert qualifier in _read(text)[1], read_ai(text)


@pytest.mark.parametrize(("qualifier", "text"), _cases("qualifiers", negative=True))
def test_a_qualifier_is_not_read_in_its_near_misses(qualifier: str, text: str) -> None:
    assert qualifier not in _read(text)[1], read_ai(text)


@pytest.mark.parametrize(("ask", "text"), _cases("asks", negative=False))
def test_an_ask_is_read_in_its_examples(ask: str, text: str) -> None:
    assert ask in _read(text)[2], read_ai(text)


@pytest.mark.parametrize(("ask", "text"), _cases("asks", negative=True))
def test_an_ask_is_not_read_in_its_near_misses(ask: str, text: str) -> None:
    assert ask not in _read(text)[2], read_ai(text)


def test_the_marker_examples_mention_ai() -> None:
    assert all(read_ai(t).mentions_ai for t in lexicon().markers.examples)
    assert not any(read_ai(t).mentions_ai for t in lexicon().markers.not_)


def test_a_qualifier_belongs_to_the_concept_it_stands_beside() -> None:
    """"real customer" qualifies the review, not the subtitles; "我自己的" the voice being cloned."""
    actions = {a.concept: a for a in read_ai_actions("Can I add AI subtitles to a real customer review video?")}
    assert "genuine" in actions["testimonial"].qualifiers and actions["caption"].with_ai
    assert not actions["testimonial"].with_ai, "the AI makes the subtitles, not the review"
    clone = {a.concept: a for a in read_ai_actions("把我自己的声音克隆一下，再用达人的脚本")}
    assert "own" in clone["voice_clone"].qualifiers


def test_the_longest_term_wins_and_a_label_condition_is_not_the_label_question() -> None:
    assert [a.concept for a in read_ai_actions("不打标可以吗")] == ["hide_label"]
    with_label = read_ai("Can I use AI-generated voices in my LIVE if I label it?")
    assert "label" not in with_label.concepts() and all("labelled" in a.qualifiers for a in with_label.actions)


def test_something_heavy_made_with_ai_makes_the_message_about_ai_content() -> None:
    concepts = read_ai("用AI生成买家证言视频").concepts()
    assert "content" in concepts and "testimonial" in concepts
    assert "content" not in read_ai("用AI给视频调色").concepts(), "a light edit is not AI-made content"


@pytest.mark.parametrize("text", ["", "   ", "？？？", "a" * 5000, "数字人" * 2000, "\x00\u202e AI"])
def test_odd_input_reads_without_error(text: str) -> None:
    reading = read_ai(text)
    assert isinstance(reading.actions, tuple)
