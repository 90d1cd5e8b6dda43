"""What a message names outright: its market, its format, the claims it asserts, the figures it doubles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.engine.lexicon import lexicon

if TYPE_CHECKING:  # the market and format words are read without the models (check_policy imports this)
    from assistant.engine.reading.features import Context


def market_named(text: str) -> str | None:
    """The first market named ("西班牙语配音" names a language, not Spain)."""
    lex = lexicon()
    excluded = lex.not_markets.find(text)
    hits = [h for h in lex.markets.find(text) if not any(e.start <= h.start < e.end for e in excluded)]
    return hits[0].label if hits else None


def format_named(text: str) -> str | None:
    """The format named: several named → `all`; "直播视频" is LIVE; "live-action" is not LIVE."""
    lex = lexicon()
    excluded = lex.not_formats.find(text)
    hits = [h for h in lex.formats.find(text) if not any(e.start <= h.start < e.end for e in excluded)]
    live_ends = {h.end for h in hits if h.label == "LIVE"}
    named = {h.label for h in hits if not (h.label == "short-video" and h.start in live_ends)}
    if not named:
        return None
    return named.pop() if len(named) == 1 else "all"


def claims_in(ctx: Context) -> list[str]:
    hits = lexicon().claims.find(ctx.text)
    sentences = []
    for hit in hits:
        start = ctx.breaks.sentence_start(hit.start)
        ends = [e for e in ctx.breaks.sentence_ends if e > hit.start]
        sentences.append(ctx.text[start : ends[0] if ends else len(ctx.text)].strip())
    return list(dict.fromkeys(sentences))


def doubled_in(ctx: Context) -> list[tuple[str, tuple[int, int]]]:
    """"那播放翻倍呢", "and if the views double?": the role named beside a word that doubles it."""
    out = []
    for hit in (h for h in lexicon().conversation.find(ctx.text) if h.label == "double"):
        clause = ctx.breaks.clause(hit.start)
        named = [c for c in ctx.cues.near(hit.start, hit.end) if ctx.breaks.clause(c.start) == clause]
        if named:
            nearest = min(named, key=lambda c: abs(c.start - hit.start))
            out.append((nearest.label, (hit.start, hit.end)))
    return out
