"""The Knowledge tab: browse and search the entries behind the advice, filtered by topic, market and evidence."""

from __future__ import annotations

from collections.abc import Sequence

import gradio as gr

from assistant.kb.retrieve import Retriever, entry_matches
from assistant.kb.schema import EVIDENCE_LEVELS, Entry, Lang
from assistant.ui.i18n import Labels, evidence_badge, t
from assistant.ui.render import entry_card, esc


class KnowledgeTab:
    """A search box and three filters over the knowledge base; the list follows every change."""

    def __init__(self, retriever: Retriever, labels: Labels, lang: gr.Radio):
        self.retriever = retriever
        kb = retriever.kb
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
                {"label": "kb.topics"},
                choices=sorted({topic for e in kb for topic in e.topics}),
                multiselect=True,
                elem_id="tk-kb-topics",
                min_width=160,
            )
            markets = labels.make(
                gr.Dropdown,
                {"label": "kb.markets"},
                choices=sorted({m for e in kb for m in e.markets}),
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
        self.results = gr.HTML(elem_id="tk-entries")
        self.inputs = [query, topics, markets, evidence, lang]
        gr.on(
            [query.submit, topics.change, markets.change, evidence.change],
            self.browse,
            self.inputs,
            self.results,
            api_name=False,
            show_progress="hidden",
        )

    def entries(self, query: str, topics: Sequence[str], markets: Sequence[str], evidence: Sequence[str]) -> list[Entry]:
        """Search hits (best first) when there is a query, else every entry passing the filters, strongest first."""
        if query and query.strip():
            filters = {"markets": markets or None, "topics": topics or None, "evidence": evidence or None}
            return [hit.entry for hit in self.retriever.search(query, k=len(self.retriever.kb), **filters)]
        chosen = [e for e in self.retriever.kb if entry_matches(e, markets, topics, evidence)]
        return sorted(chosen, key=lambda e: (EVIDENCE_LEVELS.index(e.evidence), e.id))

    def browse(self, query: str, topics: list[str], markets: list[str], evidence: list[str], lang: Lang) -> str:
        """The matching entries as cards, with a count (or a friendly note when nothing matches)."""
        kb = self.retriever.kb
        found = self.entries(query, topics, markets, evidence)
        if not found:
            return f'<p class="tk-count">{esc(t("kb.none", lang))}</p>'
        cards = "".join(
            entry_card(e, lang, [kb[other].title.get(lang) for other in sorted(kb.conflicts(e.id))], stale=e.is_stale())
            for e in found
        )
        return f'<p class="tk-count">{esc(t("kb.count", lang, n=len(found)))}</p>{cards}'
