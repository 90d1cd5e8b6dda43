"""What every chat-app reply is made of, before a vendor's layout: the short reply with its source
markers numbered, the numbered sources with their evidence level, the details, follow-ups, the
message id the buttons name, and the button labels in the answer's language."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answer import Answer
from assistant.kb.schema import Lang

LABELS: dict[str, dict[Lang, str]] = {
    "details": {"zh": "详情", "en": "Details"},
    "helpful": {"zh": "👍 有帮助", "en": "👍 Helpful"},
    "unhelpful": {"zh": "👎 没帮助", "en": "👎 Not helpful"},
    "handoff": {"zh": "转人工", "en": "Talk to a person"},
    "sources": {"zh": "来源", "en": "Sources"},
    "thanks": {"zh": "已记录你的反馈，谢谢！", "en": "Thanks, your feedback is saved."},
    "handoff_asked": {"zh": "{who} 请人工跟进这个问题。", "en": "{who} would like a person to follow up on this question."},
    "handoff_sent": {"zh": "已通知同事跟进。", "en": "A colleague has been asked to follow up."},
    "no_details": {"zh": "这条回答没有更多详情。", "en": "This answer has no further details."},
    "gone": {"zh": "找不到这条回答（可能已被删除）。", "en": "That answer is no longer stored."},
    "working": {"zh": "正在查资料和计算…", "en": "Looking it up…"},
}


def label(key: str, lang: Lang, **values: str) -> str:
    return LABELS[key][lang].format(**values)


@dataclass(frozen=True)
class Source:
    number: int
    title: str
    url: str
    evidence: str
    """The evidence level in the answer's language (官方政策, Anonymous insider claim, ...)."""


def numbered(text: str, cited: list[str]) -> str:
    """`[entry-id]` markers as the numbers of the cited ids, in order: `[gpm-definition]` → `[2]`."""
    for number, entry_id in enumerate(cited, 1):
        text = text.replace(f"[{entry_id}]", f"[{number}]")
    return text


@dataclass(frozen=True)
class ReplyParts:
    reply: str
    """Markdown, markers numbered like `sources`."""
    details: str
    sources: tuple[Source, ...]
    follow_ups: tuple[str, ...]
    message_id: str | None
    lang: Lang

    @classmethod
    def of(cls, answer: Answer) -> ReplyParts:
        sources = tuple(Source(n, c.title, c.url, c.evidence_label) for n, c in enumerate(answer.citations, 1))
        cited = [c.id for c in answer.citations]
        return cls(numbered(answer.answer, cited), numbered(answer.details, cited), sources,
                   tuple(answer.follow_ups), answer.message_id, answer.lang)
