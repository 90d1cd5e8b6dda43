"""Approximate amounts as sellers write them in WeChat groups: 两三千, 十几单, 20多万, 三成, 五条, 半个月.

Every expected value here is worked by hand from what the words mean; the property tests work
them from the grammar (a neighbouring pair of digits times a unit) instead of from a list.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.tools.numbers import NumberMention, NumberParseError, find_numbers, parse_number


def _only(text: str, raw: str) -> NumberMention:
    """The one mention of `text` whose raw text is `raw`."""
    [mention] = [m for m in find_numbers(text) if m.raw == raw]
    return mention


def _shape(mention: NumberMention) -> tuple:
    n = mention.number
    return n.low, n.high, round(n.value, 6), n.approx


@pytest.mark.parametrize(
    ("text", "raw", "low", "high", "value"),
    [
        ("这款一个月能卖两三千单", "两三千", 2_000, 3_000, 2_500),
        ("一天七八十单稳定吗", "七八十", 70, 80, 75),
        ("寄样寄了一两百个", "一两百", 100, 200, 150),
        ("先找三五个达人测品", "三五", 3, 5, 4),
        ("播放三四十万 gpm多少算正常", "三四十万", 300_000, 400_000, 350_000),
        ("客单一百五六", "一百五六", 150, 160, 155),
        ("十一二个视频", "十一二", 11, 12, 11.5),
        ("一天十几单", "十几", 11, 19, 15),
        ("二十几万播放", "二十几万", 210_000, 290_000, 250_000),
        ("一天八十几单", "八十几", 81, 89, 85),
        ("发了几千播放", "几千", 2_000, 9_000, 5_500),
        ("一个月才几万GMV", "几万", 20_000, 90_000, 55_000),
        ("几十万播放出了几单", "几十万", 200_000, 900_000, 550_000),
        ("美区一年几个亿", "几个亿", 200_000_000, 900_000_000, 550_000_000),
        ("a few thousand views, zero orders", "a few thousand", 2_000, 9_000, 5_500),
        ("tens of thousands of views", "tens of thousands", 20_000, 90_000, 55_000),
    ],
)
def test_neighbouring_digits_and_ji_are_vague_ranges(text: str, raw: str, low: float, high: float, value: float) -> None:
    assert _shape(_only(text, raw)) == (low, high, value, True)


def test_vague_ranges_keep_their_currency_and_unit() -> None:
    assert _only("AI一条几十块", "几十块").number.model_dump() == {
        "value": 55, "unit": "number", "currency": "CNY", "low": 20, "high": 90, "approx": True}
    assert _only("两三千刀够不够", "两三千刀").number.currency == "USD"
    seventy = _only("七八成都是AI视频", "七八成").number
    assert (seventy.unit, seventy.low, seventy.high, seventy.value, seventy.approx) == ("percent", 0.7, 0.8, 0.75, True)
    days = _only("两三天就起量了", "两三天")
    assert (days.kind, days.time_unit, days.number.low, days.number.high, days.number.approx) == ("duration", "day", 2, 3, True)
    assert _shape(_only("起号十几天了", "十几天")) == (11, 19, 15, True)


@pytest.mark.parametrize(
    ("text", "raw", "low", "currency"),
    [
        ("20多万GMV", "20多万", 200_000, None),
        ("播放才300多", "300多", 300, None),
        ("美区一年2000多亿美金", "2000多亿美金", 2e11, "USD"),
        ("一个月上万刀", "上万刀", 10_000, "USD"),
        ("上个月卖了一万多", "一万多", 10_000, None),
        ("发了100多条视频", "100多", 100, None),
        ("1300多刀的GMV", "1300多刀", 1_300, "USD"),
        ("播放破万了", "破万", 10_000, None),
        ("上百条视频", "上百", 100, None),
        ("300余单", "300余", 300, None),
        ("拿货价3块多", "3块多", 3, "CNY"),
        ("一单才赚2刀多", "2刀多", 2, "USD"),
    ],
)
def test_duo_and_shang_are_open_ranges(text: str, raw: str, low: float, currency: str | None) -> None:
    number = _only(text, raw).number
    assert (number.low, number.high, number.value, number.currency, number.approx) == (low, None, low, currency, True)


def test_parse_number_reads_the_vague_forms_it_used_to_refuse() -> None:
    assert _shape_of(parse_number("十几万")) == (110_000, 190_000, 150_000, True)
    assert _shape_of(parse_number("两三千")) == (2_000, 3_000, 2_500, True)
    assert _shape_of(parse_number("20多万")) == (200_000, None, 200_000, True)
    assert _shape_of(parse_number("上万刀")) == (10_000, None, 10_000, True)
    assert parse_number("上万刀").currency == "USD"
    assert _shape_of(parse_number("七八成")) == (0.7, 0.8, 0.75, True)


def _shape_of(number) -> tuple:  # noqa: ANN001 - a ParsedNumber
    return number.low, number.high, round(number.value, 6), number.approx


@pytest.mark.parametrize(
    ("text", "raw", "value"),
    [
        ("被限流的概率有三成", "三成", 0.3),
        ("八成会被限流", "八成", 0.8),
        ("3成的视频带AI标", "3成", 0.3),
        ("AI视频占三分之一", "三分之一", 1 / 3),
        ("四分之三的GMV来自达人", "四分之三", 0.75),
        ("佣金千分之五", "千分之五", 0.005),
        ("AI视频占1/3", "1/3", 1 / 3),
        ("百分之十五", "百分之十五", 0.15),
    ],
)
def test_cheng_and_fractions_are_exact_shares(text: str, raw: str, value: float) -> None:
    number = _only(text, raw).number
    assert (number.unit, round(number.value, 6), number.low, number.approx) == ("percent", round(value, 6), None, False)


def test_a_month_and_day_with_a_slash_stays_a_date() -> None:
    assert [(m.raw, m.kind) for m in find_numbers("3/15发的视频, 12/25上的链接")] == [("3/15", "date"), ("12/25", "date")]
    with pytest.raises(NumberParseError) as info:
        parse_number("3/15")
    assert info.value.reason == "is_date"
    assert parse_number("1/2").value == 0.5


@pytest.mark.parametrize(
    ("text", "raw", "value", "currency"),
    [
        ("上周发了五条", "五", 5, None),
        ("一周才出两单", "两", 2, None),
        ("寄了三个样品", "三", 3, None),
        ("十条视频平均3000播放", "十", 10, None),
        ("投了两千刀", "两千刀", 2_000, "USD"),
        ("我们三个人做", "三", 3, None),
        ("出单量翻了一倍", "一", 1, None),  # 一 before 倍 is a number, not an article
        ("去年GMV两个亿", "两个亿", 200_000_000, None),
    ],
)
def test_a_lone_numeral_with_a_measure_word_is_a_count(text: str, raw: str, value: float, currency: str | None) -> None:
    number = _only(text, raw).number
    assert (number.value, number.currency, number.approx) == (value, currency, False)


@pytest.mark.parametrize(
    "text",
    ["一个人做", "第一条视频", "第五条", "十分好用", "一条视频多少钱", "几个人", "发几条合适",
     "马上万一限流了", "马上千万别投", "三七开", "一成不变", "一半", "三点半直播", "GPM多少算正常", "一两茶叶"],
)  # fmt: skip
def test_words_that_only_look_like_numerals_are_skipped(text: str) -> None:
    assert find_numbers(text) == []


@pytest.mark.parametrize(
    ("text", "raw", "unit", "value"),
    [
        ("半个月没出单", "半个月", "month", 0.5),
        ("起号一个半月", "一个半月", "month", 1.5),
        ("no sales for half a month", "half a month", "month", 0.5),
        ("直播两个半小时", "两个半小时", "hour", 2.5),
        ("做了一年半", "一年半", "year", 1.5),
        ("半年", "半年", "year", 0.5),
        ("开头3秒要抓人", "3秒", "second", 3),
        ("15s的视频", "15s", "second", 15),
        ("视频30秒以内", "30秒", "second", 30),
        ("剪了3分钟", "3分钟", "minute", 3),
        ("a 30-second video", "30-second", "second", 30),
        ("7天半价", "7天", "day", 7),
    ],
)
def test_durations_including_halves_and_seconds(text: str, raw: str, unit: str, value: float) -> None:
    mention = _only(text, raw)
    assert (mention.kind, mention.time_unit, mention.number.value, mention.number.approx) == ("duration", unit, value, False)


def test_a_video_length_is_never_an_amount() -> None:
    found = find_numbers("15-30s的视频 开头3秒 GPM 12")
    assert [(m.raw, m.kind, m.time_unit) for m in found] == [
        ("15-30s", "duration", "second"), ("3秒", "duration", "second"), ("12", "amount", None)]
    assert (found[0].number.low, found[0].number.high) == (15, 30)
    more = _only("一个多月没出单", "一个多月")
    assert (more.time_unit, more.number.low, more.number.approx) == ("month", 1, True)


@pytest.mark.parametrize(
    ("text", "raw", "value"),
    [("GPM 10左右", "10左右", 10), ("约20万播放", "20万", 200_000), ("大概5000播放", "5000", 5_000),
     ("about 300 orders", "300", 300), ("300单左右", "300", 300), ("3天左右", "3天左右", 3), ("300ish views", "300ish", 300),
     ("十来个达人", "十来", 10)],
)  # fmt: skip
def test_about_words_mark_an_exact_figure_approximate(text: str, raw: str, value: float) -> None:
    number = _only(text, raw).number
    assert (number.value, number.low, number.approx) == (value, None, True)
    assert parse_number("约20万").approx and parse_number("300左右").approx


@pytest.mark.parametrize(
    "text", ["20万", "10-16", "100+", "一万二", "1.5w", "3k刀", "百分之十五", "$1,200", "三成", "half a million"]
)
def test_exact_figures_are_not_approximate(text: str) -> None:
    assert parse_number(text).approx is False


def test_an_arabic_figure_then_yi_tiao_is_a_figure_per_video() -> None:
    """"$250一条" is $250 a video: the Chinese 一 after the figure starts the next word."""
    assert [m.raw for m in find_numbers("creator要$250一条, AI一条$12一个月60条")] == ["$250", "$12", "一个月", "60"]
    assert [m.raw for m in find_numbers("包月3999一个月")] == ["3999", "一个月"]


def test_half_a_million_is_half_of_a_million() -> None:
    assert _only("half a million views", "half a million").number.value == 500_000


def test_a_chinese_numeral_after_a_latin_word_is_not_a_name() -> None:
    assert [(m.raw, m.kind) for m in find_numbers("TikTok Shop一个月GMV 6w刀")] == [("一个月", "duration"), ("6w刀", "amount")]


def test_kuai_and_a_digit_is_yuan_and_tenths() -> None:
    assert (parse_number("2块5").value, parse_number("2块5").currency) == (2.5, "CNY")
    assert _only("拿货价才两块五", "两块五").number.value == 2.5
    assert [m.raw for m in find_numbers("一个12块 5个60")] == ["12块", "5", "60"]
    assert [m.raw for m in find_numbers("12块5个")] == ["12块", "5"]


# --- properties: the grammar, not a list ------------------------------------------------------------

_DIGITS = "一二三四五六七八九"
_UNITS = {"十": 10, "百": 100, "千": 1_000, "万": 10_000, "十万": 100_000, "百万": 1_000_000}


@settings(max_examples=200, deadline=None)
@given(pair=st.integers(1, 8).map(lambda d: (d, d + 1)) | st.just((3, 5)), unit=st.sampled_from(sorted(_UNITS)),
       lead=st.sampled_from(["播放", "GMV ", "卖了", ""]), tail=st.sampled_from(["", "单", "刀", "，还行吗"]))  # fmt: skip
def test_a_neighbouring_pair_times_a_unit_is_that_range(pair: tuple[int, int], unit: str, lead: str, tail: str) -> None:
    """"七八十" = 70-80, "两三千" = 2,000-3,000, "三五万" = 30,000-50,000 (三五 is the one pair a step apart)."""
    first, second = pair
    numeral = _DIGITS[first - 1] + _DIGITS[second - 1] + unit
    text = lead + numeral + tail
    [mention] = find_numbers(text)
    scale = _UNITS[unit]
    assert mention.raw == numeral + ("刀" if tail == "刀" else "")
    assert (mention.number.low, mention.number.high) == (first * scale, second * scale)
    assert mention.number.value == (first + second) * scale / 2 and mention.number.approx
    assert text[mention.span[0] : mention.span[1]] == mention.raw


@settings(max_examples=200, deadline=None)
@given(tens=st.integers(1, 9), unit=st.sampled_from(["", "万"]), form=st.sampled_from(["几", "多"]))
def test_ji_and_duo_after_tens(tens: int, unit: str, form: str) -> None:
    """"二十几万" = 210,000-290,000; "二十多万" = 200,000 or more."""
    numeral = ("" if tens == 1 else _DIGITS[tens - 1]) + "十" + form + unit
    scale = {"": 1, "万": 10_000}[unit]
    number = parse_number(numeral)
    if form == "几":
        assert (number.low, number.high) == ((tens * 10 + 1) * scale, (tens * 10 + 9) * scale)
    else:
        assert (number.low, number.high, number.value) == (tens * 10 * scale, None, tens * 10 * scale)
    assert number.approx


_MESSAGE_PIECES = ["这个品一天七八十单，", "播放两三千，", "GPM十几，", "上个月卖了20多万刀，", "AI视频占三成，",
                   "寄了三个样品，", "半个月没出单，", "开头3秒，", "客单价19.9刀，", "3/15发的，", "达人一条几十块，",
                   "一个人做，"]  # fmt: skip


def _message(chars: int) -> str:
    """Whole pieces, in turn, until the message is `chars` long (it ends with a whole piece)."""
    pieces: list[str] = []
    while sum(map(len, pieces)) < chars:
        pieces.append(_MESSAGE_PIECES[len(pieces) % len(_MESSAGE_PIECES)])
    return "".join(pieces)


def _best_time(text: str, rounds: int = 5) -> float:
    """The least CPU time of this thread reading `text` (CPU, not wall time: other processes on a
    loaded machine take the wall clock, not this thread's work)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.thread_time()
        find_numbers(text)
        best = min(best, time.thread_time() - started)
    return best


def test_a_long_message_of_vague_amounts_reads_in_linear_time() -> None:
    """A 4,000-character message reads every piece; 4x the text costs about 4x, never 16x (quadratic)."""
    message = _message(4_000)
    pieces = [p for p in _MESSAGE_PIECES if p in message]
    found = find_numbers(message)
    expected = sum(len(find_numbers(p)) * message.count(p) for p in pieces)
    assert len(found) == expected > 300
    assert all(message[m.span[0] : m.span[1]] == m.raw for m in found)
    ratio = _best_time(_message(16_000)) / _best_time(message)
    assert ratio < 8, f"16,000 characters took {ratio:.1f}x as long as 4,000 (linear is ~4x)"
