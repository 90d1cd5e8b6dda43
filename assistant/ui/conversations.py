"""The side list of this browser's conversations: switch between them, start a new one, rename, delete.

The list's choices are positions in a server-side list of the owner's session ids (`gr.State`), so
the page never sends a session id; every action works on the owner from the signed cookie.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
from pydantic import BaseModel

from assistant.brief.store import Briefs
from assistant.store import Store, StoredMessage
from assistant.ui.chat import ChatTab
from assistant.ui.turns import WebSession
from assistant.ui.i18n import Labels, t

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


class Deleted(BaseModel):
    """A conversation just deleted, kept in server-side state until its undo is used or passes."""

    session_id: str
    title: str
    messages: list[StoredMessage]


class ConversationsPanel:
    """A sidebar with "new chat", the list of earlier conversations, rename and delete (with undo).

    Rename and delete are disabled while the chat shown is empty (nothing to rename or delete).
    On a phone the sidebar covers the page; choosing a conversation or a new chat closes it
    (page_script.py).
    """

    def __init__(self, chat: ChatTab, labels: Labels):
        self.chat = chat
        self.store = chat.advisor.store
        self.ids = gr.State([])
        deleted = gr.State(None)
        with labels.make(gr.Sidebar, {"label": "conv.title"}, open=False, elem_id="tk-sidebar", width=280):
            new = labels.make(gr.Button, {"value": "chat.new"}, variant="primary", elem_id="tk-new-chat")
            self.radio = labels.make(gr.Radio, {"label": "conv.title", "info": "conv.info"}, choices=[], elem_id="tk-conversations")
            title = labels.make(
                gr.Textbox, {"label": "conv.rename_label", "placeholder": "conv.rename_placeholder"}, elem_id="tk-rename", max_lines=1
            )
            with gr.Row():
                rename = labels.make(gr.Button, {"value": "conv.rename"}, interactive=False, elem_id="tk-rename-send")
                delete = labels.make(gr.Button, {"value": "conv.delete"}, variant="stop", interactive=False, elem_id="tk-delete")
        with gr.Row(visible=False, elem_id="tk-undo") as undo_bar:
            labels.make(gr.HTML, {"value": lambda lang: f'<p class="tk-undo-text">{t("conv.deleted", lang)}</p>'}, padding=False)
            undo = labels.make(gr.Button, {"value": "conv.undo"}, size="sm", elem_id="tk-undo-button", scale=0, min_width=80)
        self.listed = [self.radio, self.ids, rename, delete]
        listed = self.listed
        for answered in chat.answered:
            answered.then(self.refresh, chat.web, listed, api_name=False, show_progress="hidden")
        self.radio.input(self.open, [self.radio, self.ids, chat.web], chat.views, api_name=False).then(
            self.refresh, chat.web, listed, api_name=False, show_progress="hidden"
        )
        for start_new in (new.click, chat.chatbot.clear):  # the chat's own clear (its icon hidden by CSS) does the same
            start_new(chat.new_session, chat.web, chat.views, api_name=False).then(self.refresh, chat.web, listed, api_name=False)
        rename.click(self.rename, [title, chat.web], [title, *listed], api_name=False)
        title.submit(self.rename, [title, chat.web], [title, *listed], api_name=False)
        delete.click(self.delete, chat.web, [*chat.views, deleted, undo_bar], api_name=False).then(
            self.refresh, chat.web, listed, api_name=False)
        undo.click(self.undo, [deleted, chat.web], [*chat.views, deleted, undo_bar], api_name=False).then(
            self.refresh, chat.web, listed, api_name=False)

    def refresh(self, web: WebSession | None) -> tuple[Any, ...]:
        """The list, and rename/delete enabled only when the chat shown has been stored."""
        update, ids = listing(self.store, web)
        stored = web is not None and web.session_id in ids
        return update, ids, gr.update(interactive=stored), gr.update(interactive=stored)

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
        return ("", *self.refresh(web))

    def delete(self, web: WebSession | None, request: gr.Request) -> tuple[Any, ...]:
        """Delete the conversation shown (and stop sharing its briefs), start a new one, and offer
        to undo: the deleted turns stay in this tab's server-side state until then."""
        if web is None or not self.chat.allowed(request):
            return (*(gr.skip() for _ in self.chat.views), None, gr.update(visible=False))
        titles = {s.session_id: s.title for s in self.store.sessions(web.owner)}
        kept = Deleted(session_id=web.session_id, title=titles.get(web.session_id, ""), messages=self.store.history(web.session_id))
        self.store.delete_session(web.session_id, owner=web.owner)
        Briefs(self.store).revoke_conversation(web.session_id, web.owner)
        return (*self.chat.new_session(web, request), kept if kept.messages else None, gr.update(visible=bool(kept.messages)))

    def undo(self, deleted: Deleted | None, web: WebSession | None, request: gr.Request) -> tuple[Any, ...]:
        """Put the deleted conversation back, as it was, and show it."""
        if deleted is None or web is None or not self.chat.allowed(request) or not self.store.claim(deleted.session_id, web.owner):
            return (*(gr.skip() for _ in self.chat.views), None, gr.update(visible=False))
        self.store.append(deleted.session_id, *deleted.messages, owner=web.owner)
        first_question = next((m.content for m in deleted.messages if m.role == "user"), "")
        if deleted.title and deleted.title != first_question:
            self.store.rename_session(deleted.session_id, web.owner, deleted.title)
        return (*self.chat.show(WebSession(owner=web.owner, session_id=deleted.session_id)), None, gr.update(visible=False))
