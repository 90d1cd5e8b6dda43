"""Rulings: which clause of a rule-stating note matches what a seller wants to do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assistant.kb.schema import Entry, Format, Market, Rule

_SEVERITY = {"banned": 3, "restricted": 2, "label-required": 1, "allowed": 0}
"""When several clauses match, the strictest rules: "不打标" is about hiding the label, not about labelling."""


@dataclass(frozen=True)
class Ruling:
    """A rule that matched, the entry it belongs to and the words that matched."""

    entry: Entry
    rule: Rule
    alias: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "entry": self.entry.id, "ruling": self.rule.ruling, "action": self.rule.action.model_dump(),
            "format": self.rule.format, "markets": list(self.rule.markets), "evidence": self.entry.evidence,
            "penalty": self.rule.penalty.model_dump() if self.rule.penalty else None, "matched": self.alias,
        }  # fmt: skip


def find_rulings(entries: Iterable[Entry], text: str, market: Market, fmt: Format) -> list[Ruling]:
    """The rules whose aliases occur in `text`, for `market` (GLOBAL rules apply everywhere) and the
    question's format (`all`: a question naming several formats takes any clause): the clause of that
    very format first, then the strictest ruling, then the longest alias."""
    lowered = text.casefold()
    found: list[tuple[tuple[int, int], Ruling]] = []
    for entry in entries:
        for rule in entry.rules:
            if not ({market, "GLOBAL"} & set(rule.markets)) or "all" not in (fmt, rule.format) and rule.format != fmt:
                continue
            hits = [a for a in rule.aliases if a.casefold() in lowered]
            if hits:
                alias = max(hits, key=len)
                found.append(((rule.format == fmt, _SEVERITY[rule.ruling], len(alias)), Ruling(entry, rule, alias)))
    found.sort(key=lambda item: item[0], reverse=True)
    return [ruling for _, ruling in found]
