"""Text as it arrives from clients, made safe to store and send back."""

from __future__ import annotations

import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """`text` with lone UTF-16 surrogates (JSON's "\\udfff") dropped: they cannot be encoded as
    UTF-8, so they would fail in the database or in the response."""
    return _SURROGATE.sub("", text)


def storable(value: Any) -> Any:
    """`value` with every string in it (keys, list items, nested) freed of lone surrogates and NUL
    characters, which PostgreSQL's text refuses: what any field of the store is cleaned with."""
    if isinstance(value, str):
        return without_surrogates(value).replace("\x00", "")
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [storable(v) for v in value]
    return value
