"""`tk-advisor ask --trace`: what the engine read, which shape it chose and why the others lost.

For whoever maintains the engine; the chat never shows it.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.engine.plan import plan_turn
from assistant.engine.reading.reading import Reading, State, read


def state_before(texts: Sequence[str]) -> State:
    """The conversation's state from earlier messages (each read, as the engine reads them)."""
    state = State()
    for i, text in enumerate(texts):
        reading = read(text, previous=texts[i - 1] if i else "")
        state = state.after(reading)
        plan = plan_turn(reading, state, reading.lang)
        state = state.ran(tuple(c.name for c in plan.calls if c.name not in ("search_knowledge", "check_policy")))
    return state


def trace(question: str, earlier: Sequence[str] = ()) -> str:
    """The Reading, the plan for each question and the tool calls, as plain text."""
    reading = read(question, previous=earlier[-1] if earlier else "")
    state = state_before(earlier).after(reading)
    plan = plan_turn(reading, state, reading.lang)
    lines = [*_reading_lines(reading), "", "plan:"]
    for i, ask in enumerate(plan.asks, 1):
        lines.append(f"  question {i}: {ask.text!r} → act {ask.act}, wants {ask.wants}, shape {ask.shape}")
        lines += [f"    bound {b['arg']} = {b['raw']} ({b['role']})" for b in ask.bound]
        lines += [f"    missing {m}" for m in ask.missing]
        lines += [f"    unsure {u['raw']} as {u['role']}" for u in ask.unsure]
        lines += [f"    unused {u['raw']} ({u['role']})" for u in ask.unused]
        lines += [f"    lost: {name}: {why}" for name, why in ask.considered]
    lines += ["", "tool calls:", *(f"  {c.name} {c.args}" for c in plan.calls)]
    return "\n".join(lines)


def _reading_lines(reading: Reading) -> list[str]:
    lines = [f"reading: lang {reading.lang}, market {reading.market or '-'}, format {reading.format or '-'}"
             + (f", other marketplace {reading.marketplace}" if reading.marketplace else "")]
    for ask in reading.asks:
        runner = "".join(f", else {w} {p:.2f}" for w, p in ask.wants_alternatives)
        lines.append(f"  asks {ask.text!r}: {ask.act} ({ask.confidence:.2f}), wants {ask.wants} ({ask.wants_confidence:.2f}{runner})")
    for n in reading.numbers:
        runner = f", else {n.runner_up[0]} {n.runner_up[1]:.2f}" if n.runner_up else ""
        lines.append(f"  number {n.raw!r}: {n.role} ({n.confidence:.2f}{runner}), subject {n.subject or '-'}, "
                     f"period {n.period or '-'}" + (f", option {n.option}" if n.option else ""))
    lines += [f"  option {o.name} ({o.kind})" for o in reading.options]
    lines += [f"  claim {c!r}" for c in reading.claims]
    return lines
