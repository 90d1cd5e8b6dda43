"""Every worked example of every calculation shape (assistant/engine/shapes/shapes.yaml) runs here
through the real reader and solver: the seller's words → the calculator and its inputs."""

from __future__ import annotations

import pytest

from assistant.engine.reading.reading import State, read
from assistant.engine.shapes import shapes
from assistant.engine.shapes.solve import solve

EXAMPLES = [(shape, example) for shape in shapes() for example in shape.examples]


def _calls(turns: list[str]) -> list[tuple[str, dict]]:
    state = State()
    calls: list[tuple[str, dict]] = []
    for text in turns:
        reading = read(text)
        state = state.after(reading)
        calls = [call for solution in solve(reading, state) for call in solution.calls]
        state = state.ran(tuple(tool for tool, _ in calls))
    return calls


@pytest.mark.parametrize(("shape", "example"), EXAMPLES, ids=[f"{s.id}-{i}" for i, (s, _) in enumerate(EXAMPLES)])
def test_a_shape_example_runs_its_calculator_with_the_sellers_numbers(shape, example):
    calls = _calls(example.get("turns") or [example["q"]])
    matching = [args for tool, args in calls if tool == shape.tool]
    assert matching, f"{shape.tool} did not run; calls: {calls}"
    assert any(all(str(args.get(k)) == str(v) for k, v in example["args"].items()) for args in matching), matching


def test_every_shape_has_a_worked_example():
    assert all(shape.examples for shape in shapes())


@pytest.mark.parametrize(("shape", "example"), [(s, e) for s, e in EXAMPLES if s.expression or s.special == "sum"],
                         ids=lambda v: getattr(v, "id", None) or "")
def test_an_expression_shape_answers_with_its_result_named_and_worked(advisor, shape, example):
    """A `calculate` shape (a sum, orders × price) is answered like a calculator: the figure named in the
    reader's language, then its worked line."""
    *earlier, last = example.get("turns") or [example["q"]]
    session = f"shape-{shape.id}-{abs(hash(last))}"
    for text in earlier:
        advisor.ask(text, session_id=session)
    answer = advisor.ask(last, session_id=session)
    call = next(c for c in answer.tool_calls if c.name == "calculate")
    headline, worked = answer.answer.split("\n\n")[:2]
    assert headline.startswith("**") and call.result["shown"][answer.lang] in headline
    assert worked == f"*{call.result['worked'][answer.lang]}*"
    assert "other figure" not in headline and "其他数字" not in headline


@pytest.mark.parametrize("question", [
    "budget 4k. plan 1: one creator $2,000 flat + samples, plan 2: 200 AI clips at $6, plan 3: 12 UGC at $160. which one",
    "上个月自己拍的曝光9w gmv 6800刀 ai的曝光30w gmv 2100刀 ai一条4刀做了40条 真人一条200拍了6条 哪个划算",
])
def test_figures_that_do_not_fit_one_calculation_are_read_back_not_guessed(advisor, question):
    """Most of the seller's figures would be left aside by any one calculation: no table of defaults
    and no half-bound sum; the reply reads the figures back and asks which to work out."""
    answer = advisor.ask(question)
    assert not [c for c in answer.tool_calls if c.name not in ("search_knowledge", "check_policy")]
    assert answer.kind == "clarification"
    assert ("收到：" if answer.lang == "zh" else "Got it: ") in answer.answer


def test_the_figure_asked_for_is_never_asked_back():
    """"要出多少单才回本" lacks the orders because they are the answer: not "还差一个数：单数"."""
    reading = read("达人坑位费250刀 佣金15% 客单价30刀 要出多少单才能回本")
    state = State().after(reading)
    for solution in solve(reading, state):
        assert not (solution.binding and any("orders" in ref.roles for ref in solution.binding.missing) and not solution.tangled)


@pytest.mark.parametrize(("question", "checked"), [
    ("下个月做20条ai视频 一条5刀 再找3个达人 坑位费一个150刀 一共多少", "3"),
    ("this month 25 AI clips at $6 each plus 4 creator posts at $150 each, plus $800 ads, total spend?", "$800"),
])
def test_a_cost_total_asks_about_the_one_figure_it_cannot_place(advisor, question, checked):
    """A total of costs multiplies each per-unit cost by its count and adds lump costs; a figure of no
    known role next to a cost ("3个达人"), or a budget that may be spent or may cap the rest, is asked about,
    never multiplied or added on a guess."""
    answer = advisor.ask(question)
    assert not [c for c in answer.tool_calls if c.name == "calculate"]
    assert answer.kind == "clarification"
    assert checked in answer.answer and ("确认一下" in answer.answer or "Just to check" in answer.answer)


@pytest.mark.parametrize(("question", "sides"), [
    ("UK shop. AI videos last month: 52 videos, 280k impressions total, £1,960 GMV. Creator videos: 7 videos, 88k impressions, "
     "£5,400 GMV. GPM of each?", ({"52", "280k", "£1,960"}, {"7", "88k", "£5,400"})),
    ("AI视频上个月发了52条，总曝光28万，GMV 1960刀；达人视频7条，曝光8.8万，GMV 5400刀。各自GPM多少",
     ({"52", "28万", "1960刀"}, {"7", "8.8万", "5400刀"})),
])
def test_one_calculation_takes_the_figures_of_one_subject(question, sides):
    """AI videos' and creators' figures are never mixed in one GPM (creator impressions × the AI videos' count):
    each side is worked on its own."""
    calls = [args for tool, args in _calls([question]) if tool == "gpm_from_sales"]
    assert len(calls) == 2, calls
    for args in calls:
        used = {str(v) for k, v in args.items() if k not in ("subject", "label", "gpm_basis")}
        assert any(used <= side for side in sides), args
