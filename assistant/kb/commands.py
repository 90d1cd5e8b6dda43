"""Subcommands of this package: kb validate | kb list | index | search."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from assistant.config import Settings
from assistant.kb.schema import EVIDENCE_LEVELS, Market

if TYPE_CHECKING:
    from assistant.kb.loader import LoadError
    from assistant.kb.schema import Entry


def register(sub: argparse._SubParsersAction) -> None:
    kb = sub.add_parser("kb", help="check and list the knowledge entries")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True, metavar="ACTION")
    validate = kb_sub.add_parser("validate", help="check every knowledge file; print file:line: reason per problem")
    validate.set_defaults(handler=_validate)
    listing = kb_sub.add_parser("list", help="list the valid entries")
    listing.add_argument("--json", action="store_true", help="print the entries as JSON")
    listing.add_argument("--stale", action="store_true", help="only entries past their review_by date (today, UTC), each with what its last re-check found")
    listing.set_defaults(handler=_list)

    index = sub.add_parser("index", help="sync the vector index with the knowledge files")
    index.set_defaults(handler=_index)

    search = sub.add_parser("search", help="rank knowledge entries for a question")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=5, help="number of hits (default 5)")
    search.add_argument("--json", action="store_true", help='print [{"id","score","title","evidence"}]')
    search.add_argument("--market", action="append", choices=get_args(Market), help="keep entries for this market (repeatable)")
    search.add_argument("--topic", action="append", help="keep entries with this topic (repeatable)")
    search.add_argument("--evidence", action="append", choices=EVIDENCE_LEVELS, help="keep entries with this evidence level (repeatable)")
    search.set_defaults(handler=_search)


def _validate(args: argparse.Namespace) -> int:
    from assistant.kb.loader import load_entries

    settings = Settings.from_env()
    result = load_entries(settings.knowledge_dir)
    for error in result.errors:
        print(error)
    quotes = _archive_problems(settings.knowledge_dir, result.entries)
    for problem in quotes:
        print(problem)
    if result.errors or quotes:
        files = len({e.file for e in result.errors})
        print(f"kb: {len(result.errors)} problem(s) in {files} file(s), {len(quotes)} excerpt problem(s); "
              f"{len(result.entries)} entries loaded", file=sys.stderr)
        return 1
    kinds = ", ".join(f"{sum(e.kind == k for e in result.entries)} {k}s" for k in ("claim", "note", "playbook"))
    print(f"kb: {len(result.entries)} entries OK ({kinds}) in {settings.knowledge_dir}")
    return 0


def _archive_problems(knowledge_dir: Path, entries: Sequence[Entry]) -> list[str]:
    """Excerpts missing from their archived page, or the archive file that cannot be read."""
    from assistant.kb.archive import ArchiveError, load_archive, unquoted_excerpts

    try:
        return unquoted_excerpts(entries, load_archive(knowledge_dir))
    except ArchiveError as exc:
        return [str(exc)]


def _list(args: argparse.Namespace) -> int:
    from assistant.kb.loader import KnowledgeBase

    kb = KnowledgeBase.from_dir(Settings.from_env().knowledge_dir)
    today = dt.datetime.now(dt.UTC).date()
    entries = [e for e in kb if e.is_stale(today)] if args.stale else list(kb)
    if args.json:
        print(json.dumps([entry.model_dump(mode="json") for entry in entries], ensure_ascii=False, indent=2))
    elif args.stale:
        for entry in sorted(entries, key=lambda e: (e.review_by, e.id)):
            finding = entry.review_note or f"NOT RE-CHECKED since {entry.reviewed.isoformat()}: search for a newer source"
            print(f"{entry.id:40} review_by {entry.review_by.isoformat()}  {finding}")
        unchecked = sum(1 for e in entries if not e.review_note)
        print(f"kb: {len(entries)} of {len(kb)} entries past review_by on {today.isoformat()}, "
              f"{unchecked} without a re-check note", file=sys.stderr)
    else:
        for entry in entries:
            print(f"{entry.id:40} {entry.kind:8} {entry.evidence:14} {','.join(entry.markets):10} {entry.title.en}")
    _warn_errors(kb.errors)
    return 0


def _index(args: argparse.Namespace) -> int:
    from assistant.kb.index import KnowledgeIndex
    from assistant.kb.loader import KnowledgeBase
    from assistant.kb.retrieve import chroma_retriever

    settings = Settings.from_env()
    kb = KnowledgeBase.from_dir(settings.knowledge_dir)
    _warn_errors(kb.errors)
    index = KnowledgeIndex(settings)
    report = index.sync(kb)
    chroma_retriever(settings, kb, index)  # prepares the files `ask` and `search` start from
    print(f"index: {report} ({index.count()} entries in {settings.chroma_dir})")
    return 0


def _search(args: argparse.Namespace) -> int:
    from assistant.kb.retrieve import RELEVANCE_FLOOR, open_retriever

    retriever = open_retriever(Settings.from_env(), exported=True)
    hits = retriever.search(args.query, k=args.k, markets=args.market, topics=args.topic, evidence=args.evidence)
    lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in args.query) else "en"
    if args.json:
        rows = [{"id": h.entry.id, "score": round(h.score, 4), "title": h.entry.title.get(lang), "evidence": h.entry.evidence} for h in hits]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print("no matching entries")
    for rank, hit in enumerate(hits, 1):
        below = "  (below relevance floor)" if hit.score < RELEVANCE_FLOOR else ""
        print(f"{rank}. {hit.score:.3f}  {hit.entry.id}  [{hit.entry.evidence}]  {hit.entry.title.get(lang)}{below}")
    return 0


def _warn_errors(errors: Sequence[LoadError]) -> None:
    if errors:
        print(f"warning: {len(errors)} knowledge problem(s) skipped; run `tk-advisor kb validate`", file=sys.stderr)
