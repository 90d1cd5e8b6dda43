"""What every chat-app adapter shares: event de-duplication and turning a message into reply text."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any


from assistant.answer import InvalidInput
from assistant.service.render import as_text

if TYPE_CHECKING:
    from assistant.service.answering import Answerer

log = logging.getLogger(__name__)

APOLOGY = "抱歉，这次没能回答，请稍后再试。\nSorry, I could not answer this time; please try again later."


def as_dict(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one: vendor payloads are read defensively."""
    return value if isinstance(value, dict) else {}


class Deduper:
    """Remembers event ids for `ttl` seconds: `first(id)` is True only the first time it is seen.

    In-process memory: with several server processes, put a shared store behind this.
    """

    def __init__(self, ttl: float = 3600.0, *, clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first(self, event_id: str) -> bool:
        now = self._clock()
        while self._seen and next(iter(self._seen.values())) < now - self._ttl:
            self._seen.popitem(last=False)
        if event_id in self._seen:
            return False
        self._seen[event_id] = now
        return True


async def reply_text(answerer: Answerer, text: str, session_id: str, channel: str) -> str:
    """The advisor's answer (with footnotes) for one chat message, or a message saying why not."""
    started = time.perf_counter()
    try:
        answer = await answerer.ask(text, session_id=session_id, owner=channel)
    except InvalidInput as exc:
        return f"{exc.messages['zh']}\n{exc.messages['en']}"
    except Exception:
        log.exception("%s: the advisor failed (%d chars)", channel, len(text))
        return APOLOGY
    log.info("%s: answered %d chars kind=%s ms=%.0f", channel, len(text), answer.kind, (time.perf_counter() - started) * 1000)
    return as_text(answer)
