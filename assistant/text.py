"""Text as it arrives from clients, made safe to store and send back."""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """`text` with lone UTF-16 surrogates (JSON's "\\udfff") dropped: they cannot be encoded as
    UTF-8, so they would fail in the database or in the response."""
    return _SURROGATE.sub("", text)
