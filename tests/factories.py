"""A valid knowledge entry for tests, with any field replaced."""

from __future__ import annotations

from typing import Any

from assistant.kb.schema import Entry


def entry_data(entry_id: str = "sample-entry", **changes: Any) -> dict[str, Any]:
    """The entry as YAML would hold it: a US official note on GPM, reviewed today."""
    data: dict[str, Any] = {
        "id": entry_id,
        "kind": "note",
        "title": {"zh": f"{entry_id} 标题", "en": f"{entry_id} title"},
        "text": {"zh": "GPM按千次曝光计算。", "en": "GPM is counted per thousand impressions."},
        "guidance": {"zh": "记下分母。", "en": "Write down the denominator."},
        "evidence": "official",
        "source": {
            "title": "Seller University", "publisher": "TikTok", "url": "https://seller-us.tiktok.com/x", "date": "2025-01-01",
            "excerpt": "GPM per thousand impressions",
        },
        "markets": ["US"],
        "topics": ["gpm"],
        "reviewed": "2026-11-28",
        "review_by": "2099-01-01",
    }
    data.update(changes)
    return data


def make_entry(entry_id: str = "sample-entry", **changes: Any) -> Entry:
    return Entry.model_validate(entry_data(entry_id, **changes))
