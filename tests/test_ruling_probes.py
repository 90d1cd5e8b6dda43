"""Safety of rulings on seller phrasings nobody wrote a clause example for (tests/data/ruling_probes.yaml):
a banned action is never answered "allowed" or "label-required" (a weak answer with no verdict is
acceptable), and an allowed one is never answered "banned" or "restricted"."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.config import PACKAGE_ROOT
from assistant.engine.reading.reading import read
from assistant.kb.loader import KnowledgeBase
from assistant.kb.rulings import Rulebook

PROBES = yaml.safe_load((Path(__file__).parent / "data" / "ruling_probes.yaml").read_text(encoding="utf-8"))
BOOK = Rulebook(KnowledgeBase.from_dir(PACKAGE_ROOT / "knowledge"))


def _verdict(question: str) -> str | None:
    reading = read(question)
    market, fmt = reading.market or "US", reading.format or "short-video"
    return BOOK.rule_on(question, "zh", market, fmt).verdict


@pytest.mark.parametrize("question", PROBES["banned"])
def test_a_banned_action_is_never_allowed(question: str) -> None:
    assert _verdict(question) not in ("allowed", "label-required")


@pytest.mark.parametrize("question", PROBES["allowed"])
def test_an_allowed_action_is_never_banned(question: str) -> None:
    assert _verdict(question) not in ("banned", "restricted")
