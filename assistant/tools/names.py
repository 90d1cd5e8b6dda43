"""Calculators and their inputs in the seller's words, for anything a seller reads (the web chat,
a shared brief): `creator_gpm` is 达人视频GPM / creator video GPM, `gmv_from_views` is 播放量能带来多少GMV."""

from __future__ import annotations

import functools
import re

from assistant.engine.text import without_asides
from assistant.kb.schema import Lang
from assistant.tools.calc_base import field_meta
from assistant.tools.calculators import CALCULATORS


@functools.cache
def field_labels() -> dict[str, dict[str, str]]:
    """Every calculator input's label in both languages, by field name (`creator_gpm` → 达人视频GPM)."""
    labels: dict[str, dict[str, str]] = {}
    for calculator in CALCULATORS.values():
        for name in calculator.input_model.model_fields:
            label = field_meta(calculator.input_model, name, "label")
            if label:
                labels.setdefault(name, label)
    return labels


def field_label(name: str, lang: Lang) -> str:
    """A calculator field as the seller reads it; an unknown name is returned as it is."""
    label = field_labels().get(name)
    return label[lang] if label else name


def calculator_label(name: str, lang: Lang) -> str:
    """What a calculator works out: the first clause of its description, without asides."""
    return re.split(r"，|, ", without_asides(CALCULATORS[name].description[lang]))[0]


def without_code_names(text: str, lang: Lang) -> str:
    """`text` with calculator and field names (`creator_gpm`, risk_adjusted_return) as the seller's
    words. Names in backticks are always replaced; bare ones only when they hold an underscore, so
    no ordinary word is touched."""
    for name in CALCULATORS:
        text = text.replace(f"`{name}`", calculator_label(name, lang))
        if "_" in name:
            text = text.replace(name, calculator_label(name, lang))
    for name in field_labels():
        text = text.replace(f"`{name}`", field_label(name, lang))
        if "_" in name:
            text = text.replace(name, field_label(name, lang))
    return text
