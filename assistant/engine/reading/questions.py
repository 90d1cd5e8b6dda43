"""The questions a message asks: which pieces ask, each one's act and the quantity it wants.

A piece asks when the is-ask model says so; its act and wants come from the models over its words,
the words before it and the seller's previous message, with the sentence encoder's view of its
meaning. Neighbouring pieces of one question are merged; a question about another marketplace is
outside the field unless it names TikTok too.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from assistant.engine.guard import mentions_domain
from assistant.engine.lexicon import lexicon, terms
from assistant.engine.reading.features import Context, embed, text_features
from assistant.engine.reading.model import LinearModel, head
from assistant.engine.reading.parts import Ask
from assistant.engine.reading.segments import list_items

_ONLY_FILLER = re.compile(r"[\s!！?？。.,，~～…]+")
_INTERROGATIVE = terms("questions")


def _whole_message_act(text: str) -> str | None:
    """A message that is nothing but a greeting or thanks."""
    hits = lexicon().act_only.find(text)
    rest = text
    for hit in sorted(hits, key=lambda h: -h.start):
        rest = rest[: hit.start] + rest[hit.end :]
    if hits and not _ONLY_FILLER.sub("", rest).strip(" 😀🙏👍🙂😊") and len(rest) < 12:
        return hits[0].label
    return None


def _ask(text: str, piece: tuple[int, int], unit_start: int, previous: str, vector: np.ndarray) -> Ask:
    """One question: the act and the quantity asked for, read from its words and those before it."""
    features = text_features(text[unit_start : piece[1]], text[:unit_start], previous, vector)
    act, act_p = _act(head("act"), features, text[piece[0] : piece[1]])
    wants = head("wants")
    p = wants.proba(features)
    first, *others = p.argsort()[::-1][:4]
    return Ask(piece, text[piece[0] : piece[1]].strip(), act, act_p, wants.classes[first], float(p[first]),
               text[unit_start : piece[0]].strip(), tuple((wants.classes[i], float(p[i])) for i in others), unit_start)


def read_asks(ctx: Context, previous: str, figures: bool) -> list[Ask]:
    """The questions in the message: pieces the is-ask model picks, each with the words before it. A
    message where no piece reads as a question is one question when it has no figures or says it asks
    ("帮我算", "how much"); else it only gives figures."""
    text = ctx.text
    if act := _whole_message_act(text):
        return [Ask((0, len(text)), text, act, 1.0, "none", 1.0)]
    items = list_items(text)
    if items:  # the seller numbered the questions: each item is one, the words before them only lead in
        ends = [*items[1:], len(text)]
        units = [((start, end), start) for start, end in zip(items, ends, strict=True)]
    else:
        units = _question_pieces(ctx, previous)
    if not units and text.strip() and (not figures or lexicon().act_cues.find(text) or _INTERROGATIVE.find(text)):
        units = [((0, len(text)), 0)]
    vectors = embed([text[start : piece[1]] for piece, start in units])
    asks = [_ask(text, piece, start, previous, vector) for (piece, start), vector in zip(units, vectors, strict=True)]
    if items:  # "AI做的视频 1会不会限流 2…": the words before the list are what every item asks about
        lead = text[: items[0]].strip()
        asks = [replace(a, context=lead) if lead and not a.context else a for a in asks]
    return _continued_outside([_scoped(a, text) for a in (asks if items else _merged(asks))])


def _continued_outside(asks: list[Ask]) -> list[Ask]:
    """A question that goes on from one outside the field and names nothing of the field itself is
    outside too ("销售税tiktok代扣吗 我还要不要自己去各个州注册")."""
    out: list[Ask] = []
    for ask in asks:
        if out and out[-1].act == "out_of_scope" and not mentions_domain(ask.text):
            ask = replace(ask, act="out_of_scope")
        out.append(ask)
    return out


def _question_pieces(ctx: Context, previous: str) -> list[tuple[tuple[int, int], int]]:
    """The pieces the is-ask model reads as questions, each with where its words begin."""
    is_ask = head("is_ask")
    units: list[tuple[tuple[int, int], int]] = []
    start = 0
    for piece in ctx.breaks.pieces():
        if is_ask.predict(text_features(piece.text, ctx.text, previous))[0] == "ask":
            units.append(((piece.start, piece.end), start))
            start = piece.end
    return units


UNSURE_ACT = 0.6
"""Below this, an act the question's own words name (lexicon/acts.yaml) wins if the model gives it some weight."""


def _act(model: LinearModel, features: dict[str, float], words: str) -> tuple[str, float]:
    """The model's act; when it is unsure, the likeliest act the question's words name outright."""
    p = model.proba(features)
    best = int(np.argmax(p))
    if p[best] >= UNSURE_ACT:
        return model.classes[best], float(p[best])
    named = [(float(p[model.classes.index(label)]), label) for label in lexicon().act_cues.labels(words)
             if label in model.classes and p[model.classes.index(label)] >= 0.15]
    return (max(named)[1], max(named)[0]) if named else (model.classes[best], float(p[best]))


SHORT_ASK = 7
"""A question this short ("靠谱吗", "is it real?", "是真的吗") that follows another is part of it."""


def says_anything(text: str) -> bool:
    """The words name a figure, a subject, a format or a rule or risk of their own ("打了会限流吗" does;
    "还有必要做吗" only goes on with the question before it)."""
    lex = lexicon()
    named = {h.label for h in lex.act_cues.find(text)} & {"comply", "risk", "source"}
    return bool(named or lex.cues.find(text) or lex.subjects.find(text) or lex.formats.find(text))


def _scoped(ask: Ask, text: str) -> Ask:
    """A question about another marketplace that does not name TikTok is outside the field; one that
    names TikTok as well is inside it ("lazada和tiktok哪个扣点低": the TikTok side is answered). A
    subject the knowledge base has nothing on (sales tax, customs) is outside it either way."""
    own = f"{ask.context} {ask.text}"
    words = {h.label for h in lexicon().scope.find(own)}
    if ("marketplaces" in words and "tiktok" not in words) or "off_topic" in words:  # sales tax is outside even on TikTok
        return replace(ask, act="out_of_scope")
    if ask.act == "out_of_scope" and "tiktok" in words:
        return replace(ask, act="explain")
    helps = "help" in lexicon().act_cues.labels(ask.text)
    if ask.act == "help" and not helps and not mentions_domain(own):
        return replace(ask, act="out_of_scope")  # "can you help me debug my Django app?"
    if ask.act == "help" and mentions_domain(ask.text) and ask.confidence < UNSURE_ACT:
        return replace(ask, act="explain")  # "AI能帮我找达人吗": a question about the field, not what this tool does
    if ask.act == "out_of_scope" and helps and not lexicon().scope.find(own):
        return replace(ask, act="help")  # "你能帮我干啥"
    return ask


def _merged(asks: list[Ask]) -> list[Ask]:
    """Neighbouring pieces read as the same act are one question, unless they ask for different
    quantities ("能卖多少，要多少播放" stays two) or the first ends with its own question mark ("押金多少?
    佣金多少?" are two); a greeting or thanks beside a real question is left out."""
    out: list[Ask] = []
    if any(a.act not in ("greeting", "thanks") for a in asks):
        asks = [a for a in asks if a.act not in ("greeting", "thanks")]
    for ask in asks:
        previous = out[-1] if out else None
        quantities = {previous.wants, ask.wants} - {"none", "fact", "yes_no", "how", "ruling", "source", "verdict"} if previous else set()
        short = len(ask.text.split()) <= 3 if ask.text.isascii() else len(ask.text) <= SHORT_ASK
        if previous and short and not ask.context and (ask.act in ("source", "diagnose") or not says_anything(ask.text)):
            judged = "diagnose" if {previous.act, ask.act} == {"compute", "diagnose"} else previous.act  # "ROAS多少，正常吗"
            out[-1] = replace(previous, span=(previous.span[0], ask.span[1]), text=f"{previous.text} {ask.text}", act=judged)
        elif previous and previous.act == ask.act and len(quantities) < 2 and not previous.text.rstrip().endswith(("?", "？")):
            out[-1] = replace(previous, span=(previous.span[0], ask.span[1]), text=f"{previous.text} {ask.text}",
                              wants=previous.wants if previous.wants in quantities or not quantities else ask.wants)
        else:
            out.append(ask)
    return out
