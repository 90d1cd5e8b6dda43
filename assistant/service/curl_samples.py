"""`x-codeSamples` for the OpenAPI document: each native-API operation with a curl command."""

from __future__ import annotations

import json
from typing import Any


def curl(method: str, path: str, body: dict[str, Any] | None = None, *, stream: bool = False) -> dict[str, Any]:
    """`openapi_extra` showing `method path` as a curl command (key in $TK_KEY, server in $TK_URL)."""
    implied = "POST" if body is not None else "GET"  # what curl sends without -X
    parts = ["curl -sN" if stream else "curl -s", *([] if method == implied else [f"-X {method}"]),
             f'"$TK_URL{path}"', '-H "Authorization: Bearer $TK_KEY"']
    if body is not None:
        parts += ['-H "Content-Type: application/json"', "-d '" + json.dumps(body, ensure_ascii=False) + "'"]
    return {"x-codeSamples": [{"lang": "Shell", "label": "curl", "source": " \\\n  ".join(parts)}]}
