"""What the index stores of each entry (its document, metadata and content hash), and the version of
a whole knowledge base: plain functions, so the index's exported vectors can be matched to the
knowledge without opening Chroma."""

from __future__ import annotations

import hashlib
import json
import re

from assistant.config import Settings
from assistant.kb.encoding import EMBEDDING_REVISION
from assistant.kb.loader import KnowledgeBase
from assistant.kb.schema import Entry


def document_text(entry: Entry) -> str:
    """What gets embedded: title, aliases, text and guidance, in both languages."""
    parts = [
        entry.title.zh,
        entry.title.en,
        " ".join(entry.aliases),
        entry.text.zh,
        entry.text.en,
        entry.guidance.zh,
        entry.guidance.en,
    ]
    return "\n".join(part for part in parts if part)


def market_flag(market: str) -> str:
    return f"market_{market}"


def topic_flag(topic: str) -> str:
    return f"topic_{topic}"


def document_metadata(entry: Entry) -> dict[str, str | bool]:
    """Filterable metadata: one boolean flag per market and topic, plus joined strings for display."""
    metadata: dict[str, str | bool] = {
        "id": entry.id,
        "kind": entry.kind,
        "evidence": entry.evidence,
        "markets": ",".join(entry.markets),
        "topics": ",".join(entry.topics),
    }
    metadata.update({market_flag(m): True for m in entry.markets})
    metadata.update({topic_flag(t): True for t in entry.topics})
    return metadata


def content_hash(document: str, metadata: dict[str, str | bool]) -> str:
    """Changes when the entry, its metadata or the embedding method (`EMBEDDING_REVISION`) changes."""
    payload = json.dumps([EMBEDDING_REVISION, document, metadata], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def knowledge_version(kb: KnowledgeBase) -> str:
    """One hash of every entry as indexed: the index serves `kb` only when it carries this version."""
    digests = sorted(content_hash(document_text(e), document_metadata(e)) for e in kb)
    return hashlib.sha256("".join(digests).encode()).hexdigest()[:32]


def embedding_key(settings: Settings) -> str:
    """A short name for the embedding space, safe for a Chroma collection name."""
    if settings.embeddings == "openai":
        return "openai-" + re.sub(r"[^a-zA-Z0-9_-]+", "-", settings.embedding_model).strip("-")
    return "use-m3"
