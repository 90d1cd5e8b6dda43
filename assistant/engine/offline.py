"""The offline engine: deterministic, it plans tool calls from the Reading, then writes the answer."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from assistant.answer import DETAILS_MARKER
from assistant.engine import prompts
from assistant.engine.conversation import PLAN_KEY, Conversation, mark_kind, parse_tool_result
from assistant.engine.grounding import SEARCH_TOOL, retrieved_ids
from assistant.engine.lexicon import lexicon
from assistant.engine.plan import Call, Plan, plan_turn
from assistant.engine.positions import STANCE_ACTS, correction, stance, unbacked
from assistant.engine.readback import as_calculation, data_only, no_source, read_back, tangled, unused_note
from assistant.engine.reading.reading import Reading
from assistant.engine.reply import OUT_OF_SCOPE_LINE, Inputs, write_reply
from assistant.engine.scope import Scope
from assistant.engine.writer import Evidence, compose
from assistant.kb.loader import KnowledgeBase
from assistant.kb.positions import Position, Positions
from assistant.tools.calc_base import FX_RATE_ENTRY
from assistant.tools.calculate import CALCULATE_TOOL
from assistant.tools.calculators import CALCULATORS
from assistant.tools.registry import POLICY_TOOL

MAX_EVIDENCE = 4
CALCULATING = ("compute", "diagnose", "decide")


JUDGED_WITHOUT_FIGURES = ("fact", "yes_no", "verdict", "how", "none", "source", "ruling")
"""What a "is it OK?" question wants when it names no quantity the calculators work out."""


class OfflineEngine:
    """Plans the tool calls of a question from its Reading, then writes the answer from their results:
    no network and no weights. The agent loop drives it as a chat model (`offline_model.OfflineModel`);
    a one-shot answer calls `respond` directly (`answerer.run_offline`)."""

    def __init__(self, kb: KnowledgeBase, relevance_floor: float, usd_cny: float | None = None,
                 positions: Positions | None = None) -> None:
        self.kb = kb
        self.relevance_floor = relevance_floor
        """Search hits scoring below this are not evidence."""
        self.usd_cny = usd_cny
        """TK_USD_CNY; else the dated rate of the knowledge base converts yuan beside dollars."""
        self.positions = positions or Positions([])
        """The knowledge base's stances on decisions and corrections of figures stated wrongly."""

    def respond(self, messages: list[BaseMessage]) -> AIMessage:
        """Tool calls for a new question; the written answer once the tool results are in."""
        conversation = Conversation.from_messages(messages)
        if conversation.tool_results:
            return self._answer(conversation)
        state = conversation.state()
        plan = plan_turn(conversation.reading, state, conversation.lang)
        summary, searches = self._with_positions(plan, conversation.reading, state, conversation.lang)
        calls = [*(self._in_one_currency(c, conversation.reading) for c in plan.calls), *searches]
        return AIMessage("", tool_calls=[{"name": c.name, "args": c.args, "id": f"call_{i}", "type": "tool_call"}
                                         for i, c in enumerate(calls)], additional_kwargs={PLAN_KEY: summary})

    def _with_positions(self, plan: Plan, reading: Reading, state: Any, lang: str) -> tuple[dict[str, Any], list[Call]]:
        """The plan's summary with the positions its questions get (a stance, a correction), and a search
        that brings in the entries they rest on (cited with them)."""
        summary = plan.summary()
        used: list[Position] = []
        fixed = correction(self.positions, reading, state)
        summary["correction"] = fixed.id if fixed else None
        used += [fixed] if fixed else []
        for ask in summary["asks"]:
            text = reading.text if len(summary["asks"]) == 1 else f"{ask['context']} {ask['text']}"
            takes_stance = ask["act"] in STANCE_ACTS and ask["wants"] != "how"  # "how do I test with AI?" wants steps, not "Yes"
            held = stance(self.positions, text, state, ask["act"]) if takes_stance else None
            ask["stance"] = held.id if held else None
            used += [held] if held else []
        entries = dict.fromkeys(e for p in used for e in p.cites() if e in self.kb)
        searches = [Call("search_knowledge", {"query": f"{self.kb[e].title.zh} {self.kb[e].title.en}", "k": 2, "lang": lang})
                    for e in entries]
        return summary, searches

    def _in_one_currency(self, call: Call, reading: Reading) -> Call:
        """A calculation given yuan beside dollars gets the rate that converts the yuan (said in its result)."""
        currencies = {n.currency for n in reading.numbers if n.currency}
        if (call.name not in CALCULATORS and call.name != CALCULATE_TOOL) or not {"CNY", "USD"} <= currencies:
            return call
        rate = self.usd_cny
        if rate is None and FX_RATE_ENTRY in self.kb:
            rate = self.kb[FX_RATE_ENTRY].numbers.get("usd_cny")
        return Call(call.name, {**call.args, "usd_cny": rate}) if rate else call

    def _answer(self, conversation: Conversation) -> AIMessage:
        """A reply for each question of the message, then the details after `DETAILS_MARKER`."""
        lang, reading = conversation.lang, conversation.reading
        state = conversation.state()
        plan = conversation.current.plan or {"asks": []}
        scope = Scope(state.market or "US", state.format or "short-video")  # type: ignore[arg-type]
        evidence = self._evidence(conversation.tool_results, scope)
        results = [(m.name, parse_tool_result(m)) for m in conversation.tool_results if m.name != SEARCH_TOOL]
        rulings = [r for m in conversation.tool_results if m.name == POLICY_TOOL for r in ruled_on(m)]
        calculations = [self._judged_in_scope(p, scope) for name, p in results if name != POLICY_TOOL and isinstance(p, dict)]
        calculations = [as_calculation(c) if c.get("tool") == CALCULATE_TOOL and "result" in c else c
                        for c in calculations]
        asks = [a for a in plan["asks"] if a["act"] != "out_of_scope"]
        off_topic = next((a["text"] for a in plan["asks"] if a["act"] == "out_of_scope"), None)
        if not evidence and not rulings and not any("error" not in c for c in calculations) and not _asks_back(asks):
            return mark_kind(AIMessage(prompts.NOT_IN_KNOWLEDGE_REPLY[lang]), "not_in_knowledge")
        retrieved = frozenset(retrieved_ids(conversation.tool_results))
        entries = [e.entry for e in evidence]
        fixed = self._position(plan.get("correction"), lang, retrieved)
        by_call = {m.tool_call_id: m for m in conversation.tool_results}
        parts = []
        ruled_apart = any(ask.get("policy") is not None for ask in asks)  # rule questions have their own checks
        for ask in asks:
            own = by_call.get(f"call_{ask['search']}")
            found = [e.entry for e in self._evidence([own], scope)] if ask["search"] and own is not None else entries
            ruled = by_call.get(f"call_{ask.get('policy')}")
            own_rulings = ruled_on(ruled) if ruled is not None else [] if ruled_apart else rulings
            parts.append(self._reply_to(ask, reading, calculations, found or entries, own_rulings, retrieved, scope, lang,
                                        share=len(asks), stance=self._position(ask.get("stance"), lang, retrieved),
                                        correction=fixed if not parts else None))
        if not asks:
            parts = [self._data_only(reading, calculations, entries, rulings, retrieved, scope, lang)]
        parts = list(dict.fromkeys(parts))  # two questions answered alike are answered once
        reply = parts[0] if len(parts) == 1 else "\n\n".join(f"{i}. {p}" for i, p in enumerate(parts, 1))
        if off_topic and asks:
            reply += "\n\n" + OUT_OF_SCOPE_LINE[lang].format(part=off_topic.rstrip("？?。；;！! "))
        if asks and all(a["missing"] or a["unsure"] or a["tangled"] for a in asks):  # only a question back: what was read, one figure
            return mark_kind(AIMessage(reply), "clarification")
        details = compose(lang, evidence, calculations, self.kb.conflicts, reading.text) if evidence or calculations else ""
        unused = [unused_note(a["unused"], lang) for a in asks if a["calls"] and a["unused"]]  # the reply stays on what was asked
        details = "\n\n".join(filter(None, [details, *unused]))
        return AIMessage(f"{reply}\n\n{DETAILS_MARKER}\n\n{details}" if details else reply)

    def _position(self, position_id: str | None, lang: str, retrieved: frozenset[str]) -> str | None:
        """A position's verdict with the entries it rests on cited (those this turn retrieved), or None."""
        position = next((p for p in self.positions.items if p.id == position_id), None)
        if position is None or position.entry not in retrieved:
            return None
        cites = "".join(f"[{i}]" for i in position.cites() if i in retrieved)
        text = position.verdict.get(lang)  # type: ignore[arg-type]
        return text.format(cites=cites) if "{cites}" in text else f"{text} {cites}"

    def _reply_to(self, ask: dict[str, Any], reading: Reading, calculations: list[dict[str, Any]], entries: list[Any],
                  rulings: list[dict[str, Any]], retrieved: frozenset[str], scope: Scope, lang: str, share: int = 1,
                  stance: str | None = None, correction: str | None = None) -> str:
        """The reply to one question; `share`: how many questions share the reply's length."""
        own = [calculations[i] for i in ask["calls"] if i < len(calculations)]
        act = ask["act"]
        if own and act not in CALCULATING:
            act = "compute"
        if act == "compute" and "diagnose" in lexicon().act_cues.labels(ask["text"]):
            act = "diagnose"  # "whats my ROAS, is that ok?": the figure, then whether it is good
        if act == "diagnose" and not own and ask["wants"] in JUDGED_WITHOUT_FIGURES and entries:
            act = "explain"  # "回复率87% 有事没": what the rule found says, not "give me your GMV and views"
        verdicts = {r.get("ruling") for r in rulings if r.get("role") == "verdict" and r.get("strength") == "strong"}
        if act == "explain" and verdicts:
            act = "comply"  # a question about a use of AI that a clause rules on plainly gets the ruling
        elif act == "comply" and stance and verdicts <= {"label-required"}:
            act = "decide"  # "can I test with AI first?": no clause restricts it (AI videos need a label anyway)
        elif act in ("comply", "risk") and not rulings and entries:
            act = "explain"  # no clause is near ("晚发率6%会怎样"): the entries found answer it, not "no clause found"
        if ask["tangled"]:  # the certain part (a stance) first, then what was read and which figure to work out
            return f"{stance}\n\n{tangled(ask, lang)}" if stance else tangled(ask, lang)  # type: ignore[arg-type]
        if ask["missing"] or ask["unsure"]:
            return read_back(ask, lang)  # type: ignore[arg-type]
        question = f"{ask['context']} {ask['text']}".strip() if len(reading.asks) > 1 else reading.text
        text = write_reply(Inputs(act, lang, question, entries, own, rulings, self.kb.get, None, retrieved, scope,  # type: ignore[arg-type]
                                  reading.marketplace if len(reading.asks) == 1 else None, share, stance, correction))
        planted = unbacked(reading, entries) if act in ("source", "explain") and not correction and not own else []
        return f"{no_source([n.raw for n in planted], lang)}{'' if lang == 'zh' else ' '}{text}" if planted else text  # type: ignore[arg-type]

    def _data_only(self, reading: Reading, calculations: list[dict[str, Any]], entries: list[Any],
                   rulings: list[dict[str, Any]], retrieved: frozenset[str], scope: Scope, lang: str) -> str:
        figures = [{"raw": n.raw, "role": n.role} for n in reading.numbers if n.role not in ("other", "duration")]
        if figures:
            return data_only(figures, lang)  # type: ignore[arg-type]
        return write_reply(Inputs("explain", lang, reading.text, entries, calculations, rulings, self.kb.get, None,  # type: ignore[arg-type]
                                  retrieved, scope))

    def _judged_in_scope(self, calc: dict[str, Any], scope: Scope) -> dict[str, Any]:
        """A calculation whose verdict compares with a range of another format (a LIVE GPM against the
        article's short-video GPMs) keeps its figure but loses the verdict."""
        judged_by = [self.kb[s] for s in calc.get("sources", []) if s in self.kb]
        if calc.get("verdict") and judged_by and not all(e.covers(scope.format) for e in judged_by):
            return {**calc, "verdict": None, "sources": [e.id for e in judged_by if e.covers(scope.format)]}
        return calc

    def _evidence(self, results: list[ToolMessage], scope: Scope) -> list[Evidence]:
        """The best hits above the floor in the question's market and format (`Scope.narrow`), then the
        other side of any conflict among them, when it fits the format as well as its hit does."""
        hits: dict[str, float] = {}
        sides: set[str] = set()
        for message in results:
            if message.name == SEARCH_TOOL:
                passages = parse_tool_result(message)
                for passage in passages if isinstance(passages, list) else []:
                    hits[passage["id"]] = max(hits.get(passage["id"], 0.0), float(passage.get("score", 0.0)))
                    if passage.get("conflict_with"):
                        sides.add(passage["id"])
        direct = [i for i, s in hits.items() if s >= self.relevance_floor and i in self.kb and i not in sides]
        ranked = sorted(scope.narrow(direct, self.kb.__getitem__, hits.__getitem__), key=lambda i: -hits[i])
        chosen = ranked[:MAX_EVIDENCE]
        other_sides = [o for i in chosen for o in sorted(self.kb.conflicts(i))
                       if o in hits and (self.kb[o].covers(scope.format) or not self.kb[i].covers(scope.format))]
        return [Evidence(self.kb[i], hits[i]) for i in dict.fromkeys(chosen + other_sides)]


def ruled_on(message: ToolMessage) -> list[dict[str, Any]]:
    """The clauses a `check_policy` result rules with."""
    payload = parse_tool_result(message)
    return payload.get("rulings", []) if isinstance(payload, dict) else []


def _asks_back(asks: list[dict[str, Any]]) -> bool:
    """Some question is answered by asking for a figure (nothing needs to be found for that)."""
    return any(a["missing"] or a["unsure"] or a["tangled"] for a in asks)


