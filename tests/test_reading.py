"""The reader on sellers' words: acts, markets, formats, other marketplaces, claims, and its cost.

The corpus measures the reader (`tk-advisor`'s `make model` reports its test split); these are the
shapes of message every release must keep reading right, in phrasings written apart from the corpus.
"""

from __future__ import annotations

import time

import pytest

from assistant.engine.lexicon import load
from assistant.engine.reading.reading import State, read

ROLE_EXAMPLES = [(role, e) for role, data in load("roles").items() for e in data.get("examples", [])]
SUBJECT_EXAMPLES = [(subject, e) for subject, data in load("subjects").items() for e in data.get("examples", [])]


@pytest.mark.parametrize(("role", "example"), ROLE_EXAMPLES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(ROLE_EXAMPLES)])
def test_every_role_example_of_the_lexicon_reads_as_its_role(role: str, example: dict) -> None:
    reading = read(example["text"])
    found = [n for n in reading.numbers if example["number"] in n.raw or n.raw in example["number"]]
    assert found, [n.raw for n in reading.numbers]
    assert found[0].role == role, (found[0].role, found[0].confidence)


@pytest.mark.parametrize(("subject", "example"), SUBJECT_EXAMPLES)
def test_every_subject_example_of_the_lexicon_reads_as_its_subject(subject: str, example: dict) -> None:
    found = [n for n in read(example["text"]).numbers if example["number"] in n.raw]
    assert found and found[0].subject == subject


ACT_EXAMPLES = [(e["text"], e["act"]) for e in load("acts").get("examples", [])]


@pytest.mark.parametrize(("question", "act"), ACT_EXAMPLES)
def test_every_act_example_of_the_lexicon_reads_as_its_act(question: str, act: str) -> None:
    assert read(question).act == act


@pytest.mark.parametrize(
    ("question", "act"),
    [
        ("哈喽", "greeting"), ("Hello there", "greeting"), ("辛苦了", "thanks"), ("cheers!", "thanks"),
        ("你是干什么的", "help"), ("你能帮我干啥", "help"),
        ("15个视频一共3万播放卖了450刀 这个转化正常吗", "diagnose"),
        ("my GPM is 6 on AI clips, is that too low?", "diagnose"),
        ("一条视频20万播放GPM 12能卖多少钱", "compute"), ("how much do 350k views at GPM 14 bring in", "compute"),
        ("新手要不要all in AI", "decide"), ("should we move our budget from creators to AI videos?", "decide"),
        ("AI生成的模特图能直接当主图吗 会不会违规", "comply"), ("is it allowed to use an AI voice in my LIVE?", "comply"),
        ("GPM 10-16这个说法从哪来的", "source"), ("is the 5% figure real data or a guess?", "source"),
        ("GPM是按曝光算还是按播放算", "explain"), ("why do AI videos convert worse than real ones", "explain"),
        ("推荐3部好看的电影", "out_of_scope"),
    ],
)
def test_phrasings_written_apart_from_the_corpus_land_on_their_act(question: str, act: str) -> None:
    assert read(question).act == act


def test_several_questions_in_one_message_are_read_in_order() -> None:
    reading = read("AI视频要打标吗？打了会限流吗？还有我这条3万播放出了9单 客单20 正常吗")
    assert [a.act for a in reading.asks] == ["comply", "risk", "diagnose"]


def test_a_question_about_another_marketplace_is_out_of_the_field_unless_it_names_tiktok() -> None:
    mixed = read("亚马逊的广告费贵吗？另外AI视频在tiktok要不要打标")
    assert [a.act for a in mixed.asks][0] == "out_of_scope" and mixed.asks[-1].act == "comply"
    both = read("shopee的佣金比tiktok高吗")
    assert both.marketplace == "shopee" and both.asks[0].act != "out_of_scope"


def test_the_market_is_the_one_named_now_or_before() -> None:
    assert read("AI视频要打标吗").market is None
    state = State()
    for text in ("我做的是日本站", "那要打标吗"):
        state = state.after(read(text))
    assert state.market == "JP"
    assert read("英国站呢").market == "UK"


def test_a_follow_up_changes_the_figure_it_names_and_keeps_the_rest() -> None:
    state = State().after(read("我的视频20万播放, GPM 12, 能卖多少?"))
    state = state.after(read("那如果GPM是20呢"))
    known = {n.role: n.raw for n in state.known}
    assert known["gpm"] == "20" and known["views"] == "20万"


def test_a_doubled_figure_is_twice_the_last_one() -> None:
    state = State().after(read("150k views at GPM 10, how much GMV?"))
    state = state.after(read("and if the views double?"))
    assert [n.value for n in state.known if n.role == "views"] == [300_000]


def test_figures_given_in_words_as_zero_are_figures() -> None:
    reading = read("找达人纯佣20%，不给坑位费，产品卖25刀")
    assert any(n.role == "flat_fee" and n.value == 0 for n in reading.numbers)


def test_claims_the_seller_asserts_are_read_as_claims() -> None:
    assert read("听说美区一半的带货视频都是AI做的了？").claims


def _best_of(text: str, runs: int = 5) -> float:
    """The least CPU time of this thread reading `text` (not wall time, which a loaded machine stretches)."""
    best = float("inf")
    for _ in range(runs):
        start = time.thread_time()
        read(text)
        best = min(best, time.thread_time() - start)
    return best


def test_reading_is_linear_in_the_message_length() -> None:
    """A message four times as long (1,000 against 4,000 characters of numbers, which the number cap
    keeps from all being read) costs at most six times as much: linear, not quadratic (the figure in
    ms is benchmarks/ask_latency.py's)."""
    short, long = ("20万 " * 1000)[:1000], ("20万 " * 1000)[:4000]
    assert read(long).unread_numbers > 0
    ratio = _best_of(long) / _best_of(short)
    assert ratio < 6, f"4x the text took {ratio:.1f}x the time"


@pytest.mark.parametrize(("text", "asks"), [
    ("几个问题一起问哈 1 ai视频要不要打标 2 打了标是不是就被限流 3 报白号能不能跑ai视频 4 被限流了找经理能申诉回来吗", 4),
    ("3 quick q: 1) do AI subtitles need a label? 2) can AI write my scripts 3) best time to post in US", 3),
    ("①AI视频要打标吗②打了会限流吗", 2),
    ("AI做的视频 1会不会限流 2限流了能申诉回来吗 3美区和东南亚规则一样吗", 3),
])
def test_numbered_questions_are_one_question_each(text: str, asks: int) -> None:
    reading = read(text)
    assert len(reading.asks) == asks
    assert [a.text[:1] for a in reading.asks] == [str(i) if text[0] != "①" else chr(ord("①") + i - 1) for i in range(1, asks + 1)]


def test_the_words_before_a_numbered_list_are_what_each_item_asks_about() -> None:
    asks = read("AI做的视频 1会不会限流 2限流了能申诉回来吗").asks
    assert [a.context for a in asks] == ["AI做的视频", "AI做的视频"]


@pytest.mark.parametrize(("text", "asks"), [
    ("想做日本站 现在押金多少?佣金多少?还有AI视频在日本站能不能用", 3),
    ("what's the deposit? and the commission? also can I use AI videos there", 3),
])
def test_questions_each_ending_in_a_question_mark_stay_apart(text: str, asks: int) -> None:
    assert len(read(text).asks) == asks


@pytest.mark.parametrize(("text", "raw", "currency"), [
    ("JP shop here. my AI video got 45,000 impressions and ¥86,000 GMV", "¥86,000", "JPY"),
    ("上个月卖了¥8,600的货 GPM多少", "¥8,600", "CNY"),
    ("客单大概12w盾 下个月想冲1.5亿盾GMV 要出多少单", "1.5亿盾", "IDR"),
    ("越南站 客单25w盾 想冲1亿盾", "1亿盾", "VND"),
])
def test_a_currency_sign_is_read_in_the_market_it_is_written_in(text: str, raw: str, currency: str) -> None:
    (number,) = [n for n in read(text).numbers if n.raw == raw]
    assert number.currency == currency


@pytest.mark.parametrize("text", ["my AI tool is $49 a month for about 30 videos", "AI工具一个月149刀 做60条",
                                  "spent 3k刀 on 40 videos", "a creator charges $180 per video plus $20 sample cost"])
def test_an_amount_of_money_is_never_a_count(text: str) -> None:
    counts = {"views", "orders", "videos", "samples", "followers", "duration"}
    assert not [n.raw for n in read(text).numbers if n.currency and n.role in counts]


@pytest.mark.parametrize(("text", "shares"), [
    ("DE seller, budget like €4-5k a month. thinking 70% creators 30% AI testing", ["70%", "30%"]),
    ("3k刀一个月 我打算40%给AI工具 40%寄样找达人 20%投流", ["40%", "40%", "20%"]),
])
def test_percentages_that_split_a_budget_are_its_shares(text: str, shares: list[str]) -> None:
    assert [n.raw for n in read(text).numbers if n.role == "share"] == shares


def test_a_figure_of_an_earlier_message_never_shares_a_span_with_one_of_the_latest() -> None:
    first, second = read("月GMV大概8w刀 佣金从20%砍到12% 能省多少"), read("那如果只降到15%呢")
    state = State().after(first).after(second)
    latest = {n.span for n in second.numbers}
    assert latest and not latest & {n.span for n in state.known if n not in second.numbers}


@pytest.mark.parametrize("text", ["我的视频 1 条 2 万播放 能卖多少", "got 1 k views and 2 k likes, is that bad", "寄了20个样 出了3单 客单25刀"])
def test_counts_are_not_read_as_a_numbered_list(text: str) -> None:
    from assistant.engine.reading.segments import list_items

    assert list_items(text) == []


@pytest.mark.parametrize("text", ["美国那个销售税tiktok是帮我代扣代缴的吗 我还要不要自己去各个州注册",
                                  "does tiktok handle customs clearance for me? and do I pay it myself"])
def test_a_subject_the_knowledge_base_lacks_is_outside_even_on_tiktok_and_so_is_its_follow_on(text: str) -> None:
    assert {a.act for a in read(text).asks} == {"out_of_scope"}
