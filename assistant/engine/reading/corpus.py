"""The labelled seller corpus (`corpus/`): load it, check every line, and split it by batch.

The label format is described in `corpus/README.md`; `tk-advisor corpus check` runs `check`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from assistant.engine.lexicon import load as load_lexicon
from assistant.engine.shapes import shapes as all_shapes
from assistant.tools.numbers import NumberParseError, find_numbers
from assistant.yaml_fast import safe_load

CORPUS_DIR = Path(__file__).resolve().parents[3] / "corpus"

LANGS = {"zh", "en"}
MARKETS = {"US", "UK", "EU", "JP", "SEA", None}
FORMATS = {"short-video", "LIVE", "image", "all", None}
ACTS = {"greeting", "help", "thanks", "compute", "diagnose", "decide", "comply", "risk", "source", "explain", "out_of_scope"}
ROLES = {
    "views", "gpm", "gmv", "orders", "price", "product_cost", "margin", "profit", "cost_per_video", "flat_fee",
    "commission_rate", "ad_spend", "roas", "budget", "target_gmv", "videos", "samples", "sample_cost", "share",
    "probability", "share_cut", "change", "duration", "followers", "conversion_rate", "other",
}  # fmt: skip
SUBJECTS = {"ai", "creator", "original", None}
PERIODS = {"per_video", "per_order", "per_day", "per_week", "per_month", "total", None}
CURRENCIES = {"USD", "CNY", "GBP", "EUR", "JPY", "MYR", "THB", "SGD", "PHP", "IDR", "VND", "HKD"}
WANTS = {*load_lexicon("wants"), "verdict", "ruling", "yes_no", "fact", "how", "source", "none"}
"""What a question may ask for: a quantity of the wants lexicon, or a verdict, a ruling, a yes or no, a fact,
how to do something, a source; `none` for no question."""
SHAPES = frozenset(shape.id for shape in all_shapes())
"""The calculation shapes a turn may be labelled with: those of shapes.yaml."""
TOPICS = {
    "gpm", "cost", "creators", "testing", "strategy", "throttling", "labeling", "policy", "originality", "live", "shares",
    "ads", "profit", "accounts", "market", "other",
}  # fmt: skip
OPTION_KINDS = {"video", "link", "product", "creator", "account", "plan", "other"}
Split = Literal["train", "dev", "test"]


@dataclass
class Example:
    """One turn of a corpus line: its text, its label, and the turns before it."""

    line_id: str
    batch: str
    turn: int
    text: str
    reading: dict[str, Any]
    earlier: list[str] = field(default_factory=list)


def _problems_in_reading(text: str, r: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    allowed = {"lang", "market", "format", "topic", "asks", "options", "numbers", "claims", "shape"}
    problems += [f"unknown key {k!r}" for k in r if k not in allowed]
    problems += [f"missing key {k!r}" for k in ("lang", "asks", "numbers", "shape") if k not in r]
    for key, values in (("lang", LANGS), ("market", MARKETS), ("format", FORMATS), ("topic", TOPICS)):
        if r.get(key) not in values:
            problems.append(f"{key} {r.get(key)!r} is not one of {sorted(map(str, values))}")
    for ask in r.get("asks", []):
        if ask.get("text", "") not in text or not ask.get("text"):
            problems.append(f"ask text {ask.get('text')!r} is not in the message")
        if ask.get("act") not in ACTS:
            problems.append(f"act {ask.get('act')!r} is unknown")
        if ask.get("wants", "none") not in WANTS:
            problems.append(f"wants {ask.get('wants')!r} is unknown")
    for option in r.get("options", []):
        if option.get("kind") not in OPTION_KINDS or not option.get("name"):
            problems.append(f"option {option!r} needs a name and a kind in {sorted(OPTION_KINDS)}")
    problems += _problems_in_numbers(text, r.get("numbers", []))
    shape = r.get("shape")
    if not (shape == "none" or shape in SHAPES or (isinstance(shape, str) and shape.startswith("missing:")
                                                   and shape.split(":", 1)[1] in ROLES)):
        problems.append(f"shape {shape!r} is not a shape id, 'none' or 'missing:<role>'")
    return problems


def _problems_in_numbers(text: str, numbers: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    position = 0
    for n in numbers:
        raw = n.get("text", "")
        found = text.find(raw, position) if raw else -1
        if found < 0:
            problems.append(f"number text {raw!r} is not in the message (after the numbers before it)")
        else:
            position = found + len(raw)
        if n.get("role") not in ROLES:
            problems.append(f"role {n.get('role')!r} of {raw!r} is unknown")
        if n.get("subject") not in SUBJECTS or n.get("period") not in PERIODS:
            problems.append(f"subject/period of {raw!r} must be in {sorted(map(str, SUBJECTS))} / {sorted(map(str, PERIODS))}")
        if n.get("currency") is not None and n.get("currency") not in CURRENCIES:
            problems.append(f"currency {n.get('currency')!r} of {raw!r} is unknown")
        value = n.get("value")
        if not isinstance(value, int | float) or not math.isfinite(value):
            problems.append(f"value of {raw!r} must be a number")
    return problems


def unlabelled_numbers(text: str, numbers: list[dict[str, Any]]) -> list[str]:
    """Amounts the number reader finds in `text` that no labelled number covers (a hint, not an error)."""
    try:
        mentions = find_numbers(text)
    except NumberParseError:
        return []
    spans = []
    position = 0
    for n in numbers:
        found = text.find(n.get("text", ""), position) if n.get("text") else -1
        if found >= 0:
            spans.append((found, found + len(n["text"])))
            position = found + len(n["text"])
    return [m.raw for m in mentions if m.kind in ("amount", "duration")
            and not any(s <= m.span[0] < e or s < m.span[1] <= e for s, e in spans)]


def read_batch(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(line number, parsed line or None, error or None) for each non-empty line."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line), None
        except json.JSONDecodeError as exc:
            yield number, None, f"not JSON: {exc}"


def check(corpus_dir: Path = CORPUS_DIR) -> tuple[list[str], list[str], int]:
    """(errors, hints, turns checked) over every batch; errors name file and line."""
    errors: list[str] = []
    hints: list[str] = []
    seen: set[str] = set()
    turns = 0
    for path in sorted((corpus_dir / "batches").glob("*.jsonl")):
        for number, line, error in read_batch(path):
            where = f"{path.name}:{number}"
            if error or line is None:
                errors.append(f"{where}: {error}")
                continue
            line_id = line.get("id")
            if not line_id or line_id in seen:
                errors.append(f"{where}: id {line_id!r} is missing or repeated")
            seen.add(line_id)
            if not line.get("turns"):
                errors.append(f"{where}: no turns")
            for t, turn in enumerate(line.get("turns") or []):
                turns += 1
                text, reading = turn.get("text", ""), turn.get("reading")
                if not isinstance(reading, dict) or not text:
                    errors.append(f"{where} turn {t}: needs text and reading")
                    continue
                errors += [f"{where} turn {t}: {p}" for p in _problems_in_reading(text, reading)]
                if missed := unlabelled_numbers(text, reading.get("numbers", [])):
                    hints.append(f"{where} turn {t}: numbers found but not labelled: {', '.join(missed)}")
    splits = load_splits(corpus_dir)
    for batch in splits:
        if not (corpus_dir / "batches" / f"{batch}.jsonl").exists():
            errors.append(f"splits.yaml: batch {batch!r} has no file")
    return errors, hints, turns


def load_splits(corpus_dir: Path = CORPUS_DIR) -> dict[str, Split]:
    path = corpus_dir / "splits.yaml"
    if not path.exists():
        return {}
    data = safe_load(path.read_text(encoding="utf-8")) or {}
    return {batch: split for split, batches in data.items() for batch in (batches or [])}


def examples(split: Split, corpus_dir: Path = CORPUS_DIR) -> list[Example]:
    """Every labelled turn of the batches in `split`, with the turns before it."""
    chosen = [b for b, s in load_splits(corpus_dir).items() if s == split]
    out: list[Example] = []
    for batch in sorted(chosen):
        for _, line, _ in read_batch(corpus_dir / "batches" / f"{batch}.jsonl"):
            if not line:
                continue
            texts = [t["text"] for t in line["turns"]]
            out += [Example(line["id"], batch, i, t["text"], t["reading"], texts[:i]) for i, t in enumerate(line["turns"])]
    return out
