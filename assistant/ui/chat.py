"""The Chat tab: streaming answers with tool thoughts and source chips, feedback, and restored history."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr
from pydantic import BaseModel

from assistant.answer import Answer, AnswerEvent, InvalidInput, TextEvent, ToolCall, ToolEvent
from assistant.kb.schema import Lang
from assistant.service import metrics
from assistant.service.security import RateLimiter
from assistant.store import Feedback, Store, StoredMessage
from assistant.text import without_surrogates
from assistant.ui.browser import BrowserBinding
from assistant.ui.i18n import EXAMPLES, Labels, t
from assistant.ui.render import answer_content, md_text, notice, plain_text, thought

if TYPE_CHECKING:
    from assistant.advisor import Advisor

log = logging.getLogger(__name__)

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


def _examples(lang: Lang) -> list[dict[str, str]]:
    """The example questions, those in the interface language first."""
    first = [q for q in EXAMPLES if (any("\u4e00" <= ch <= "\u9fff" for ch in q)) == (lang == "zh")]
    return [{"text": q} for q in first + [q for q in EXAMPLES if q not in first]]


def _example_text(event: gr.SelectData) -> str:
    return event.value["text"]


def _role(message: dict[str, Any] | gr.ChatMessage) -> str:
    return message.role if isinstance(message, gr.ChatMessage) else message["role"]


def turn_of(history: History, index: int) -> int:
    """The turn (0-based) that the message at `index` belongs to: user messages before it, minus one."""
    return sum(1 for m in history[: index + 1] if _role(m) == "user") - 1


def restore(advisor: Advisor, rows: list[StoredMessage]) -> tuple[History, list[TurnRecord]]:
    """Stored turns as chat messages (thoughts, answer, chips) and the records feedback needs."""
    history: History = []
    records: list[TurnRecord] = []
    question = ""
    for row in rows:
        if row.role == "user":
            question = row.content
            history.append(gr.ChatMessage(role="user", content=plain_text(row.content)))
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
        )
        history += [thought(call, lang, done=True) for call in calls]
        history.append(gr.ChatMessage(role="assistant", content=answer_content(answer)))
        records.append(TurnRecord(question=question, answer=row.content, citations=ids, provider=answer.provider))
    return history, records


_PIECE = re.compile(r".+?(?:[。！？；，、!?;,:](?!\d)|\s|$)", re.DOTALL)
_PIECE_CHARS = 24


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


def stream_turn(
    advisor: Advisor, message: str, history: History, web: WebSession, lang: Lang
) -> Iterator[tuple[History, Answer | None]]:
    """Run one question through the Advisor, yielding the growing history and finally the Answer.

    Raises InvalidInput before anything is shown when the message cannot be sent.
    """
    events = advisor.stream(message, session_id=web.session_id, owner=web.owner)
    first = next(events)  # the Advisor validates the input before its first event
    history = [*history, gr.ChatMessage(role="user", content=plain_text(message.strip()))]
    slots: dict[str, int] = {}
    text_slot: int | None = None
    streamed = ""
    for event in itertools.chain([first], events):
        if isinstance(event, ToolEvent):
            call: ToolCall = event.call
            rendered = thought(call, lang, done=event.type == "tool_end")
            if call.id in slots:
                history[slots[call.id]] = rendered
            else:
                slots[call.id] = len(history)
                history.append(rendered)
        elif isinstance(event, TextEvent):
            if text_slot is None:
                text_slot = len(history)
                history.append(gr.ChatMessage(role="assistant", content=""))
            for piece in text_pieces(event.delta):  # a model's deltas are small; the offline engine's are paragraphs
                streamed += piece
                history[text_slot] = gr.ChatMessage(role="assistant", content=md_text(streamed))
                yield list(history), None
            continue
        elif isinstance(event, AnswerEvent):
            final = gr.ChatMessage(role="assistant", content=answer_content(event.answer))
            if text_slot is None:
                history.append(final)
            else:
                history[text_slot] = final
            yield history, event.answer
            return
        yield list(history), None  # a snapshot: later events replace thoughts in place


class ChatTab:
    """The chat components and their event wiring; `app.py` adds page load and language switching.

    The conversation (`web`) and the history shown (`shown`) live in server-side state: no event
    takes a session id or a history from the page.
    """

    def __init__(self, advisor: Advisor, labels: Labels, lang: gr.Radio, limiter: RateLimiter, binding: BrowserBinding):
        self.advisor = advisor
        self.limiter = limiter
        self.binding = binding
        self.web = gr.State(None)
        self.shown = gr.State([])
        self.turns = gr.State([])
        pending = gr.State(None)
        self.chatbot = labels.make(
            gr.Chatbot,
            {"label": "chat.label", "placeholder": "chat.placeholder", "examples": _examples},
            elem_id="tk-chat",
            show_label=False,
            height=None,  # styles.py sizes it to the screen
            autoscroll=False,  # page_script.py keeps a new answer's start in view instead
            latex_delimiters=[],
            buttons=["copy"],  # per message; the whole conversation would copy tool rows too
            feedback_options=("Like", "Dislike"),
        )
        notice_box = gr.HTML("", elem_id="tk-notice")
        with gr.Row(elem_id="tk-input-row"):
            self.textbox = labels.make(
                gr.Textbox,
                {"label": "chat.input", "placeholder": "chat.input_placeholder"},
                elem_id="tk-input",
                show_label=False,
                container=False,
                lines=1,
                max_lines=6,
                scale=8,
                autofocus=True,
            )
            send = labels.make(gr.Button, {"value": "chat.send"}, variant="primary", elem_id="tk-send", scale=1, min_width=88)
        with gr.Group(visible=False, elem_id="tk-feedback") as feedback_panel:
            prompt = gr.Markdown()
            comment = labels.make(
                gr.Textbox,
                {"label": "feedback.comment", "placeholder": "feedback.comment_placeholder"},
                elem_id="tk-feedback-comment",
                lines=2,
                max_lines=6,
            )
            with gr.Row():
                send_feedback = labels.make(
                    gr.Button, {"value": "feedback.send"}, variant="primary", size="sm", elem_id="tk-feedback-send"
                )
                cancel = labels.make(gr.Button, {"value": "feedback.cancel"}, size="sm", elem_id="tk-feedback-cancel")

        run = dict(
            fn=self.respond,
            inputs=[self.textbox, lang, self.turns, self.web, self.shown],
            outputs=[self.chatbot, self.textbox, notice_box, self.turns, self.web, self.shown],
            show_progress="minimal",
            concurrency_limit=4,
            concurrency_id="chat",
        )
        self.answered = [
            gr.on([self.textbox.submit, send.click], api_name="chat", **run),
            self.chatbot.example_select(_example_text, None, self.textbox, api_name=False).then(**run, api_name=False),
        ]
        """The events that end with an answer (the conversation list follows them)."""
        self.notice_box = notice_box
        self.feedback_panel = feedback_panel
        self.chatbot.like(
            self.open_feedback,
            [lang, self.turns, self.web, self.shown],
            [pending, feedback_panel, prompt, comment],
            api_name=False,
        )
        send_feedback.click(
            self.save_feedback,
            [pending, comment, lang],
            [pending, feedback_panel, notice_box],
            api_name=False,
        )
        cancel.click(lambda: (None, gr.update(visible=False)), None, [pending, feedback_panel], api_name=False)

    def respond(
        self,
        message: str,
        lang: Lang,
        turns: list[TurnRecord],
        web: WebSession | None,
        shown: History,
        request: gr.Request,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat; input errors, limits and failures become a notice, the text is kept."""
        message = without_surrogates(message or "")  # a lone surrogate typed in the box broke the tab
        web = web or open_session(self.advisor.store, self.binding, request)
        wait = self.limiter.take(client_of(request))
        if wait > 0:
            yield shown, message, notice(t("notice.rate_limited", lang).format(seconds=max(1, round(wait))), "error"), turns, web, shown
            return
        try:
            with metrics.answering("web"):
                yield from self._stream(message, lang, turns, web, shown)
        except InvalidInput as exc:
            yield shown, message, notice(exc.messages[lang], "error"), turns, web, shown
        except Exception:
            log.exception("chat: the advisor failed")
            yield shown, message, notice(t("notice.error", lang), "error"), turns, web, shown

    def _stream(
        self, message: str, lang: Lang, turns: list[TurnRecord], web: WebSession, shown: History
    ) -> Iterator[tuple[Any, ...]]:
        """The answer's snapshots as outputs of `respond`."""
        for history, answer in stream_turn(self.advisor, message or "", shown or [], web, lang):
            if answer is None:
                yield history, "", "", turns, web, gr.skip()
                continue
            record = TurnRecord(
                question=message.strip(),
                answer=answer.answer,
                citations=[c.id for c in answer.citations],
                provider=answer.provider,
            )
            yield history, "", "", [*turns, record], web, history

    def allowed(self, request: gr.Request | None) -> bool:
        """Spend one call of the caller's rate limit (shared with questions and the API): every web
        event that writes counts, not only questions (200 empty conversations took 3.6 s)."""
        return self.limiter.take(client_of(request)) <= 0

    def open_feedback(
        self, lang: Lang, turns: list[TurnRecord], web: WebSession | None, shown: History, data: gr.LikeData,
        request: gr.Request,
    ) -> tuple[Any, ...]:
        """A thumb was clicked: store the rating at once, then offer an optional comment."""
        if not self.allowed(request):
            return None, gr.update(visible=False), gr.skip(), gr.skip()
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        turn = turn_of(shown or [], index) if isinstance(index, int) else -1
        if data.liked not in (True, False) or not 0 <= turn < len(turns):
            return None, gr.update(visible=False), gr.skip(), gr.skip()
        rating = 1 if data.liked else -1
        record = turns[turn]
        row = self.advisor.store.add_feedback(
            Feedback(
                rating=rating,
                question=record.question,
                answer=record.answer,
                session_id=web.session_id if web else None,
                citations=record.citations,
                provider=record.provider,
                channel="web",
            )
        )
        prompt = t("feedback.up" if rating == 1 else "feedback.down", lang)
        return row.id, gr.update(visible=True), f"**{prompt}**", ""

    def save_feedback(self, feedback_id: str | None, comment: str, lang: Lang, request: gr.Request) -> tuple[Any, ...]:
        """Attach the optional comment to the stored rating, then thank the user."""
        if not self.allowed(request):
            return gr.skip(), gr.skip(), notice(t("notice.rate_limited", lang).format(seconds=1), "error")
        if feedback_id and (comment or "").strip():
            self.advisor.store.set_comment(feedback_id, comment.strip())
        return None, gr.update(visible=False), notice(t("feedback.saved", lang), "info")

    def show(self, web: WebSession) -> tuple[Any, ...]:
        """Outputs for `[web, chatbot, shown, turns, notice_box, feedback_panel]` showing `web`'s conversation."""
        history, turns = restore(self.advisor, self.advisor.store.history(web.session_id))
        return web, history, history, turns, "", gr.update(visible=False)

    def new_session(self, web: WebSession | None, request: gr.Request) -> tuple[Any, ...]:
        """A new stored conversation for the same browser, shown empty (outputs as `show`); it
        spends the caller's rate limit like a question (200 empty ones took 3.6 s)."""
        if not self.allowed(request):
            return tuple(gr.skip() for _ in self.views)
        owner = web.owner if web else f"web:tab:{Store.new_session_id()}"
        fresh = WebSession(owner=owner, session_id=Store.new_session_id())
        self.advisor.store.claim(fresh.session_id, owner)
        return self.show(fresh)

    @property
    def views(self) -> list[Any]:
        """The components `show` and `new_session` fill."""
        return [self.web, self.chatbot, self.shown, self.turns, self.notice_box, self.feedback_panel]
