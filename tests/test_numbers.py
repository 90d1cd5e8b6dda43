"""Number understanding: what sellers type, in both languages, and how tools print figures."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from assistant.tools.numbers import grammar, scanning
from assistant.tools.numbers import NumberParseError, ParsedNumber, find_numbers, format_number, parse_number


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("200000", 200_000, None),
        ("300镑", 300, "GBP"),
        ("Rp89.000", 89_000, "IDR"),
        ("Rp 1.250.000", 1_250_000, "IDR"),
        ("₫150.000", 150_000, "VND"),
        ("1.500.000", 1_500_000, None),
        ("89.5", 89.5, None),
        ("500泰铢", 500, "THB"),
        ("1,200 baht", 1_200, "THB"),
        ("80马币", 80, "MYR"),
        ("20 euros", 20, "EUR"),
        ("200,000", 200_000, None),
        ("20万", 200_000, None),
        ("20w", 200_000, None),
        ("20W", 200_000, None),
        ("1.5w", 15_000, None),
        ("3k", 3_000, None),
        ("3K", 3_000, None),
        ("2.5千", 2_500, None),
        ("一万二", 12_000, None),
        ("一万二千", 12_000, None),
        ("两百", 200, None),
        ("两百五", 250, None),
        ("三千五", 3_500, None),
        ("一千零五", 1_005, None),
        ("十万", 100_000, None),
        ("二十万", 200_000, None),
        ("十五", 15, None),
        ("1.2亿", 120_000_000, None),
        ("一亿二", 120_000_000, None),
        ("1.2万亿", 1.2e12, None),
        ("3百万", 3_000_000, None),
        ("1万2千", 12_000, None),
        ("三点五", 3.5, None),
        ("一点五万", 15_000, None),
        ("1m", 1_000_000, None),
        ("1.5M", 1_500_000, None),
        ("3 million", 3_000_000, None),
        ("0.5", 0.5, None),
        (".5", 0.5, None),
        ("-5", -5, None),
        ("$1,200", 1_200, "USD"),
        ("US$15", 15, "USD"),
        ("$3k", 3_000, "USD"),
        ("1200美元", 1_200, "USD"),
        ("15刀", 15, "USD"),
        ("15 dollars", 15, "USD"),
        ("USD 15", 15, "USD"),
        ("300元", 300, "CNY"),
        ("5万元", 50_000, "CNY"),
        ("¥300", 300, "CNY"),
        ("￥300", 300, "CNY"),
        ("12块", 12, "CNY"),
        ("RMB 300", 300, "CNY"),
        ("300日元", 300, "JPY"),
        ("JP¥300", 300, "JPY"),
        ("€20", 20, "EUR"),
        ("２０万", 200_000, None),
        ("约20万", 200_000, None),
        ("  20万 ", 200_000, None),
    ],
)
def test_parse_amounts(text: str, value: float, currency: str | None) -> None:
    parsed = parse_number(text)
    assert parsed.value == pytest.approx(value)
    assert parsed.unit == "number"
    assert parsed.currency == currency
    assert parsed.low is None and parsed.high is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("15%", 0.15), ("15 %", 0.15), ("１５％", 0.15), ("百分之十五", 0.15), ("百分之十二点五", 0.125),
     ("0.68%", 0.0068), ("15 percent", 0.15), ("-20%", -0.2)],
)  # fmt: skip
def test_parse_percentages_are_fractions(text: str, value: float) -> None:
    parsed = parse_number(text)
    assert parsed.unit == "percent"
    assert parsed.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "low", "high", "unit", "currency"),
    [
        ("10-16", 10, 16, "number", None),
        ("10到16", 10, 16, "number", None),
        ("10~16", 10, 16, "number", None),
        ("10 to 16", 10, 16, "number", None),
        ("10–16", 10, 16, "number", None),
        ("16-10", 10, 16, "number", None),
        ("10-16万", 100_000, 160_000, "number", None),
        ("3-5k", 3_000, 5_000, "number", None),
        ("500-1万", 500, 10_000, "number", None),
        ("10-20%", 0.10, 0.20, "percent", None),
        ("10%-20%", 0.10, 0.20, "percent", None),
        ("$10-16", 10, 16, "number", "USD"),
        ("150-212美元", 150, 212, "number", "USD"),
    ],
)
def test_parse_ranges_give_midpoint(text: str, low: float, high: float, unit: str, currency: str | None) -> None:
    parsed = parse_number(text)
    assert (parsed.low, parsed.high) == (pytest.approx(low), pytest.approx(high))
    assert parsed.value == pytest.approx((low + high) / 2)
    assert (parsed.unit, parsed.currency) == (unit, currency)


def test_open_ended_sets_only_low() -> None:
    assert parse_number("100+") == ParsedNumber(value=100, low=100)
    assert parse_number("100以上") == ParsedNumber(value=100, low=100)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "empty"), ("   ", "empty"), ("abc", "unreadable"), ("1e400", "not_finite"), ("--5", "unreadable"),
     ("12abc", "unreadable"), ("1,2345", "unreadable"), ("$15%", "mixed_units"), ("2026-01-18", "is_date"),
     ("18:52", "is_date"), ("几个", "unreadable"), ("20 30", "unreadable"), ("1" * 200, "too_long")],
)  # fmt: skip
def test_parse_rejects_with_reason_in_both_languages(text: str, reason: str) -> None:
    with pytest.raises(NumberParseError) as info:
        parse_number(text)
    error = info.value
    assert error.reason == reason
    assert error.text == text
    shown = text if len(text) <= 40 else text[:37]
    assert shown in str(error) and shown in error.message_zh
    assert isinstance(error, ValueError)


def test_non_string_input_fails_cleanly() -> None:
    with pytest.raises(NumberParseError):
        parse_number(12)  # type: ignore[arg-type]
    assert find_numbers(None) == []  # type: ignore[arg-type]


def _mentions(text: str) -> list[tuple[str, str, float]]:
    return [(m.raw, m.kind, round(m.number.value, 6)) for m in find_numbers(text)]


def test_find_numbers_in_seller_questions() -> None:
    assert _mentions("我的视频20万播放, GPM 12, 能卖多少?") == [("20万", "amount", 200_000), ("12", "amount", 12)]
    assert _mentions("$15 AI video vs $300 creator video") == [("$15", "amount", 15), ("$300", "amount", 300)]
    assert _mentions("佣金15%") == [("15%", "amount", 0.15)]
    assert _mentions("一万二千") == [("一万二千", "amount", 12_000)]
    assert _mentions("200k views at GPM 12") == [("200k", "amount", 200_000), ("12", "amount", 12)]


def test_find_numbers_ranges_and_open_ends() -> None:
    gpm, good = find_numbers("GPM 10-16 vs 100+")
    assert (gpm.raw, gpm.number.low, gpm.number.high, gpm.number.value) == ("10-16", 10, 16, 13)
    assert (good.raw, good.number.low, good.number.high) == ("100+", 100, None)


def test_spans_index_the_original_text() -> None:
    text = "视频２０万播放，佣金１５％"
    for mention in find_numbers(text):
        start, end = mention.span
        assert text[start:end] == mention.raw
    assert [m.number.value for m in find_numbers(text)] == [200_000, 0.15]


def test_years_dates_and_durations_are_flagged() -> None:
    found = find_numbers("2026年入局, 2026-01-18 18:52 发布, 7天增长, 3个月, 14 days, in 2026")
    assert [(m.raw, m.kind, m.time_unit) for m in found] == [
        ("2026年", "year", None),
        ("2026-01-18", "date", None),
        ("18:52", "date", None),
        ("7天", "duration", "day"),
        ("3个月", "duration", "month"),
        ("14 days", "duration", "day"),
        ("2026", "year", None),
    ]
    assert find_numbers("7天增长")[0].number.value == 7


def test_words_and_names_are_not_numbers() -> None:
    assert find_numbers("我有一个问题，第一波用sora2做，十分重要，千万不要 mp4 Q1") == []


def test_signs_and_hyphens() -> None:
    assert _mentions("利润-500, 增长-20%") == [("-500", "amount", -500), ("-20%", "amount", -0.2)]
    assert _mentions("SKU-5") == [("5", "amount", 5)]


def test_article_figures() -> None:
    text = "AIGC类短视频的实际数量控比不足5%，实际的GMV贡献不足1%，GPM值为10-16，原创GPM能到100+"
    values = [m.number.value for m in find_numbers(text)]
    assert values == pytest.approx([0.05, 0.01, 13, 100])


@pytest.mark.parametrize(
    ("value", "lang", "kwargs", "expected"),
    [
        (2400, "en", {}, "2,400"),
        (2400, "en", {"currency": "USD"}, "$2,400"),
        (2400.5, "en", {"currency": "USD"}, "$2,400.5"),
        (0.15, "en", {"percent": True}, "15%"),
        (0.0068, "zh", {"percent": True}, "0.68%"),
        (200_000, "zh", {}, "20万"),
        (200_000, "zh", {"currency": "USD"}, "20万美元"),
        (123_456, "zh", {}, "123,456"),
        (1.2e8, "zh", {}, "1.2亿"),
        (300, "zh", {"currency": "CNY"}, "300元"),
        (300, "en", {"currency": "CNY"}, "¥300"),
        (12, "en", {"currency": "SGD"}, "SGD 12"),
        (-2400, "en", {"currency": "USD"}, "-$2,400"),
        (-0.001, "en", {}, "0"),
        (13.3333, "en", {"digits": 1}, "13.3"),
    ],
)
def test_format_number(value: float, lang: str, kwargs: dict, expected: str) -> None:
    assert format_number(value, lang, **kwargs) == expected


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_format_refuses_non_finite(bad: float) -> None:
    with pytest.raises(ValueError):
        format_number(bad, "en")


@settings(max_examples=300, deadline=None)
@given(
    value=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    lang=st.sampled_from(["zh", "en"]),
    currency=st.sampled_from([None, "USD", "CNY", "JPY", "EUR", "SGD"]),
    percent=st.booleans(),
    digits=st.integers(min_value=0, max_value=4),
)
def test_format_then_read_round_trips(value: float, lang: str, currency: str | None, percent: bool, digits: int) -> None:
    text = format_number(value, lang, currency=None if percent else currency, percent=percent, digits=digits)
    [mention] = find_numbers(text)
    assert mention.span == (0, len(text))
    assert parse_number(text) == mention.number
    shown = value * 100 if percent else value
    read = mention.number.value * 100 if percent else mention.number.value
    assert read == pytest.approx(shown, abs=0.5 * 10**-digits + 1e-9, rel=1e-9)
    assert mention.number.currency == (None if percent else currency)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40)
       | st.from_regex(r"[-$¥0-9.,/万千百十亿kKwWmM%一二两三到~ +几多余来成分之上破半个天秒左右s]{0,12}", fullmatch=True))
def test_junk_never_crashes(text: str) -> None:
    try:
        parsed = parse_number(text)
    except NumberParseError as error:
        assert error.message and error.message_zh
    else:
        assert math.isfinite(parsed.value)
    for mention in find_numbers(text):
        assert math.isfinite(mention.number.value)
        assert text[mention.span[0] : mention.span[1]] == mention.raw



_SCAN_PIECES = ["2024", "19", "3", "12", "0", "١", "-", "−", "/", ".", ":", ",", " ", "年", "月", "日", "号",
                "US$", "HK$", "¥", "usd", "RMB", "百分之", "万", "十", "一", "%", "k", "a", "。",
                "几", "多", "来", "成", "分之", "百万", "上", "破", "半", "a few ", "tens of ", "half a ", "thousand", "1/3",
                "左右", "个", "秒", "块5"]  # fmt: skip


@settings(max_examples=1000, deadline=None)
@example("-US$ 百分之5 and 2024年3月, 1-2:30")  # the longest lead before a core; a cue inside a range
@example("-US$ 百万分之3, 1/3 3/15")  # the longest bare denominator; a share and a date
@given(st.lists(st.sampled_from(_SCAN_PIECES), max_size=12).map("".join) | st.text(max_size=30))
def test_fast_scans_find_what_a_full_search_finds(text: str) -> None:
    for pos in range(len(text) + 1):
        for fast, full in ((scanning.next_amount, grammar.AMOUNT), (scanning.next_date, grammar.DATE_LIKE)):
            found, expected = fast(text, pos), full.search(text, pos)
            assert (found and found.span()) == (expected and expected.span())


def test_a_plus_between_two_amounts_adds_them_and_does_not_open_a_range() -> None:
    """"坑位费300刀+15%佣金": a fee plus a commission, not "300 or more"."""
    found = find_numbers("坑位费300刀+15%佣金")
    assert [(m.raw, m.number.low) for m in found] == [("300刀", None), ("15%", None)]
    assert find_numbers("GPM 100+ 的原创")[0].number.low == 100
