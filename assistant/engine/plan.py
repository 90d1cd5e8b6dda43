"""The offline engine's plan: from the Reading, the tool calls that answer each question.

Every question gets the knowledge search; a rule question (and a decision, which a rule of its
format may rule out) gets `check_policy` with the market and format read; a calculation runs only
where the solver bound every input with confidence. The plan is kept with the turn, so the reply
is written from what was read and decided here, never from the text again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.engine.ai_actions import lexicon as lexicon_of_actions
from assistant.engine.ai_actions import read_ai_actions
from assistant.engine.lexicon import lexicon
from assistant.engine.reading.questions import says_anything
from assistant.engine.reading.reading import Reading, State
from assistant.engine.shapes.solve import Solution, solve
from assistant.kb.schema import Lang

SEARCH_K = 6
POLICY_ACTS = ("comply", "risk", "decide")
"""Questions a rule clause may answer (a decision may be ruled out by a clause of its format)."""
MAX_CALCULATIONS = 4
FIGURE_ACTS = ("compute", "diagnose")
"""Questions a figure answers: a second one on a figure already worked out is answered with it."""


@dataclass(frozen=True)
class Call:
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class AskPlan:
    """What was decided for one question: its act, the shape solved and what it lacks or left unused."""

    text: str
    context: str
    act: str
    wants: str
    shape: str
    """The shape that runs, `missing:<role>` when one figure is missing or unsure, or `none`."""
    calls: list[int] = field(default_factory=list)
    """Indexes (into the plan's calculator calls) of this question's calculations."""
    bound: list[dict[str, str]] = field(default_factory=list)
    """The seller's figures bound to the calculation's inputs: {arg, raw, role} (what was read)."""
    missing: list[str] = field(default_factory=list)
    """Roles of the inputs still needed (at most one is asked for)."""
    unsure: list[dict[str, str]] = field(default_factory=list)
    """Figures read too unsurely to compute on: {raw, role}."""
    unused: list[dict[str, str]] = field(default_factory=list)
    """The seller's figures this question's calculation did not use: {raw, role}."""
    considered: list[list[str]] = field(default_factory=list)
    search: int = 0
    """Index (into the plan's calls) of the search whose hits this question's reply cites."""
    policy: int | None = None
    """Index (into the plan's calls) of this question's `check_policy` call, if it has one."""
    tangled: bool = False
    """The figures given don't fit one calculation surely: read them back and ask which one is wanted."""


@dataclass(frozen=True)
class Plan:
    calls: list[Call]
    asks: list[AskPlan]

    def summary(self) -> dict[str, Any]:
        """What the reply needs, as JSON (kept on the planning message of the turn)."""
        return {"asks": [asdict(a) for a in self.asks], "calculations": [asdict(c) for c in self.calls]}


def _ask_plan(solution: Solution, indexes: list[int], search: int, policy: int | None, act: str | None = None) -> AskPlan:
    ask = solution.ask
    binding = solution.binding
    return AskPlan(
        text=ask.text if ask else "", context=ask.context if ask else "", act=act or (ask.act if ask else "compute"),
        wants=ask.wants if ask else "none", search=search, policy=policy,
        shape=solution.shape_id, calls=indexes,
        bound=[{"arg": arg, "raw": n.raw, "role": n.role} for arg, n in binding.bound.items()] if binding else [],
        missing=[ref.roles[0] for ref in binding.missing] if binding and not solution.calls else [],
        unsure=[{"raw": n.raw, "role": ref.roles[0]} for ref, n in binding.unsure] if binding and not solution.calls else [],
        unused=[{"raw": n.raw, "role": n.role} for n in solution.unused],
        considered=[list(c) for c in solution.considered], tangled=solution.tangled,
    )  # fmt: skip


def _governed(text: str) -> bool:
    """The message names a use a rule may govern beyond AI-made content in general or a light edit
    (reposting others' footage, a testimonial, the product's look, a presenter…)."""
    concepts = lexicon_of_actions().concepts
    return any(a.concept != "content" and not concepts[a.concept].light and not concepts[a.concept].meta
               for a in read_ai_actions(text))


def _query(reading: Reading, state: State, solutions: list[Solution]) -> str:
    """The search: this message, after the previous one when it continues it, with the calculations' words."""
    earlier = state.readings[-2].text if len(state.readings) > 1 else ""
    short = len(reading.text) < 40 and (not reading.asks or all(a.act in ("compute", "diagnose") for a in reading.asks))
    follows = bool(earlier) and (short or bool(lexicon().conversation.find(reading.text)))
    hints = " ".join(dict.fromkeys(s.binding.shape.search for s in solutions if s.calls and s.binding and s.binding.shape.search))
    return " ".join(p for p in (earlier if follows else "", reading.text, hints) if p)


def _worked_before(solution: Solution, before: list[Solution], reading: Reading) -> bool:
    """An earlier question's calculation already gives what this one asks for, from every figure of this message
    it would use ("混合GPM多少？想做5w刀要多少播放": the blended GPM's call gives the views for the 5w too)."""
    if solution.ask is None or solution.binding is None:
        return False
    here = {n.span for n in reading.numbers}
    uses = solution.binding.used() & here
    return any(b.calls and b.binding is not None and solution.ask.wants in b.binding.shape.gives
               and uses <= b.binding.used() for b in before)


def plan_turn(reading: Reading, state: State, lang: Lang) -> Plan:
    """Search, rule and calculate what the message asks: one search for the message, and one more for
    each further question, so each part of the reply cites what was found for it."""
    solutions = solve(reading, state)
    calls = [Call("search_knowledge", {"query": _query(reading, state, solutions), "k": SEARCH_K, "lang": lang})]
    in_scope = [a for a in reading.asks if a.act != "out_of_scope"]
    searches = {}
    if len(in_scope) > 1:
        for ask in in_scope:
            searches[ask.span] = len(calls)
            own = f"{ask.context} {ask.text}".strip()
            query = own if says_anything(own) else reading.text  # "is it worth chasing?" is about the message's figure
            calls.append(Call("search_knowledge", {"query": query, "k": 4, "lang": lang}))
    policies: dict[tuple[int, int], int] = {}
    previous = ""
    governed: set[tuple[int, int]] = set()
    for ask in reading.asks:  # each rule question is ruled on in its own words (with the one before it when it says nothing itself)
        own = f"{ask.context} {ask.text}".strip()
        if ask.act in ("explain", "source") and _governed(reading.text if len(reading.asks) == 1 else own):
            governed.add(ask.span)  # "用了网上下载的别人的素材 能挂车吗": a question about doing what a rule governs
        if ask.act in POLICY_ACTS or ask.span in governed or (ask.act == "explain" and ask.wants == "ruling" and read_ai_actions(own)):
            if len(reading.asks) == 1:  # "is AI try-on allowed? the dress looks slimmer than irl": the whole message
                action = reading.text
            else:
                action = own if says_anything(own) or not previous else f"{previous} {own}"
            policies[ask.span] = len(calls)
            calls.append(Call("check_policy", {"action": action, "market": state.market or "US", "format": state.format}))
        previous = own
    calculations: list[Call] = []
    asks = []
    for i, solution in enumerate(solutions):
        own = [Call(name, args) for name, args in solution.calls]
        if asks and own and (all(call in calculations for call in own) or _worked_before(solution, solutions[:i], reading)):
            if solution.ask is None or solution.ask.act in FIGURE_ACTS:
                continue  # "GPM多少 正常吗": the question before already works out and judges this figure
            own = []  # "…要不要all in": answered as the decision it is, not with the figure again
        indexes = []
        for call in own:
            if call not in calculations and len(calculations) < MAX_CALCULATIONS:
                calculations.append(call)
            if call in calculations:
                indexes.append(calculations.index(call))
        span = solution.ask.span if solution.ask else None
        asks.append(_ask_plan(solution, indexes, searches.get(span, 0), policies.get(span), "comply" if span in governed else None))
    return Plan([*calls, *calculations], asks)
