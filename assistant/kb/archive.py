"""Archived copies of the pages the knowledge entries quote (`knowledge/sources/pages/*.md`).

Each file holds one page: a YAML header (`url`, `title`, `publisher`, `date`, `accessed`, and
`quoted_by` when the page itself was not stored but other stored pages quote it word for word)
between `---` lines, then the relevant passages verbatim. An entry's excerpt is checked against
the archive of its own `source.url`, so the check reads the page's words, not research notes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.kb.schema import Entry
from assistant.yaml_fast import safe_load

PAGES_DIR = Path("sources") / "pages"
"""Where the archived pages live, relative to the knowledge directory."""


class ArchiveError(ValueError):
    """An archived page file that cannot be read (no header, no URL, bad dates)."""


@dataclass(frozen=True)
class ArchivedPage:
    """One stored page: where it is, what it is, and the passages kept from it."""

    path: Path
    url: str
    title: str
    publisher: str
    date: dt.date | None
    accessed: dt.date
    text: str
    quoted_by: tuple[str, ...] = ()

    def contains(self, excerpt: str) -> bool:
        """The excerpt appears in the stored passages (whitespace runs count as one space)."""
        return _squash(excerpt) in _squash(self.text)


def _squash(text: str) -> str:
    return " ".join(text.split())


def read_page(path: Path) -> ArchivedPage:
    """Parse one archive file; a malformed header raises `ArchiveError` naming the file."""
    raw = path.read_text(encoding="utf-8")
    parts = raw.split("\n---\n", 1)
    if not raw.startswith("---\n") or len(parts) != 2:
        raise ArchiveError(f"{path}: expected a '---' header, then the passages")
    try:
        header = safe_load(parts[0].removeprefix("---\n")) or {}
    except yaml.YAMLError as exc:
        raise ArchiveError(f"{path}: header is not valid YAML ({exc})") from None
    if not isinstance(header, dict):
        raise ArchiveError(f"{path}: header must be a mapping")
    try:
        url, accessed = str(header["url"]), header["accessed"]
    except KeyError as exc:
        raise ArchiveError(f"{path}: header needs {exc.args[0]!r}") from None
    date = header.get("date")
    if not isinstance(accessed, dt.date) or (date is not None and not isinstance(date, dt.date)):
        raise ArchiveError(f"{path}: 'date' and 'accessed' must be dates (date may be null)")
    if not parts[1].strip():
        raise ArchiveError(f"{path}: no passages stored")
    return ArchivedPage(
        path=path, url=url, title=str(header.get("title", "")), publisher=str(header.get("publisher", "")),
        date=date, accessed=accessed, text=parts[1], quoted_by=tuple(header.get("quoted_by") or ()),
    )


def load_archive(knowledge_dir: Path) -> dict[str, ArchivedPage]:
    """Every archived page under `knowledge_dir`, by URL (a URL archived twice is an error)."""
    pages: dict[str, ArchivedPage] = {}
    for path in sorted((Path(knowledge_dir) / PAGES_DIR).glob("*.md")):
        page = read_page(path)
        if page.url in pages:
            raise ArchiveError(f"{path}: {page.url} is already archived in {pages[page.url].path.name}")
        pages[page.url] = page
    return pages


def unquoted_excerpts(entries: Iterable[Entry], pages: dict[str, ArchivedPage]) -> list[str]:
    """`id: reason` for each entry whose source page is archived but lacks the entry's excerpt."""
    problems = []
    for entry in entries:
        page = pages.get(entry.source.url or "")
        if page is not None and not page.contains(entry.source.excerpt):
            problems.append(f"{entry.id}: excerpt not found in the archived page {page.path.name}")
    return problems


_TYPOGRAPHIC = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")


def quote_in(quote: str, text: str) -> bool:
    """Every part of `quote` between ellipses is in `text`, word for word (typographic quotes and
    whitespace runs and letter case aside: a quote may start mid-sentence)."""
    flat = _squash(text.translate(_TYPOGRAPHIC)).casefold()
    parts = [p.strip().casefold() for p in _ELLIPSIS.split(quote.translate(_TYPOGRAPHIC))]
    return all(_squash(p) in flat for p in parts if p)


def unquoted_clauses(entries: Iterable[Entry], pages: dict[str, ArchivedPage], article: str = "") -> list[str]:
    """`entry/clause` for each clause marked `verified` whose quote is in no archived page (nor the
    article): a verified clause quotes words someone can read in a stored copy."""
    texts = [page.text for page in pages.values()] + [article]
    return [
        f"{entry.id}/{clause.id}"
        for entry in entries
        for clause in entry.rules
        if clause.verified and not any(quote_in(clause.quote, text) for text in texts)
    ]
