"""The web app: header, language switch and the three tabs; `mount_ui` serves it inside FastAPI."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
from fastapi import FastAPI

from assistant.config import Settings
from assistant.kb.schema import Lang
from assistant.store import Store
from assistant.ui.calculators_tab import CalculatorsTab
from assistant.ui.chat import ChatTab, restore
from assistant.ui.i18n import BROWSER_LANG_JS, LANG_CHOICES, Labels, normalize_lang, t
from assistant.ui.knowledge_tab import KnowledgeTab
from assistant.ui.render import esc
from assistant.ui.styles import CSS, theme

if TYPE_CHECKING:
    from assistant.advisor import Advisor

TITLE = "tk-advisor · TikTok Shop AI 决策助手"
_SECRET_FILE = "ui-browser-secret"

QUEUE_POLL_SECONDS = 0.01
"""How often Gradio's event queue looks for work when it has none. Gradio's own 1 ms kept the
server's event loop waking ~1,000 times a second: 6% of a core while idle, taken from the API
under load. 10 ms adds at most that much before a click starts its answer."""


def page_options() -> dict[str, Any]:
    """The page-level settings Gradio 6 takes at launch/mount time (theme, CSS, no footer, no run history)."""
    return {"theme": theme(), "css": CSS, "footer_links": [], "run_history": False}


def _browser_secret(data_dir: Path) -> str:
    """The key that encrypts the browser's stored session id, kept in the data dir so restarts keep sessions."""
    path = data_dir / _SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(16), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def _brand(lang: Lang) -> str:
    return (
        f'<div class="tk-brand"><h1>tk-advisor <span class="tk-dot">·</span> TikTok Shop AI 决策助手</h1>'
        f"<p>{esc(t('app.tagline', lang))}</p></div>"
    )


def build_ui(advisor: Advisor, settings: Settings) -> gr.Blocks:
    """The whole web app around one Advisor; serve it with `mount_ui` or `launch(**page_options())`."""
    labels = Labels()
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        secret = _browser_secret(settings.data_dir)
        session = gr.BrowserState(None, storage_key="tk-advisor-session", secret=secret)
        saved_lang = gr.BrowserState(None, storage_key="tk-advisor-lang", secret=secret)
        with gr.Row(elem_id="tk-header", equal_height=True):
            labels.make(gr.HTML, {"value": _brand}, elem_id="tk-brand")
            lang = gr.Radio(
                LANG_CHOICES, value=labels.initial, show_label=False, elem_id="tk-lang", container=False, scale=0, min_width=190
            )
        labels.make(gr.Markdown, {"value": "app.disclaimer"}, elem_id="tk-disclaimer")
        with gr.Tabs(elem_id="tk-tabs"):
            with labels.make(gr.Tab, {"label": "tab.chat"}, id="chat", elem_id="tk-tab-chat"):
                chat = ChatTab(advisor, labels, session, lang)
            with labels.make(gr.Tab, {"label": "tab.calc"}, id="calc", elem_id="tk-tab-calc"):
                CalculatorsTab(advisor.kb, labels, lang)
            with labels.make(gr.Tab, {"label": "tab.kb"}, id="kb", elem_id="tk-tab-kb"):
                knowledge = KnowledgeTab(advisor.retriever, labels, lang)

        def start(session_id: str | None, preferred: str | None) -> tuple[Any, ...]:
            """Page load: reuse (or create) the session, restore its conversation, pick the language."""
            sid = session_id if isinstance(session_id, str) and session_id else Store.new_session_id()
            history, turns = restore(advisor, advisor.store.history(sid))
            return sid, history, turns, normalize_lang(preferred)

        def relabel(chosen: Lang) -> list[Any]:
            return [*labels.updates(chosen), chosen]

        outputs = [*labels.components, saved_lang]
        demo.load(
            start,
            [session, saved_lang],
            [session, chat.chatbot, chat.turns, lang],
            js=f"(sid, saved) => [sid, saved || ({BROWSER_LANG_JS})]",
            api_name=False,
        ).then(relabel, lang, outputs, api_name=False).then(
            knowledge.browse, knowledge.inputs, knowledge.results, api_name=False
        )
        lang.input(relabel, lang, outputs, api_name=False).then(
            knowledge.browse, knowledge.inputs, knowledge.results, api_name=False
        )
    return demo


def mount_ui(app: FastAPI, advisor: Advisor, settings: Settings, path: str = "/") -> FastAPI:
    """Mount the web app on `app` at `path`, with its theme and CSS."""
    blocks = build_ui(advisor, settings)
    _poll_queue_less(blocks)
    return gr.mount_gradio_app(app, blocks, path=path, **page_options())


def _poll_queue_less(blocks: gr.Blocks) -> None:
    """Slow the idle queue's polling to `QUEUE_POLL_SECONDS` (a Gradio internal: left alone if it moved)."""
    queue = getattr(blocks, "_queue", None)
    if getattr(queue, "sleep_when_free", None) is not None:
        queue.sleep_when_free = max(queue.sleep_when_free, QUEUE_POLL_SECONDS)  # type: ignore[union-attr]

