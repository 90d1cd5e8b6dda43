"""Questions to suggest under an answer (Answer.follow_ups): the figure to change, the next decision.

They come from the turn itself (the calculations it ran, the act of its first question) and the
lexicon's `follow_ups.yaml`, in the reply's language; none repeats the question just asked.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from assistant.engine.lexicon import load
from assistant.kb.schema import Lang

MAX_FOLLOW_UPS = 3


@functools.cache
def _table() -> dict[str, Any]:
    return load("follow_ups")


def follow_ups(act: str | None, tools: Sequence[str], question: str, lang: Lang) -> list[str]:
    """Up to three questions the seller may ask next."""
    table = _table()
    found = [q[lang] for tool in tools for q in table["by_tool"].get(tool, [])]
    found += [q[lang] for q in table["by_act"].get(act or "", [])]
    return [q for q in dict.fromkeys(found) if q.rstrip("？?") not in question][:MAX_FOLLOW_UPS]
