"""The Chat tab: streaming answers with a folded row of what was done, source cards, Stop, Retry,
editing the last question, suggested follow-ups, feedback and sharing a brief."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.answer import InvalidInput
from assistant.brief.content import build_brief
from assistant.brief.store import Briefs
from assistant.kb.schema import Lang
from assistant.service import metrics
from assistant.service.security import RateLimiter
from assistant.store import Feedback, Store
from assistant.text import without_surrogates
from assistant.ui.answer_html import share_panel
from assistant.ui.browser import BrowserBinding
from assistant.ui.i18n import Labels, t
from assistant.ui.render import notice
from assistant.ui.turns import (
    History,
    Stopped,
    TurnRecord,
    WebSession,
    example_text,
    examples,
    role_of,
    client_of,
    open_session,
    restore,
    stream_turn,
    turn_of,
)

if TYPE_CHECKING:
    from assistant.advisor import Advisor

log = logging.getLogger(__name__)


BUSY_JS = "(...inputs) => { document.body.classList.add('tk-busy'); return inputs; }"
"""Runs in the page as an answer starts: Send gives way to Stop (styles.py)."""
IDLE_JS = "(...inputs) => { document.body.classList.remove('tk-busy'); return inputs; }"
"""Runs as an answer ends or is stopped: Send is back (the inputs pass through)."""


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
        self._stops: set[str] = set()
        """Conversations whose reader pressed Stop while their answer was written."""
        self._stops_lock = threading.Lock()
        pending = gr.State(None)
        self.chatbot = labels.make(
            gr.Chatbot,
            {"label": "chat.label", "placeholder": "chat.placeholder", "examples": examples},
            elem_id="tk-chat",
            show_label=False,
            height=None,  # styles.py sizes it to the screen
            autoscroll=False,  # page_script.py keeps a new answer's start in view instead
            latex_delimiters=[],
            buttons=["copy"],  # per message; the whole conversation would copy tool rows too
            feedback_options=("Like", "Dislike"),
            editable="user",  # styles.py offers it on the last question only
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
            stop = labels.make(gr.Button, {"value": "chat.stop"}, variant="stop", elem_id="tk-stop", scale=1, min_width=88)
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

        outputs = [self.chatbot, self.textbox, notice_box, self.turns, self.web, self.shown]
        common = dict(outputs=outputs, show_progress="minimal", concurrency_limit=4, concurrency_id="chat", js=BUSY_JS)
        state = [lang, self.turns, self.web, self.shown]
        asked = [
            gr.on([self.textbox.submit, send.click], self.respond, [self.textbox, *state], api_name="chat", **common),
            self.chatbot.example_select(example_text, None, self.textbox, api_name=False).then(
                self.respond, [self.textbox, *state], api_name=False, **common),
            self.chatbot.option_select(self.respond_to_option, state, api_name=False, **common),
            self.chatbot.retry(self.regenerate, state, api_name=False, **common),
            self.chatbot.edit(self.edit_last, state, api_name=False, **common),
        ]
        self.answered = [event.then(None, js=IDLE_JS) for event in asked]
        """The events that end with an answer (the conversation list follows them)."""
        stop.click(self.stop, self.web, None, js=IDLE_JS, api_name=False, concurrency_limit=None)
        self.notice_box = notice_box
        self.feedback_panel = feedback_panel
        self._share_wiring(labels, lang, notice_box)
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

    def _share_wiring(self, labels: Labels, lang: gr.Radio, notice_box: gr.HTML) -> None:
        """A "Share" button under an answer (page_script.py) puts its message id in a hidden box and
        presses a hidden button; the panel that opens gives the link, the PDF and "stop sharing"."""
        token = gr.State(None)
        with gr.Row(elem_id="tk-share-hidden"):
            message_id = gr.Textbox(elem_id="tk-share-id", show_label=False, container=False)
            go = gr.Button("share", elem_id="tk-share-go")
        with gr.Group(visible=False, elem_id="tk-share") as panel:
            shown = gr.HTML("", elem_id="tk-share-panel")
            with gr.Row():
                revoke = labels.make(gr.Button, {"value": "share.revoke"}, size="sm", variant="stop", elem_id="tk-share-revoke")
                close = labels.make(gr.Button, {"value": "share.close"}, size="sm", elem_id="tk-share-close")
        go.click(self.share, [message_id, self.web, lang], [token, panel, shown, notice_box], api_name=False)
        revoke.click(self.revoke, [token, self.web, lang], [token, panel, notice_box], api_name=False)
        close.click(lambda: gr.update(visible=False), None, panel, api_name=False)

    def share(self, message_id: str, web: WebSession | None, lang: Lang, request: gr.Request) -> tuple[Any, ...]:
        """Make a read-only brief of one of this browser's answers; the panel shows its link."""
        if not self.allowed(request):
            return None, gr.update(visible=False), "", notice(t("notice.rate_limited", lang).format(seconds=1), "error")
        located = self.advisor.store.message((message_id or "").strip()) if web is not None else None
        if located is None or web is None or located.owner != web.owner or located.message.role != "assistant":
            return None, gr.update(visible=False), "", notice(t("share.failed", lang), "error")
        rows = self.advisor.store.history(located.session_id)
        at = next((i for i, row in enumerate(rows) if row.id == located.message.id), 0)
        typed = next((row.meta.get("typed") for row in reversed(rows[:at]) if row.role == "user"), None)
        brief = build_brief(located, self.advisor.citation, lambda entry_id: entry_id in self.advisor.kb, question=typed or "")
        token = Briefs(self.advisor.store).share(brief, owner=web.owner, session_id=located.session_id, message_id=message_id)
        return token, gr.update(visible=True), share_panel(token, brief.lang), ""

    def revoke(self, token: str | None, web: WebSession | None, lang: Lang) -> tuple[Any, ...]:  # never rate-limited: stopping a share always works
        """Stop sharing the brief the panel shows: its link opens nothing from now on."""
        if token and web is not None:
            Briefs(self.advisor.store).revoke(token, web.owner)
        return None, gr.update(visible=False), notice(t("share.revoked", lang), "info")

    def stop(self, web: WebSession | None) -> None:
        """Stop pressed: the answer being written for this conversation ends at its next piece."""
        if web is not None:
            with self._stops_lock:
                self._stops.add(web.session_id)

    def _stopping(self, web: WebSession) -> Callable[[], bool]:
        with self._stops_lock:
            self._stops.discard(web.session_id)  # a Stop pressed after an earlier answer ended is spent
        return lambda: web.session_id in self._stops

    def respond_to_option(
        self, lang: Lang, turns: list[TurnRecord], web: WebSession | None, shown: History, request: gr.Request,
        data: gr.SelectData,
    ) -> Iterator[tuple[Any, ...]]:
        """A suggested follow-up was clicked: ask it."""
        value = data.value
        question = value.get("value") or value.get("text", "") if isinstance(value, dict) else str(value or "")
        yield from self.respond(question, lang, turns, web, shown, request)

    def regenerate(
        self, lang: Lang, turns: list[TurnRecord], web: WebSession | None, shown: History, request: gr.Request,
        data: gr.RetryData,
    ) -> Iterator[tuple[Any, ...]]:
        """Ask the last question again, in place of its answer."""
        yield from self._redo(None, lang, turns, web, shown, request)

    def edit_last(
        self, lang: Lang, turns: list[TurnRecord], web: WebSession | None, shown: History, request: gr.Request,
        data: gr.EditData,
    ) -> Iterator[tuple[Any, ...]]:
        """The last question was edited: ask the new text in place of the old turn. An earlier
        question cannot be changed (the answers after it were built on it)."""
        users = [i for i, message in enumerate(shown or []) if role_of(message) == "user"]
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        if not users or index != users[-1]:
            yield shown, gr.skip(), notice(t("notice.edit_last_only", lang), "info"), turns, web, shown
            return
        yield from self._redo(str(data.value or ""), lang, turns, web, shown, request)

    def _redo(
        self, question: str | None, lang: Lang, turns: list[TurnRecord], web: WebSession | None, shown: History,
        request: gr.Request,
    ) -> Iterator[tuple[Any, ...]]:
        """Replace the last turn with the answer to `question` (None: the same question again)."""
        users = [i for i, message in enumerate(shown or []) if role_of(message) == "user"]
        if web is None or not users or not turns:
            yield shown, gr.skip(), "", turns, web, shown
            return
        question = question if question is not None else turns[-1].question
        if not question.strip():
            yield shown, gr.skip(), notice(t("notice.empty_edit", lang), "error"), turns, web, shown
            return
        if not self.advisor.store.drop_last_turn(web.session_id, web.owner):
            yield shown, gr.skip(), notice(t("notice.error", lang), "error"), turns, web, shown
            return
        kept = shown[: users[-1]]
        yield from self.respond(question, lang, turns[:-1], web, kept, request)

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
        except Stopped:  # the unfinished reply goes (it was not stored); the question is back in the box
            yield shown, message, notice(t("notice.stopped", lang), "info"), turns, web, shown
        except InvalidInput as exc:
            yield shown, message, notice(exc.messages[lang], "error"), turns, web, shown
        except Exception:
            log.exception("chat: the advisor failed")
            yield shown, message, notice(t("notice.error", lang), "error"), turns, web, shown

    def _stream(
        self, message: str, lang: Lang, turns: list[TurnRecord], web: WebSession, shown: History
    ) -> Iterator[tuple[Any, ...]]:
        """The answer's snapshots as outputs of `respond` (raises `Stopped` when Stop was pressed)."""
        for history, answer in stream_turn(self.advisor, message, shown or [], web, lang, self._stopping(web)):
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
