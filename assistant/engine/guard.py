"""Input guard: clean and bound the text, tell its language, spot injection and off-topic asks."""

from __future__ import annotations

import re
import unicodedata

from assistant.answer import InvalidInput
from assistant.config import MAX_INPUT_CHARS, MAX_INPUT_NUMBERS
from assistant.engine.lexicon import terms
from assistant.kb.schema import Lang
from assistant.text import without_surrogates
from assistant.tools.numbers import find_numbers

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

_DOMAIN = terms("domain")
_INJECTION = re.compile(
    r"ignore\s+(all\s+|any\s+|your\s+|the\s+|previous\s+|prior\s+|above\s+)*(instructions|rules|prompt|guidelines)"
    r"|disregard\s+(all\s+|your\s+|the\s+|previous\s+)*(instructions|rules|prompt)"
    r"|(print|show|reveal|repeat|output|leak|tell me)\s+(me\s+)?(your|the)\s+(system\s+|hidden\s+|initial\s+)?(prompt|instructions)"
    r"|system\s+prompt|you\s+are\s+now\s+|pretend\s+(to\s+be|you\s+are)|act\s+as\s+(an?\s+)?(unfiltered|jailbroken|dan\b)"
    r"|developer\s+mode|jailbreak"
    r"|(say|tell\s+(me|them|users|sellers)|claim|state|confirm|answer)\s+(that\s+)?(going\s+)?all[- ]?in\s+(on\s+)?ai\b[^.?!]*\b(safe|guaranteed|risk[- ]free)"
    r"|忽略(之前|以上|上面|前面|你的|所有|全部)?.{0,6}(指令|指示|规则|设定|提示)"
    r"|无视(之前|以上|上面|你的|所有)?.{0,6}(指令|指示|规则|设定|提示)"
    r"|(输出|打印|显示|告诉我|泄露|复述).{0,6}(系统提示|提示词|system\s*prompt|你的指令|你的设定)"
    r"|系统提示词|你现在是|扮演.{0,10}(没有限制|不受限制)|开发者模式|越狱"
    r"|(就说|你就说|直接说|必须说|告诉(我|大家|卖家)).{0,12}(all\s*in|全力|押注).{0,8}(ai|AI).{0,10}(安全|稳赚|没有风险|零风险|稳)"
    r"|repeat\s+(everything|all|what)\s+.{0,30}(told|said|given|above|before)|what\s+were\s+you\s+told"
    r"|(everything|all)\s+(you\s+were\s+told|above)\s+(before|until)\s+my\s+message"
    r"|(重复|复述|原样输出).{0,8}(上面|之前|前面|你收到|你被告知).{0,8}(内容|话|指令|文字)|你(收到|被给)的(指令|提示|设定)是什么",
    re.IGNORECASE,
)

def clean(text: str) -> str:
    """Normalise width and strip control and invisible formatting characters and lone surrogates."""
    text = unicodedata.normalize("NFKC", without_surrogates(text))
    return _CONTROL.sub("", text).strip()


def check_input(text: str) -> str:
    """The cleaned text, or `InvalidInput` when empty or over the limit."""
    if not isinstance(text, str):
        raise InvalidInput("empty", {"zh": "请输入您的问题。", "en": "Please type a question."})
    cleaned = clean(text)
    if not cleaned:
        raise InvalidInput("empty", {"zh": "消息是空的：请输入您的问题。", "en": "The message is empty: please type a question."})
    if len(cleaned) > MAX_INPUT_CHARS:
        raise InvalidInput(
            "too_long",
            {
                "zh": f"消息太长（{len(cleaned):,} 个字符），上限是 {MAX_INPUT_CHARS:,} 个字符。请精简后再发。",
                "en": f"The message is too long ({len(cleaned):,} characters); the limit is {MAX_INPUT_CHARS:,}. Please shorten it.",
            },
        )
    numbers = len(find_numbers(cleaned))
    if numbers > MAX_INPUT_NUMBERS:
        raise InvalidInput(
            "too_many_numbers",
            {
                "zh": f"消息里的数字太多（{numbers} 个），上限是 {MAX_INPUT_NUMBERS} 个。请只留下与问题有关的数字。",
                "en": f"The message holds too many numbers ({numbers}); the limit is {MAX_INPUT_NUMBERS}. "
                      "Please keep only the ones the question needs.",
            },
        )
    return cleaned


def detect_lang(text: str, fallback: Lang = "en") -> Lang:
    """The dominant language: Han characters against Latin words; ties go to Chinese."""
    han = len(_HAN.findall(text))
    words = len(_LATIN_WORD.findall(text))
    if han == 0 and words == 0:
        return fallback
    return "zh" if han >= words else "en"


def is_injection(text: str) -> bool:
    """Attempts to override the assistant's instructions or extract them."""
    return bool(_INJECTION.search(text))


_PIECES = re.compile(r"(?<=[\n。！？!?])|(?<=\.)\s+")


def without_injection(text: str) -> tuple[str, bool]:
    """`text` without the sentences or lines that try to override or extract the instructions, and
    whether any were dropped: a real question with a planted line is still answered."""
    pieces = [p for p in _PIECES.split(text) if p.strip()]
    kept = [p for p in pieces if not is_injection(p)]
    if len(kept) == len(pieces):
        return text, False
    return "".join(p if p.endswith(("\n", " ")) else p + " " for p in kept).strip(), True


def mentions_domain(text: str) -> bool:
    """Whether the text names anything from a TikTok Shop seller's world (lexicon/domain.yaml)."""
    return bool(_DOMAIN.find(text))
