"""A brief as a PDF, with fpdf2 (pure Python) and a system font that has Chinese glyphs.

The font is `TK_PDF_FONT` when set, else the first of `FONT_CANDIDATES` present (Debian's
fonts-wqy-microhei comes first; `.ci/run` installs it). Without one a Chinese brief cannot be
drawn: `FontMissing` says which package to install.
"""

from __future__ import annotations

import os
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from assistant.brief.content import Brief
from assistant.brief.words import word

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
FAMILY = "brief"
ACCENT = (254, 44, 85)
GREY = (107, 114, 128)


class FontMissing(RuntimeError):
    """No font with Chinese glyphs was found."""


def font_path() -> Path:
    """The font the PDF is drawn with."""
    configured = os.environ.get("TK_PDF_FONT")
    for candidate in ((configured,) if configured else FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FontMissing("no font with Chinese glyphs: apt-get install fonts-wqy-microhei, or set TK_PDF_FONT to a .ttf/.ttc/.otf")


class _Doc(FPDF):
    def __init__(self, brief: Brief):
        super().__init__(format="A4")
        self.brief = brief
        self.add_font(FAMILY, "", str(font_path()))
        self.set_margins(16, 16, 16)
        self.set_auto_page_break(True, margin=16)
        self.wrap = WrapMode.CHAR if brief.lang == "zh" else WrapMode.WORD
        self.add_page()

    def text_block(self, text: str, size: float = 10.5, color: tuple[int, int, int] = (17, 24, 39), indent: float = 0,
                   link: str = "") -> None:
        self.set_font(FAMILY, size=size)
        self.set_text_color(*color)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, size * 0.55, text, wrapmode=self.wrap, link=link,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.2)

    def heading(self, key: str) -> None:
        self.ln(2)
        self.text_block(word(key, self.brief.lang), size=12, color=ACCENT)

    def bullets(self, lines: list[str], indent: float = 4) -> None:
        for line in lines:
            self.text_block(f"• {line}", indent=indent)


def brief_pdf(brief: Brief) -> bytes:
    """The brief as PDF bytes (raises FontMissing without a suitable font)."""
    lang = brief.lang
    doc = _Doc(brief)
    doc.set_title(f"{word('title', lang)}: {brief.verdict[:80]}")
    doc.set_creator("tk-advisor")
    doc.text_block(word("title", lang), size=18)
    doc.text_block(word("dates", lang, answered=brief.answered_on.isoformat(), shared=brief.shared_on.isoformat()), size=9, color=GREY)
    doc.heading("question")
    doc.text_block(brief.question)
    doc.heading("verdict")
    doc.text_block(brief.verdict, size=12.5)
    for paragraph in brief.reply:
        doc.text_block(paragraph)
    if brief.calculations:
        doc.heading("numbers")
        for calc in brief.calculations:
            doc.text_block(calc.headline, size=11.5)
            sep = "：" if lang == "zh" else ": "
            for key, lines in (("given", [f"{label}{sep}{value}" for label, value in calc.given]), ("worked", calc.lines),
                               ("assumed", calc.assumed)):
                if lines:
                    doc.text_block(word(key, lang), size=10, color=GREY, indent=2)
                    doc.bullets(lines)
    doc.heading("sources")
    for s in brief.sources:
        date = s.date.isoformat() if s.date else word("undated", lang)
        stale = f" · {word('stale', lang)}" if s.stale else ""
        doc.text_block(f"[{s.number}] {s.title}", link=s.url if s.url.startswith(("http://", "https://")) else "")
        doc.text_block(f"{s.evidence_label} · {s.publisher} · {date}{stale}", size=9, color=GREY, indent=6)
        if s.url:
            doc.text_block(s.url, size=8, color=GREY, indent=6, link=s.url if s.url.startswith(("http://", "https://")) else "")
    doc.heading("disputed")
    doc.bullets(brief.disputed) if brief.disputed else doc.text_block(word("none_disputed", lang))
    doc.ln(4)
    doc.text_block(word("footer", lang), size=8.5, color=GREY)
    return bytes(doc.output())
