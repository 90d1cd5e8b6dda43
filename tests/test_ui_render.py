"""The web UI's pure helpers: escaping of user/entry/model text, chips, thoughts, notices, i18n."""

from __future__ import annotations

import datetime as dt
import re
import string

from pathlib import Path

import gradio as gr
import pytest

import assistant.ui as ui

from assistant.answer import Answer, Citation, ToolCall
from assistant.engine.prompts import FALLBACK_WARNING
from assistant.kb.schema import EVIDENCE_LEVELS, Entry
from assistant.tools.calculators import CALCULATORS, Defaults, run_calculator
from assistant.ui.calculators_tab import form_args
from factories import make_entry
from assistant.ui.turns import turn_of
from assistant.ui.i18n import LANGS, STRINGS, Labels, normalize_lang, t
from assistant.ui.answer_html import answer_content, citation_chips, for_reader, share_panel, warning_texts
from assistant.ui.render import calc_result, entry_card, md_text, safe_url
from assistant.ui.tool_rows import tools_row, tools_title

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def citation(**overrides: object) -> Citation:
    values: dict[str, object] = {
        "id": "gpm-aigc-vs-original",
        "title": "AI video GPM of 10-16",
        "evidence": "insider",
        "evidence_label": "insider claim, unverified",
        "source_title": "2026,我们应该怎样客观看待AI",
        "publisher": "TT123",
        "url": "https://www.tt123.com/t/cFV3tD6l",
        "date": dt.date(2026, 1, 18),
    }
    values.update(overrides)
    return Citation.model_validate(values)


def entry(**overrides: object) -> Entry:
    return make_entry(
        "sample-entry",
        **{
            "title": {"zh": "标题", "en": "Title"},
            "text": {"zh": "正文", "en": "Text"},
            "guidance": {"zh": "建议", "en": "Guidance"},
            "source": {"title": "Source", "publisher": "TikTok", "url": "https://example.com/a", "date": "2026-01-18", "excerpt": "a short quote"},
            **overrides,
        },
    )


def no_markup_from(text: str, html: str) -> None:
    """None of the hostile text's tags survive as markup; the text is shown, not dropped."""
    assert "<script" not in html and "<img" not in html
    assert "&lt;script" in html, f"{text!r} was dropped instead of shown"


# --- escaping -----------------------------------------------------------------------


def test_chip_escapes_entry_text_and_attributes() -> None:
    chip = citation_chips([citation(title=EVIL, publisher='"><b>x</b>', evidence_label='" onmouseover="x')], "en")
    no_markup_from(EVIL, chip)
    assert "<b>x</b>" not in chip
    assert 'onmouseover="x' not in chip


def test_chip_refuses_non_http_links() -> None:
    chip = citation_chips([citation(url="javascript:alert(1)")], "en")
    assert "href" not in chip and "AI video GPM of 10-16" in chip  # the title is shown, unlinked
    assert safe_url("https://ok.example/x") == "https://ok.example/x"
    assert safe_url("data:text/html,hi") is None
    assert safe_url("https://a b") is None


def test_answer_text_cannot_inject_markup_but_keeps_markdown() -> None:
    answer = Answer(answer=f"**Verdict** {EVIL} [gpm-aigc-vs-original]", lang="en", provider="offline", citations=[citation()])
    html = answer_content(answer)
    no_markup_from(EVIL, html)
    assert "**Verdict**" in html
    assert '<button type="button" class="tk-ref tk-ref-1"' in html and "[1]</button>" in html  # the cited id becomes its chip number
    assert md_text("a < b & c > d") == "a &lt; b &amp; c > d"


def test_entry_card_escapes_every_field() -> None:
    card = entry_card(entry(title={"zh": EVIL, "en": EVIL}, guidance={"zh": EVIL, "en": EVIL}), "en", [EVIL], stale=True)
    no_markup_from(EVIL, card)


def test_tool_row_escapes_what_tools_return() -> None:
    call = ToolCall(id="c1", name="search_knowledge", args={"query": EVIL}, result=[{"id": "x", "title": EVIL}], duration_ms=12.5)
    message = tools_row([call], "en", done=True)
    no_markup_from(EVIL, message.content)


# --- chips, notices, thoughts ---------------------------------------------------------


def test_chips_show_badge_date_link_and_flags() -> None:
    cited = [
        citation(contradicted_by=["official-rule"]),
        citation(id="official-rule", title="Official rule", evidence="official", evidence_label="official policy",
                 contradicted_by=["gpm-aigc-vs-original"], stale=True),
    ]  # fmt: skip
    html = citation_chips(cited, "en")
    assert html.count('class="tk-chip ') == 2
    assert 'tk-ev-insider' in html and 'tk-ev-official' in html
    assert "2026-01-18" in html and 'href="https://www.tt123.com/t/cFV3tD6l"' in html
    assert "⚖ disputed by Official rule" in html and "⚖ disputed by AI video GPM of 10-16" in html
    assert html.count("tk-stale-mark") == 1
    zh = citation_chips(cited, "zh")
    assert "来源" in zh and "内部人士" in zh and "可能已过时" in zh
    assert citation_chips([], "en") == ""


def test_fallback_warning_becomes_a_friendly_notice_in_the_answer_language() -> None:
    warning = FALLBACK_WARNING.format(reason="APIConnectionError: down")
    assert warning_texts([warning, warning], "zh") == [t("notice.fallback", "zh")]
    answer = Answer(answer="ok", lang="en", provider="offline", warnings=[warning, "something new"])
    html = answer_content(answer)
    assert t("notice.fallback", "en") in html and "something new" in html and "tk-notice-warning" in html


def test_tool_row_says_what_was_done_in_plain_words_without_timings_or_arguments() -> None:
    search = ToolCall(id="c0", name="search_knowledge", args={"query": "GPM", "k": 6},
                      result=[{"id": "a", "title": {"zh": "甲", "en": "Alpha"}}, {"id": "b", "title": {"zh": "乙", "en": "Beta"}}])
    call = ToolCall(id="c1", name="gmv_from_views", args={"views": "20万", "gpm": 12}, result=None)
    pending = tools_row([search, call], "zh", done=False)
    assert pending.metadata["status"] == "pending" and pending.metadata["title"] == "查了2条资料 · 播放量能带来多少GMV…"
    result = run_calculator("gmv_from_views", call.args, Defaults({})).model_dump(mode="json")
    done = tools_row([search, call.model_copy(update={"result": result, "duration_ms": 1500})], "en", done=True)
    assert done.metadata["status"] == "done" and "duration" not in done.metadata
    assert done.metadata["title"].startswith("Read 2 sources · Worked out: ")
    assert "$2,400" in done.content and "Alpha; Beta" in done.content
    assert not [word for word in ("gmv_from_views", "search_knowledge", "views =", "`", "{", " ms", "1.5") if word in done.content + done.metadata["title"]]
    assert tools_title([search], "zh") == "查了2条资料"


def test_tool_error_payload_shows_in_the_readers_language() -> None:
    call = ToolCall(id="c2", name="gmv_from_views", args={}, result={"tool": "gmv_from_views", "error": {"zh": "缺少播放量", "en": "views is required"}})
    assert "缺少播放量" in tools_row([call], "zh", done=True).content
    assert "views is required" in tools_row([call], "en", done=True).content
    assert tools_title([call], "zh").startswith("没算成")


def test_details_name_no_calculator_or_field_and_drop_the_english_formula_in_chinese() -> None:
    result = run_calculator("gmv_from_views", {"views": "20万", "gpm": 12}, Defaults({})).model_dump(mode="json")
    call = ToolCall(id="c1", name="gmv_from_views", args={"views": "20万", "gpm": 12}, result=result)
    details = f"- 预计2,400美元（计算工具 `gmv_from_views`）\n  - 公式: {result['formula']}\n  - 默认 `creator_gpm`，可用 risk_adjusted_return 估算"
    shown = for_reader(details, Answer(answer="x", details=details, lang="zh", provider="offline", tool_calls=[call]))
    assert result["formula"] not in shown and "gmv_from_views" not in shown and "creator_gpm" not in shown
    assert "risk_adjusted_return" not in shown and "达人视频GPM" in shown and "预计2,400美元" in shown
    english = for_reader(details, Answer(answer="x", details=details, lang="en", provider="offline", tool_calls=[call]))
    assert result["formula"] in english  # the English page keeps the formula


def test_a_stored_answer_offers_share_and_its_refs_open_cards() -> None:
    answer = Answer(answer="Yes [gpm-aigc-vs-original].", lang="en", provider="offline", citations=[citation()], message_id="msg_" + "a1" * 16)
    html = answer_content(answer, {"gpm-aigc-vs-original": "Insiders say AI videos sell at GPM 10-16."})
    assert f'class="tk-share tk-msg-{answer.message_id}"' in html
    assert 'class="tk-card" hidden' in html and "Insiders say AI videos sell at GPM 10-16." in html
    assert 'class="tk-ref tk-ref-1" title="Source 1: AI video GPM of 10-16"' in html and 'tk-chip tk-ev-insider tk-n-1' in html
    assert "tk-share" not in answer_content(answer.model_copy(update={"message_id": 'msg_1" onclick="x'}))
    assert "tk-share" not in answer_content(answer.model_copy(update={"message_id": None}))
    assert 'href="brief/tok.pdf"' in share_panel("tok", "zh") and 'href="brief/tok"' in share_panel("tok", "zh")


def test_calc_result_lists_steps_and_cited_sources() -> None:
    source = entry(id="gpm-aigc-vs-original", evidence="insider", numbers={"aigc_gpm_low": 10, "aigc_gpm_high": 16, "gpm_denominator": "impressions"})
    result = run_calculator("gmv_from_views", {"views": "20万"}, Defaults.from_entries([source]))
    html = calc_result(result, "en", {source.id: source}.get)
    assert "$2,600" in html and "<ol>" in html and 'href="https://example.com/a"' in html and "tk-ev-insider" in html


# --- chat bookkeeping, forms ------------------------------------------------------------


def test_turn_of_counts_user_messages_up_to_the_rated_message() -> None:
    history = [
        {"role": "user", "content": "q1"},
        {"role": "assistant", "content": "tool", "metadata": {"title": "Tool"}},
        {"role": "assistant", "content": "a1"},
        {"role": "user", "content": "q2"},
        {"role": "assistant", "content": "a2"},
    ]
    assert [turn_of(history, i) for i in (1, 2, 4)] == [0, 0, 1]


def test_form_args_leave_blanks_to_the_cited_defaults_and_split_series() -> None:
    growth = CALCULATORS["growth_rate"]
    names = list(growth.input_model.form_fields())
    values = {"currency": "USD", "usd_cny": "", "start_value": "", "end_value": None, "days": " ", "series": "120, 135，160"}
    assert form_args(growth, names, [values[n] for n in names]) == {"currency": "USD", "series": ["120", "135", "160"]}


# --- i18n -------------------------------------------------------------------------------


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_string_exists_in_both_languages_with_the_same_placeholders() -> None:
    for key, texts in STRINGS.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() for lang in LANGS), key
        assert placeholders(texts["zh"]) == placeholders(texts["en"]), key


def test_every_key_used_by_the_ui_exists() -> None:
    used: set[str] = set()
    for path in Path(ui.__file__).parent.glob("*.py"):
        used |= set(re.findall(r'"((?:app|tab|chat|tool|sources|chip|notice|feedback|calc|chart|kb)\.[a-z_]+)"', path.read_text()))
    used |= {f"ev.{level}" for level in EVIDENCE_LEVELS}
    assert used - set(STRINGS) == set()


def test_labels_build_in_the_initial_language_and_relabel() -> None:
    labels = Labels(initial="en")
    with gr.Blocks():
        box = labels.make(gr.Textbox, {"label": "chat.input", "placeholder": lambda lang: lang.upper()})
    assert box.label == "Your question" and box.placeholder == "EN"
    assert labels.updates("zh") == [{"__type__": "update", "label": "你的问题", "placeholder": "ZH"}]


@pytest.mark.parametrize(("value", "lang"), [("zh-CN", "zh"), ("zh", "zh"), ("en-US", "en"), (None, "en"), ("fr", "en")])
def test_normalize_lang(value: object, lang: str) -> None:
    assert normalize_lang(value) == lang


def test_a_disputing_entry_the_answer_does_not_cite_is_counted_not_named_by_id() -> None:
    html = citation_chips([citation(contradicted_by=["uncited-rule", "another-uncited"])], "en")
    assert "uncited-rule" not in html and "another-uncited" not in html
    assert "⚖ disputed by 2 other sources" in html
    assert "另外 2 条资料" in citation_chips([citation(contradicted_by=["uncited-rule", "x-y"])], "zh")
