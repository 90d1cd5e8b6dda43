"""A brief as one self-contained HTML page: readable on a phone, no script, nothing fetched."""

from __future__ import annotations

from html import escape

from assistant.brief.content import Brief
from assistant.brief.words import word
from assistant.kb.schema import Lang

CSS = """
*{box-sizing:border-box}body{margin:0;background:#f6f7f9;color:#111827;font:16px/1.6 system-ui,-apple-system,"Segoe UI",
"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif}
main{max-width:760px;margin:0 auto;padding:16px;overflow-wrap:anywhere}
header{border-left:4px solid #fe2c55;padding:4px 12px;margin-bottom:12px}header p{margin:0;color:#6b7280;font-size:.85rem}
h1{font-size:1.35rem;margin:0}h2{font-size:1rem;margin:20px 0 6px;color:#374151}
section{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:12px 14px;margin:10px 0}
.verdict{font-size:1.1rem;font-weight:700}.q{font-style:italic}ul,ol{padding-left:1.3em;margin:4px 0}li{margin:3px 0}
.badge{display:inline-block;padding:0 8px;border-radius:999px;font-size:.75rem;font-weight:600;background:#f3f4f6}
.official{background:#dcfce7;color:#166534}.trade-press{background:#dbeafe;color:#1e40af}.third-party{background:#ede9fe;color:#5b21b6}
.insider{background:#fef3c7;color:#92400e}.author-opinion{background:#f3f4f6;color:#374151}
.meta{color:#6b7280;font-size:.85rem}.stale{color:#9a3412;font-size:.8rem}a{color:#1d4ed8}
.pdf{display:inline-block;margin:8px 0;padding:10px 16px;border-radius:8px;background:#fe2c55;color:#fff;text-decoration:none;font-weight:600}
footer{color:#6b7280;font-size:.8rem;margin:16px 0}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _link(url: str, text: str) -> str:
    if url.lower().startswith(("http://", "https://")):
        return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(text)}</a>'
    return _e(text)


def _sources(brief: Brief) -> str:
    lang = brief.lang
    items = []
    for s in brief.sources:
        date = s.date.isoformat() if s.date else word("undated", lang)
        stale = f' <span class="stale">⚠ {_e(word("stale", lang))}</span>' if s.stale else ""
        items.append(f'<li id="s{s.number}">{_link(s.url, s.title)} <span class="badge {_e(s.evidence)}">{_e(s.evidence_label)}</span>'
                     f' <span class="meta">{_e(s.publisher)} · {_e(date)}</span>{stale}</li>')
    return f"<ol>{''.join(items)}</ol>"


def _calculations(brief: Brief) -> str:
    lang = brief.lang
    blocks = []
    for calc in brief.calculations:
        parts = [f'<p class="verdict">{_e(calc.headline)}</p>']
        if calc.given:
            parts.append(f"<h2>{_e(word('given', lang))}</h2><ul>"
                         + "".join(f"<li>{_e(label)}：{_e(value)}</li>" if lang == "zh" else f"<li>{_e(label)}: {_e(value)}</li>"
                                   for label, value in calc.given) + "</ul>")
        if calc.lines:
            parts.append(f"<h2>{_e(word('worked', lang))}</h2><ul>" + "".join(f"<li>{_e(line)}</li>" for line in calc.lines) + "</ul>")
        if calc.assumed:
            parts.append(f"<h2>{_e(word('assumed', lang))}</h2><ul>" + "".join(f"<li>{_e(a)}</li>" for a in calc.assumed) + "</ul>")
        blocks.append(f"<section>{''.join(parts)}</section>")
    return "".join(blocks)


def brief_page(brief: Brief, pdf_href: str) -> str:
    """The brief as a page; `pdf_href` links its PDF."""
    lang = brief.lang
    reply = "".join(f"<p>{_e(p)}</p>" for p in brief.reply)
    disputed = ("<ul>" + "".join(f"<li>{_e(d)}</li>" for d in brief.disputed) + "</ul>") if brief.disputed \
        else f"<p>{_e(word('none_disputed', lang))}</p>"
    numbers = f"<h2>{_e(word('numbers', lang))}</h2>{_calculations(brief)}" if brief.calculations else ""
    dates = word("dates", lang, answered=brief.answered_on.isoformat(), shared=brief.shared_on.isoformat())
    return f"""<!doctype html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>{_e(word('title', lang))} · {_e(brief.verdict[:60])}</title><style>{CSS}</style></head>
<body><main>
<header><h1>{_e(word('title', lang))}</h1><p>{_e(dates)}</p></header>
<section><h2>{_e(word('question', lang))}</h2><p class="q">{_e(brief.question)}</p>
<h2>{_e(word('verdict', lang))}</h2><p class="verdict" id="verdict">{_e(brief.verdict)}</p>{reply}</section>
{numbers}
<section><h2>{_e(word('sources', lang))}</h2>{_sources(brief)}</section>
<section><h2>{_e(word('disputed', lang))}</h2>{disputed}</section>
<a class="pdf" href="{_e(pdf_href)}">{_e(word('pdf', lang))}</a>
<footer>{_e(word('footer', lang))}</footer>
</main></body></html>"""


def gone_page(lang: Lang | None = None) -> str:
    """The page of an unknown or revoked link, in both languages."""
    text = " / ".join(_e(word("gone", code)) for code in (("zh", "en") if lang is None else (lang,)))
    return (f'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="robots" content="noindex"><title>tk-advisor</title><style>{CSS}</style></head>'
            f"<body><main><section><p>{text}</p></section></main></body></html>")
