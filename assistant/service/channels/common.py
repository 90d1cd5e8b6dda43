"""What every chat-app adapter shares: event de-duplication, strict vendor JSON, channel settings and answering."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from assistant.answer import Answer, InvalidInput
from assistant.config import ChannelPolicy
from assistant.service import metrics

if TYPE_CHECKING:
    from assistant.service.answering import Answerer
    from assistant.store import Store

log = logging.getLogger(__name__)

APOLOGY = "抱歉，这次没能回答，请稍后再试。\nSorry, I could not answer this time; please try again later."


def as_dict(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one: vendor payloads are read defensively."""
    return value if isinstance(value, dict) else {}


class Deduper:
    """Remembers event ids for `ttl` seconds in the store: `first(id)` is True only the first time,
    also after a restart and across processes sharing the store (vendors retry for hours)."""

    def __init__(self, store: Store, channel: str, ttl: float = 6 * 3600.0):
        self._store, self._channel, self._ttl = store, channel, ttl

    def first(self, event_id: str) -> bool:
        return self._store.first_event(f"{self._channel}:{event_id}", self._ttl)


MAX_DEPTH = 32
"""Nesting a vendor event never needs; deeper bodies are refused before they are parsed."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def vendor_json(body: bytes | str) -> Any:
    """A vendor body parsed strictly: at most `MAX_DEPTH` levels deep (checked before parsing), no
    NaN or Infinity. Raises ValueError, which the adapters answer with a 400."""
    text = body.decode() if isinstance(body, bytes) else body
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            escaped, in_string = (not escaped and char == "\\"), in_string and not (char == '"' and not escaped)
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ValueError("nested too deeply")
        elif char in "]}":
            depth -= 1
    return json.loads(text, parse_constant=_refuse_constant)


def policy_for(policies: Mapping[str, ChannelPolicy], channel: str) -> ChannelPolicy:
    """The settings of one channel or chat: its own, else those for `*`, else the defaults."""
    return policies.get(channel) or policies.get("*") or ChannelPolicy()


async def answer_or_notice(answerer: Answerer, text: str, session_id: str, channel: str) -> Answer | str:
    """The advisor's Answer for one chat message, or a bilingual notice saying why there is none."""
    started = time.perf_counter()
    try:
        with metrics.answering(channel):
            answer = await answerer.ask(text, session_id=session_id, owner=channel)
    except InvalidInput as exc:
        return f"{exc.messages['zh']}\n{exc.messages['en']}"
    except Exception:
        log.exception("%s: the advisor failed (%d chars)", channel, len(text))
        return APOLOGY
    log.info("%s: answered %d chars kind=%s ms=%.0f", channel, len(text), answer.kind, (time.perf_counter() - started) * 1000)
    return answer
