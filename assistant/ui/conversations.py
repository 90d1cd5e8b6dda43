"""The side list of this browser's conversations: switch between them, start a new one, rename, delete.

The list's choices are positions in a server-side list of the owner's session ids (`gr.State`), so
the page never sends a session id; every action works on the owner from the signed cookie.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.store import Store
from assistant.ui.chat import ChatTab, WebSession
from assistant.ui.i18n import Labels

TITLE_CHARS = 60
"""A title longer than this is cut, with "…", in the list."""


def short(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"


def listing(store: Store, web: WebSession | None) -> tuple[dict[str, Any], list[str]]:
    """The list's update (titles, the current one selected) and the session ids behind its positions."""
    summaries = store.sessions(web.owner) if web else []
    ids = [s.session_id for s in summaries]
    current = ids.index(web.session_id) if web and web.session_id in ids else None
    choices = [(short(s.title), position) for position, s in enumerate(summaries)]
    return gr.update(choices=choices, value=current), ids


class ConversationsPanel:
    """A sidebar with "new chat", the list of earlier conversations, rename and delete."""

    def __init__(self, chat: ChatTab, labels: Labels):
        self.chat = chat
        self.store = chat.advisor.store
        self.ids = gr.State([])
        with labels.make(gr.Sidebar, {"label": "conv.title"}, open=False, elem_id="tk-sidebar", width=280):
            new = labels.make(gr.Button, {"value": "chat.new"}, variant="primary", size="sm", elem_id="tk-new-chat")
            self.radio = labels.make(gr.Radio, {"label": "conv.title", "info": "conv.info"}, choices=[], elem_id="tk-conversations")
            title = labels.make(
                gr.Textbox, {"label": "conv.rename_label", "placeholder": "conv.rename_placeholder"}, elem_id="tk-rename", max_lines=1
            )
            with gr.Row():
                rename = labels.make(gr.Button, {"value": "conv.rename"}, size="sm", elem_id="tk-rename-send")
                delete = labels.make(gr.Button, {"value": "conv.delete"}, size="sm", variant="stop", elem_id="tk-delete")
        listed = [self.radio, self.ids]
        for answered in chat.answered:
            answered.then(self.refresh, chat.web, listed, api_name=False, show_progress="hidden")
        self.radio.input(self.open, [self.radio, self.ids, chat.web], chat.views, api_name=False).then(
            self.refresh, chat.web, listed, api_name=False, show_progress="hidden"
        )
        for start_new in (new.click, chat.chatbot.clear):  # the chat's own clear (its icon hidden by CSS) does the same
            start_new(chat.new_session, chat.web, chat.views, api_name=False).then(self.refresh, chat.web, listed, api_name=False)
        rename.click(self.rename, [title, chat.web], [title, *listed], api_name=False)
        title.submit(self.rename, [title, chat.web], [title, *listed], api_name=False)
        delete.click(self.delete, chat.web, chat.views, api_name=False).then(self.refresh, chat.web, listed, api_name=False)

    def refresh(self, web: WebSession | None) -> tuple[Any, ...]:
        return listing(self.store, web)

    def open(self, position: int | None, ids: list[str], web: WebSession | None, request: gr.Request) -> tuple[Any, ...]:
        """Show the conversation at `position` of this owner's list."""
        if web is None or not isinstance(position, int) or not 0 <= position < len(ids) or not self.chat.allowed(request):
            return tuple(gr.skip() for _ in self.chat.views)
        if not self.store.claim(ids[position], web.owner):  # deleted and taken meanwhile: stay put
            return tuple(gr.skip() for _ in self.chat.views)
        return self.chat.show(WebSession(owner=web.owner, session_id=ids[position]))

    def rename(self, title: str, web: WebSession | None, request: gr.Request) -> tuple[Any, ...]:
        if web is not None and self.chat.allowed(request):
            self.store.rename_session(web.session_id, web.owner, title or "")
        return ("", *listing(self.store, web))

    def delete(self, web: WebSession | None, request: gr.Request) -> tuple[Any, ...]:
        """Delete the conversation shown and start a new one."""
        if web is None or not self.chat.allowed(request):
            return tuple(gr.skip() for _ in self.chat.views)
        self.store.delete_session(web.session_id, owner=web.owner)
        return self.chat.new_session(web, request)
