"""One turn of the web chat, apart from its components: the browser's conversation, a stored
conversation as chat messages, and a question streamed into the chat as it is answered."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr
from pydantic import BaseModel

from assistant.answer import Answer, AnswerEvent, TextEvent, ToolCall, ToolEvent
from assistant.kb.schema import Lang
from assistant.store import Store, StoredMessage
from assistant.ui.browser import BrowserBinding
from assistant.ui.i18n import EXAMPLES
from assistant.ui.answer_html import answer_content
from assistant.ui.render import md_text, plain_text
from assistant.ui.tool_rows import tools_row

if TYPE_CHECKING:
    from assistant.advisor import Advisor

History = list[dict[str, Any] | gr.ChatMessage]


class WebSession(BaseModel):
    """The page's conversation, kept on the server (`gr.State`): the page never sends it."""

    owner: str
    """`web:user:<name>` when signed in, `web:<browser id>` from the signed cookie, or
    `web:tab:<random>` for a client without either."""
    session_id: str


def owner_of(binding: BrowserBinding, request: gr.Request | None) -> str | None:
    """Whose conversations a request sees: the signed-in user's (`web:user:<name>`, when the chat
    needs a login: another user of the same browser sees their own), else the browser's, by its
    signed cookie; None without either."""
    username = getattr(request, "username", None)
    if username:
        return f"web:user:{username}"
    return binding.owner(request.headers.get("cookie") if request is not None else None)


def open_session(store: Store, binding: BrowserBinding, request: gr.Request | None) -> WebSession:
    """The user's or browser's latest conversation (a new one when it has none)."""
    owner = owner_of(binding, request)
    if owner is None:
        return WebSession(owner=f"web:tab:{Store.new_session_id()}", session_id=Store.new_session_id())
    return WebSession(owner=owner, session_id=store.latest_session(owner) or Store.new_session_id())


def client_of(request: gr.Request | None) -> str:
    """The rate limiter's name for the caller, as the API names a caller without a key."""
    host = getattr(getattr(request, "client", None), "host", None)
    return f"ip:{host or 'unknown'}"


class TurnRecord(BaseModel):
    """What a rating of one answer needs to be stored with."""

    question: str
    answer: str
    citations: list[str]
    provider: str


def examples(lang: Lang) -> list[dict[str, str]]:
    """The example questions, those in the interface language first."""
    first = [q for q in EXAMPLES if (any("\u4e00" <= ch <= "\u9fff" for ch in q)) == (lang == "zh")]
    return [{"text": q} for q in first + [q for q in EXAMPLES if q not in first]]


def example_text(event: gr.SelectData) -> str:
    return event.value["text"]


def role_of(message: dict[str, Any] | gr.ChatMessage) -> str:
    return message.role if isinstance(message, gr.ChatMessage) else message["role"]


def turn_of(history: History, index: int) -> int:
    """The turn (0-based) that the message at `index` belongs to: user messages before it, minus one."""
    return sum(1 for m in history[: index + 1] if role_of(m) == "user") - 1


def excerpts(advisor: Advisor, answer: Answer) -> dict[str, str]:
    """What each cited entry says, in the answer's language, for its source card."""
    return {c.id: advisor.kb[c.id].text.get(answer.lang) for c in answer.citations if c.id in advisor.kb}


def follow_up_options(answer: Answer) -> list[dict[str, str]]:
    """The Answer's suggested next questions as the chat's option buttons."""
    return [{"value": question, "label": question} for question in answer.follow_ups[:3]]


def answer_message(advisor: Advisor, answer: Answer, *, last: bool) -> gr.ChatMessage:
    """A final answer as a chat message; the last one offers its follow-up questions."""
    options = follow_up_options(answer) if last else []
    return gr.ChatMessage(role="assistant", content=answer_content(answer, excerpts(advisor, answer)), options=options)


def restore(advisor: Advisor, rows: list[StoredMessage]) -> tuple[History, list[TurnRecord]]:
    """Stored turns as chat messages (what was done, answer, chips) and the records feedback needs;
    a question shows as it was typed."""
    history: History = []
    records: list[TurnRecord] = []
    question = ""
    answers = [i for i, row in enumerate(rows) if row.role == "assistant"]
    for position, row in enumerate(rows):
        if row.role == "user":
            question = row.content
            history.append(gr.ChatMessage(role="user", content=plain_text(row.meta.get("typed") or row.content)))
            continue
        lang: Lang = row.meta.get("lang", "en")
        ids = [i for i in row.meta.get("citations", []) if i in advisor.kb]
        calls = [ToolCall.model_validate(call) for call in row.meta.get("tool_calls", [])]
        answer = Answer(
            answer=row.content,
            details=row.meta.get("details", ""),
            act=row.meta.get("act"),
            lang=lang,
            provider=row.meta.get("provider", ""),
            citations=[advisor.citation(i, lang, set(ids), row.content) for i in ids],
            tool_calls=calls,
            warnings=row.meta.get("warnings", []),
            message_id=row.id,
            follow_ups=row.meta.get("follow_ups", []),
        )
        if calls:
            history.append(tools_row(calls, lang, done=True))
        history.append(answer_message(advisor, answer, last=position == answers[-1]))
        records.append(TurnRecord(question=question, answer=row.content, citations=ids, provider=answer.provider))
    return history, records


_PIECE = re.compile(r".+?(?:[。！？；，、!?;,:](?!\d)|\s|$)", re.DOTALL)
_PIECE_CHARS = 24
PACE_CHARS_PER_SECOND = 400
"""How fast a reply that arrives whole (the offline engine writes in paragraphs) is shown growing,
as a written reply does..."""
PACE_BUDGET_SECONDS = 1.5
"""...but no reply waits longer than this in all (the rest of a long one shows at once)."""


def text_pieces(delta: str) -> Iterator[str]:
    """`delta` in pieces of about `_PIECE_CHARS` characters, broken after a space or punctuation,
    so a long chunk still appears progressively."""
    piece = ""
    for part in _PIECE.findall(delta):
        piece += part
        if len(piece) >= _PIECE_CHARS:
            yield piece
            piece = ""
    if piece:
        yield piece


def _without_options(history: History) -> History:
    """Follow-up buttons belong under the latest answer only."""
    return [gr.ChatMessage(role=m.role, content=m.content, metadata=m.metadata) if isinstance(m, gr.ChatMessage) and m.options
            else m for m in history]


class Stopped(Exception):
    """The reader pressed Stop: the answer was left unfinished and nothing was stored."""


def stream_turn(
    advisor: Advisor, message: str, history: History, web: WebSession, lang: Lang,
    stopping: Callable[[], bool] = lambda: False,
) -> Iterator[tuple[History, Answer | None]]:
    """Run one question through the Advisor, yielding the growing history and finally the Answer.

    What the tools do shows as one folded row; the reply's text grows piece by piece. When
    `stopping()` turns true before the Answer, the Advisor's stream is closed before it stores the
    turn, and `Stopped` is raised. Raises InvalidInput before anything is shown when the message
    cannot be sent.
    """
    events = advisor.stream(message, session_id=web.session_id, owner=web.owner)
    first = next(events)  # the Advisor validates the input before its first event
    history = [*_without_options(history), gr.ChatMessage(role="user", content=plain_text(message.strip()))]
    calls: dict[str, ToolCall] = {}
    tools_slot: int | None = None
    text_slot: int | None = None
    streamed = ""
    paced = 0.0
    for event in itertools.chain([first], events):
        if stopping() and not isinstance(event, AnswerEvent):
            events.close()  # the Advisor stores a turn only once its stream is read to the end
            raise Stopped
        if isinstance(event, ToolEvent):
            calls[event.call.id] = event.call
            if tools_slot is None:
                tools_slot = len(history)
                history.append(None)  # type: ignore[arg-type]  # filled just below
            history[tools_slot] = tools_row(list(calls.values()), lang, done=False)
        elif isinstance(event, TextEvent):
            if text_slot is None:
                if tools_slot is not None:
                    history[tools_slot] = tools_row(list(calls.values()), lang, done=True)
                text_slot = len(history)
                history.append(gr.ChatMessage(role="assistant", content=""))
            for piece in text_pieces(event.delta):  # a model's deltas are small; the offline engine's are paragraphs
                streamed += piece
                history[text_slot] = gr.ChatMessage(role="assistant", content=md_text(streamed))
                yield list(history), None
                if stopping():
                    events.close()
                    raise Stopped
                if paced < PACE_BUDGET_SECONDS:
                    pause = len(piece) / PACE_CHARS_PER_SECOND
                    time.sleep(pause)
                    paced += pause
            continue
        elif isinstance(event, AnswerEvent):
            answer = event.answer
            if tools_slot is not None:  # in the answer's language, as a reload shows it
                history[tools_slot] = tools_row(answer.tool_calls or list(calls.values()), answer.lang, done=True)
            final = answer_message(advisor, answer, last=True)
            if text_slot is None:
                history.append(final)
            else:
                history[text_slot] = final
            yield history, answer
            return
        yield list(history), None  # a snapshot: later events replace rows in place


