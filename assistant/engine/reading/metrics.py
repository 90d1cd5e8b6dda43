"""How well the reader reads labelled messages: the four figures reported for the test split.

- number-role accuracy: labelled numbers the reader found and gave the labelled role (a number
  it did not find at all counts as wrong);
- act accuracy: labelled questions the reader found (overlapping span) and gave the labelled act;
- whole-Reading accuracy: turns whose language, market and format (as the engine acts on them:
  carried over from earlier turns, the US and short video when none is named), every number's
  role, the sequence of acts and the calculation shape all match;
- confidently-wrong rate: of the numbers read with at least `BIND_CONFIDENCE` (the confidence a
  calculation needs to use a number), the share whose role is wrong.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from assistant.engine.reading.corpus import Example
from assistant.engine.reading.reading import Reading, State, read
from assistant.engine.shapes.bind import BIND_CONFIDENCE
from assistant.engine.shapes.solve import shape_of



def _span(text: str, piece: str, after: int = 0) -> tuple[int, int] | None:
    found = text.find(piece, after) if piece else -1
    return (found, found + len(piece)) if found >= 0 else None


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _number_results(ex: Example, reading: Reading) -> list[tuple[str, str | None, float]]:
    """(labelled role, read role or None, confidence) for each labelled number."""
    out, position = [], 0
    for label in ex.reading.get("numbers", []):
        span = _span(ex.text, label.get("text", ""), position)
        if span:
            position = span[1]
        read_number = next((n for n in reading.numbers if span and _overlaps(n.span, span)), None)
        out.append((label["role"], read_number.role if read_number else None, read_number.confidence if read_number else 0.0))
    return out


def _act_results(ex: Example, reading: Reading) -> list[tuple[str, str | None]]:
    out, position = [], 0
    for label in ex.reading.get("asks", []):
        span = _span(ex.text, label.get("text", ""), position)
        if span:
            position = span[1]
        found = next((a for a in reading.asks if span and _overlaps(a.span, span)), None)
        out.append((label["act"], found.act if found else None))
    return out


def evaluate(items: list[Example]) -> dict[str, Any]:
    """The four figures (and their parts) over `items`."""
    roles = acts = whole = 0
    roles_total = acts_total = 0
    confident = confident_wrong = 0
    shapes_right = shapes_total = 0
    confusions: Counter[str] = Counter()
    states: dict[str, State] = {}
    for ex in items:
        key = ex.line_id
        state = states.get(key, State()) if ex.turn else State()
        reading = read(ex.text, previous=ex.earlier[-1] if ex.earlier else "")
        state = state.after(reading)
        states[key] = state
        numbers = _number_results(ex, reading)
        act_list = _act_results(ex, reading)
        roles_total += len(numbers)
        roles += sum(1 for want, got, _ in numbers if want == got)
        for want, got, p in numbers:
            if got is not None and p >= BIND_CONFIDENCE:
                confident += 1
                confident_wrong += want != got
            if want != got:
                confusions[f"{want}->{got}"] += 1
        acts_total += len(act_list)
        acts += sum(1 for want, got in act_list if want == got)
        shape = shape_of(reading, state)
        label_shape = ex.reading.get("shape", "none")
        shape_ok = shape == label_shape
        shapes_total += 1
        shapes_right += shape_ok
        label = ex.reading
        whole += (reading.lang == label.get("lang") and (state.market or "US") == (label.get("market") or "US")
                  and (state.format or "short-video") == (label.get("format") or "short-video")
                  and all(w == g for w, g, _ in numbers) and [a.act for a in reading.asks] == [a["act"] for a in label.get("asks", [])]
                  and shape_ok)  # fmt: skip
    ratio = lambda a, b: round(a / b, 4) if b else None  # noqa: E731
    return {
        "turns": len(items), "numbers": roles_total, "asks": acts_total,
        "number_role_accuracy": ratio(roles, roles_total), "act_accuracy": ratio(acts, acts_total),
        "whole_reading_accuracy": ratio(whole, len(items)),
        "confidently_wrong_rate": ratio(confident_wrong, confident), "confident_share": ratio(confident, roles_total),
        "shape_accuracy": ratio(shapes_right, shapes_total),
        "top_confusions": dict(confusions.most_common(12)),
    }  # fmt: skip
