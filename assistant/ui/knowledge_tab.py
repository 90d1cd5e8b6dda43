"""The Knowledge tab: browse and search the entries behind the advice, filtered by topic, market and
evidence, ten to a page. A search ranks by the chat's own retriever and keeps only relevant hits."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import gradio as gr

from assistant.kb.retrieve import RELEVANCE_FLOOR, Retriever, entry_matches
from assistant.kb.schema import EVIDENCE_LEVELS, Entry, Lang
from assistant.ui.i18n import Labels, evidence_badge, t
from assistant.ui.kb_labels import market_label, topic_label
from assistant.ui.render import entry_card, esc

PAGE_SIZE = 10
SEARCH_SHARE = 0.5
"""A search keeps hits scoring at least this share of the best hit's score..."""
SEARCH_FLOOR = 0.15
"""...and at least this; when even the best hit is under `RELEVANCE_FLOOR`, nothing is relevant."""


class KnowledgeTab:
    """A search box, three filters and a pager over the knowledge base; the list follows every change."""

    def __init__(self, retriever: Retriever, labels: Labels, lang: gr.Radio):
        self.retriever = retriever
        kb = retriever.kb
        topic_names = sorted({topic for e in kb for topic in e.topics})
        market_names = sorted({m for e in kb for m in e.markets})
        labels.make(gr.Markdown, {"value": "kb.intro"}, elem_classes="tk-intro")
        with gr.Row(equal_height=True):
            query = labels.make(
                gr.Textbox,
                {"label": "kb.search", "placeholder": "kb.search_placeholder"},
                elem_id="tk-kb-query",
                scale=3,
                min_width=240,
                submit_btn=True,
            )
            topics = labels.make(
                gr.Dropdown,
                {"label": "kb.topics", "choices": lambda lang: sorted(((topic_label(n, lang), n) for n in topic_names))},
                multiselect=True,
                elem_id="tk-kb-topics",
                min_width=160,
            )
            markets = labels.make(
                gr.Dropdown,
                {"label": "kb.markets", "choices": lambda lang: [(market_label(m, lang), m) for m in market_names]},
                multiselect=True,
                elem_id="tk-kb-markets",
                min_width=140,
            )
            evidence = labels.make(
                gr.Dropdown,
                {"label": "kb.evidence", "choices": lambda lang: [(evidence_badge(e, lang), e) for e in EVIDENCE_LEVELS]},
                multiselect=True,
                elem_id="tk-kb-evidence",
                min_width=160,
            )
        self.page = gr.State(0)
        self.results = gr.HTML(elem_id="tk-entries")
        with gr.Row(elem_id="tk-kb-pager"):
            previous = labels.make(gr.Button, {"value": "kb.previous"}, size="sm", elem_id="tk-kb-prev", min_width=80)
            self.position = gr.HTML("", elem_id="tk-kb-page")
            following = labels.make(gr.Button, {"value": "kb.next"}, size="sm", elem_id="tk-kb-next", min_width=80)
        self.inputs = [query, topics, markets, evidence, lang]
        self.outputs = [self.results, self.position, self.page]
        gr.on(
            [query.submit, topics.change, markets.change, evidence.change],
            self.browse,
            self.inputs,
            self.outputs,
            api_name=False,
            show_progress="hidden",
        )
        for button, step in ((previous, -1), (following, 1)):
            button.click(
                lambda *values, step=step: self.browse(*values[:-1], page=values[-1] + step),
                [*self.inputs, self.page],
                self.outputs,
                api_name=False,
                show_progress="hidden",
            )

    def entries(self, query: str, topics: Sequence[str], markets: Sequence[str], evidence: Sequence[str]) -> list[Entry]:
        """Relevant search hits (best first) when there is a query, else every entry passing the filters, strongest first."""
        if query and query.strip():
            filters = {"markets": markets or None, "topics": topics or None, "evidence": evidence or None}
            hits = self.retriever.search(query, k=len(self.retriever.kb), **filters)
            if not hits or hits[0].score < RELEVANCE_FLOOR:
                return []
            floor = max(SEARCH_FLOOR, SEARCH_SHARE * hits[0].score)
            return [hit.entry for hit in hits if hit.score >= floor]
        chosen = [e for e in self.retriever.kb if entry_matches(e, markets, topics, evidence)]
        return sorted(chosen, key=lambda e: (EVIDENCE_LEVELS.index(e.evidence), e.id))

    def browse(
        self, query: str, topics: list[str], markets: list[str], evidence: list[str], lang: Lang, page: int = 0
    ) -> tuple[Any, ...]:
        """One page of the matching entries as cards with the count, the pager's text, and the page shown."""
        kb = self.retriever.kb
        found = self.entries(query, topics, markets, evidence)
        if not found:
            return f'<p class="tk-count">{esc(t("kb.none", lang))}</p>', "", 0
        pages = math.ceil(len(found) / PAGE_SIZE)
        page = min(max(page, 0), pages - 1)
        shown = found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        cards = "".join(
            entry_card(e, lang, [kb[other].title.get(lang) for other in sorted(kb.conflicts(e.id))], stale=e.is_stale())
            for e in shown
        )
        position = f'<p class="tk-page">{esc(t("kb.page", lang, page=page + 1, pages=pages))}</p>' if pages > 1 else ""
        return f'<p class="tk-count">{esc(t("kb.count", lang, n=len(found)))}</p>{cards}', position, page
