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


@pytest.mark.parametrize(("turns", "expected"), [
    (["creator wants $800 flat to post. product is $49.99, landed cost $18, plus i'd give her 10% commission. "
      "how many sales till i break even on the $800?"], ["34 orders", "$800"]),  # 800 ÷ (49.99 − 18 − 3.00 − 5.00)
    (["有个达人报坑位费£300+15%佣金,产品卖£20,货+头程尾程大概£9,还要寄2个样每个成本加运费£6左右,要出几单才回本"],
     ["46单", "312英镑"]),  # (300 + 2 × 6) ÷ (20 − 9 − 1.2 − 3)
    (["got £3k to spend and want to break even. I make about £7 profit per order. how many orders do i need?"], ["429"]),
    (["creator asks £300 flat + 15% commission. my mug sells for £20 and my margin is about £8 a unit before commission. "
      "how many units to break even on the flat fee?"], ["60"]),  # 300 ÷ (8 − 20 × 15%) = 60
    (["测品跑了一周AI视频 投流花了RM1,800 出了62单 客单RM39 毛利率大概40% 这个ROI算多少 亏没亏"], ["1.34", "832.8"]),
    (["3k刀一个月 我打算40%给AI工具批量出视频 40%寄样找达人 20%投流 这样分合理不"], ["1,200美元", "600美元"]),
    (["budget like €4-5k a month. thinking 70% creators 30% AI testing. creators cost me around €250 each incl sample. "
      "how many creators is that?"], ["12"]),  # 4,500 × 70% ÷ 250 = 12.6: 12 affordable
    (["达人一条200刀 我AI工具一个月149刀 做60条 差几倍"], ["80.54"]),  # 200 ÷ (149 ÷ 60)
    (["之前实拍GPM稳定38左右 上两周换成AI数字人 日均播放从2w涨到3.5w 但GPM掉到11 整体是赚了还是亏了"], ["-49.34%"]),
    (["上个月寄样花了两三千人民币 寄了40个达人 只有11个出了视频 每条平均带了大概1500块GMV 这个寄样ROI咋样"], ["6.6"]),
    (["did $42k GMV last month, what's the referral fee on that in $?"], ["$2,520"]),
    (["JP shop here. my AI video got 45,000 impressions and ¥86,000 GMV. whats my GPM"], ["1,911.11", "JPY"]),
    (["客单大概12w盾 下个月想冲1.5亿盾GMV 要出多少单"], ["1,250"]),
    (["两个方案二选一:A方案 一个月AI视频做100条 总成本大概1.5w人民币 出了大概12w GMV;B方案 找10个达人 坑位费+寄样一共3w "
      "出了20w左右。按每块钱产出哪个好"], ["AI视频每1元成本带来的GMV更高", "20万元 ÷ 3万元"]),
    (["月GMV大概8w刀 基本全是达人带的 我想把佣金从20%砍到12% 能省多少", "那如果只降到15%呢"], ["4,000"]),
    (["这个品上周日销50单，这周80单，增长了多少？", "那下周如果到100单，相对这周又增长多少？"], ["25%"]),
    (["我的视频10万播放,GPM 10,能卖多少?", "我的视频20万播放,GPM 30,能卖多少?"], ["6,000"]),  # its own GMV, not a change
    (["打算70%播放用AI视频GPM 12，30%用达人GPM 60，混合GPM多少？一个月想做5w刀要多少播放"], ["26.4", "1,893,939"]),
    (["姐妹们问下 我用AI数字人工具 月费149刀 这个月做了大概60条视频 每条还要额外烧2刀左右的credits,,平均下来一条多少钱啊?"
      "找达人一条要200刀 是不是AI便宜几十倍"], ["4.48", "44.61"]),  # (60 × 2 + 149) ÷ 60; 200 ÷ (149 ÷ 60 + 2)
    (["我用AI数字人工具 月费149刀 做了60条视频 每条还要额外烧2刀credits 平均一条多少钱?"], ["149刀"]),  # read unsurely: asked about
])
def test_the_sellers_figures_are_worked_to_the_figure_asked(advisor, turns: list[str], expected: list[str]) -> None:
    """Shapes sellers write (blind set G): each worked from the seller's own figures, in the reply itself."""
    session = f"worked-{abs(hash(tuple(turns)))}"
    for text in turns[:-1]:
        advisor.ask(text, session_id=session)
    answer = advisor.ask(turns[-1], session_id=session).answer
    assert all(figure in answer for figure in expected), answer


def test_a_later_question_that_a_calculation_already_answered_is_not_worked_again_on_one_of_its_figures(advisor) -> None:
    answer = advisor.ask("打算70%播放用AI视频GPM 12，30%用达人GPM 60，混合GPM多少？一个月想做5w刀要多少播放").answer
    assert "4,166,667" not in answer  # 50,000 × 1,000 ÷ 12: the AI videos' GPM alone is not the blended one
