"""`tk-advisor ask` and `tk-advisor corpus`."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.answer import Answer
    from assistant.config import Settings


def register(sub: argparse._SubParsersAction) -> None:
    ask = sub.add_parser("ask", help="answer one question (offline unless an LLM is configured)")
    ask.add_argument("question")
    ask.add_argument("--session", metavar="NAME", help="keep the conversation under this name and continue it (without it, nothing is kept)")
    ask.add_argument("--provider", choices=["offline", "openai"], help="override TK_PROVIDER")
    ask.add_argument("--json", action="store_true", help="print the Answer object as one JSON document")
    ask.add_argument("--trace", action="store_true",
                     help="first print what the engine read, the shape it chose and why the others lost")
    ask.set_defaults(handler=_ask)
    corpus = sub.add_parser("corpus", help="the labelled seller corpus (corpus/)")
    corpus_sub = corpus.add_subparsers(dest="corpus_command", required=True)
    check = corpus_sub.add_parser("check", help="validate every labelled line")
    check.add_argument("dir", nargs="?", help="the corpus directory (default: corpus/ of the checkout)")
    check.set_defaults(handler=_corpus_check)


def _ask(args: argparse.Namespace) -> int:
    from assistant.answer import InvalidInput
    from assistant.config import Settings
    from assistant.plain_text import answer_text

    settings = Settings.from_env()
    if args.provider is not None:
        settings = settings.model_copy(update={"provider": args.provider})
    try:
        answer = _answer(args, settings)
    except InvalidInput as exc:
        print(f"tk-advisor: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(answer.model_dump_json())
        return 0
    print(answer_text(answer))  # the reply as plain text, then its numbered sources
    for warning in answer.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    kept = f"session {answer.session_id}" if answer.session_id else "not kept: --session NAME keeps a conversation"
    print(f"\n[{answer.provider} · {kept}]", file=sys.stderr)
    return 0


def _answer(args: argparse.Namespace, settings: Settings) -> Answer:
    """A new question offline is answered by the engine's steps alone (no agent loop, no store: a fast
    cold start); a conversation (`--session`) or a language model goes through the Advisor."""
    if args.session is None and not settings.use_llm:
        from assistant.answerer import Answerer

        if args.trace:
            _print_trace(args.question, [])
        return Answerer.one_shot(settings).answer_offline(args.question)
    from assistant.advisor import Advisor

    advisor = Advisor.from_settings(settings)
    if args.trace:
        _print_trace(args.question, [m.content for m in advisor.store.history(args.session) if m.role == "user"] if args.session else [])
    if args.session is None:  # one question, not kept, as offline
        return advisor.ask([{"role": "user", "content": args.question}])
    return advisor.ask(args.question, session_id=args.session)


def _print_trace(question: str, earlier: list[str]) -> None:
    from assistant.engine.trace import trace

    print(trace(question, earlier), end="\n\n")


def _corpus_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant.engine.reading.corpus import CORPUS_DIR, check

    errors, hints, turns = check(Path(args.dir) if args.dir else CORPUS_DIR)
    for line in errors:
        print(f"error: {line}")
    for line in hints:
        print(f"hint: {line}")
    print(f"corpus: {turns} turns, {len(errors)} errors, {len(hints)} hints")
    return 1 if errors else 0
