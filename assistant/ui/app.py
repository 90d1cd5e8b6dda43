"""The web app: header, language switch and the three tabs; `mount_ui` serves it inside FastAPI."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import gradio as gr
from fastapi import FastAPI

from assistant.brief.routes import add_brief_routes
from assistant.brief.store import Briefs
from assistant.config import Settings
from assistant.kb.schema import Lang
from assistant.service.errors import ApiError
from assistant.service.security import RateLimiter
from assistant.ui.access import LOGINS_PER_MINUTE, LimitLogins, describe, web_auth
from assistant.ui.browser import BrowserBinding, IssueBrowserCookie, browser_secret
from assistant.ui.calculators_tab import CalculatorsTab
from assistant.ui.chat import ChatTab
from assistant.ui.turns import open_session, restore
from assistant.ui.conversations import ConversationsPanel, listing
from assistant.ui.i18n import BROWSER_LANG_JS, LANG_CHOICES, Labels, normalize_lang, t
from assistant.ui.knowledge_tab import KnowledgeTab
from assistant.ui.page_script import PAGE_LANG_JS, PAGE_SCRIPT, REVEAL_JS
from assistant.ui.render import esc
from assistant.ui.session_binding import BindSessionHashes
from assistant.ui.styles import CSS, PAGE_CSS, theme

if TYPE_CHECKING:
    from assistant.advisor import Advisor

log = logging.getLogger(__name__)

TITLE = "tk-advisor · TikTok Shop AI 决策助手"

QUEUE_POLL_SECONDS = 0.01
"""How often Gradio's event queue looks for work when it has none. Gradio's own 1 ms kept the
server's event loop waking ~1,000 times a second: 6% of a core while idle, taken from the API
under load. 10 ms adds at most that much before a click starts its answer."""


def page_options() -> dict[str, Any]:
    """The page-level settings Gradio 6 takes at launch/mount time (theme, CSS, no footer, no run history)."""
    head = f"<style>{PAGE_CSS}</style><script>{PAGE_SCRIPT}</script>"
    return {"theme": theme(), "css": CSS, "head": head, "footer_links": [], "run_history": False}


def _brand(lang: Lang) -> str:
    return (
        f'<div class="tk-brand"><h1>tk-advisor<span class="tk-subtitle"> <span class="tk-dot">·</span> TikTok Shop AI 决策助手</span></h1>'
        f"<p>{esc(t('app.tagline', lang))}</p></div>"
    )


def _disclaimer(lang: Lang) -> str:
    """The disclaimer folded to one line (its short form); the evidence scale opens under it."""
    return (
        f'<details class="tk-disclaimer"><summary>{esc(t("app.disclaimer_short", lang))}</summary>'
        f"<p>{esc(t('app.disclaimer', lang))}</p></details>"
    )


def build_ui(advisor: Advisor, limiter: RateLimiter, binding: BrowserBinding) -> gr.Blocks:
    """The whole web app around one Advisor; serve it with `mount_ui`, which also issues the
    browser cookie its conversations are bound to."""
    labels = Labels()
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        saved_lang = gr.BrowserState(None, storage_key="tk-advisor-lang")
        with gr.Row(elem_id="tk-header", equal_height=True):
            labels.make(gr.HTML, {"value": _brand}, elem_id="tk-brand")
            lang = gr.Radio(
                LANG_CHOICES, value=labels.initial, show_label=False, elem_id="tk-lang", container=False, scale=0, min_width=0
            )
        labels.make(gr.HTML, {"value": _disclaimer}, elem_id="tk-disclaimer", padding=False)
        with gr.Tabs(elem_id="tk-tabs"):
            with labels.make(gr.Tab, {"label": "tab.chat"}, id="chat", elem_id="tk-tab-chat"):
                chat = ChatTab(advisor, labels, lang, limiter, binding)
            with labels.make(gr.Tab, {"label": "tab.calc"}, id="calc", elem_id="tk-tab-calc"):
                CalculatorsTab(advisor.kb, labels, lang)
            with labels.make(gr.Tab, {"label": "tab.kb"}, id="kb", elem_id="tk-tab-kb"):
                knowledge = KnowledgeTab(advisor.retriever, labels, lang)
        conversations = ConversationsPanel(chat, labels)

        def start(preferred: str | None, request: gr.Request) -> list[Any]:
            """Page load, in one round trip: the browser's latest conversation (from its cookie alone)
            and every label in its language; the page shows once they are in (no flicker)."""
            web = open_session(advisor.store, binding, request)
            history, turns = restore(advisor, advisor.store.history(web.session_id))
            chosen = normalize_lang(preferred)
            updates = labels.updates(chosen)
            updates[labels.components.index(chat.chatbot)]["value"] = history
            listed, ids = listing(advisor.store, web)
            updates[labels.components.index(conversations.radio)].update(listed)
            for button in conversations.listed[2:]:  # rename and delete: only for a stored conversation
                updates[labels.components.index(button)]["interactive"] = web.session_id in ids
            return [web, history, turns, ids, chosen, *updates, chosen]

        def relabel(chosen: Lang) -> list[Any]:
            return [*labels.updates(chosen), chosen]

        outputs = [*labels.components, saved_lang]
        demo.load(
            start,
            [saved_lang],
            [chat.web, chat.shown, chat.turns, conversations.ids, lang, *outputs],
            js=f"(saved) => [saved || ({BROWSER_LANG_JS})]",
            api_name=False,
        ).then(None, lang, js=REVEAL_JS).then(knowledge.browse, knowledge.inputs, knowledge.outputs, api_name=False)
        lang.input(relabel, lang, outputs, api_name=False).then(None, lang, js=PAGE_LANG_JS).then(
            knowledge.browse, knowledge.inputs, knowledge.outputs, api_name=False
        )
    return demo


UPLOAD_PATH = "/gradio_api/upload"


def mount_ui(
    app: FastAPI, advisor: Advisor, settings: Settings, limiter: RateLimiter | None = None, path: str = "/"
) -> FastAPI:
    """Mount the web app on `app` at `path`: theme and CSS, the browser cookie, the access mode
    `web_auth` picks, `limiter` on every question (the API's own, when given), and no uploads."""
    limiter = limiter or RateLimiter.from_settings(settings)
    binding = BrowserBinding(browser_secret(settings.data_dir, settings.web_secret))
    blocks = build_ui(advisor, limiter, binding)
    _poll_queue_less(blocks)

    @app.post(path.rstrip("/") + UPLOAD_PATH, include_in_schema=False)
    async def no_uploads() -> None:
        raise ApiError(403, "The web chat takes no uploads.", code="uploads_disabled")

    add_brief_routes(app, Briefs(advisor.store), path.rstrip("/"))

    mode, auth = web_auth(settings)
    log.info(describe(mode))
    logins = RateLimiter(LOGINS_PER_MINUTE, LOGINS_PER_MINUTE, settings.redis_url)
    app.add_middleware(LimitLogins, limiter=logins)
    app.add_middleware(BindSessionHashes, binding=binding, max_body=settings.max_body_bytes,
                       functions=lambda index: index in blocks.fns)
    app.add_middleware(IssueBrowserCookie, binding=binding, skip=("/api/", "/v1/", "/channels/", "/healthz", "/readyz", "/metrics", "/brief/"))
    return gr.mount_gradio_app(app, blocks, path=path, auth=auth, **page_options())


def _poll_queue_less(blocks: gr.Blocks) -> None:
    """Slow the idle queue's polling to `QUEUE_POLL_SECONDS` (a Gradio internal: left alone if it moved)."""
    queue = getattr(blocks, "_queue", None)
    if getattr(queue, "sleep_when_free", None) is not None:
        queue.sleep_when_free = max(queue.sleep_when_free, QUEUE_POLL_SECONDS)  # type: ignore[union-attr]

