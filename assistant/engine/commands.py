"""`tk-advisor ask` and `tk-advisor feedback export`."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    ask = sub.add_parser("ask", help="answer one question (offline unless an LLM is configured)")
    ask.add_argument("question")
    ask.add_argument("--session", help="continue this conversation (its id is printed with --json)")
    ask.add_argument("--provider", choices=["offline", "openai"], help="override TK_PROVIDER")
    ask.add_argument("--json", action="store_true", help="print the Answer object as one JSON document")
    ask.set_defaults(handler=_ask)

    sessions = sub.add_parser("sessions", help="stored conversations: delete one, or purge old ones")
    session_actions = sessions.add_subparsers(dest="action", required=True)
    purge = session_actions.add_parser("purge", help="delete conversations untouched for DAYS days (default TK_RETENTION_DAYS)")
    purge.add_argument("--days", type=float, help="age in days")
    purge.set_defaults(handler=_purge)
    delete = session_actions.add_parser("delete", help="delete one conversation by its id")
    delete.add_argument("session_id")
    delete.set_defaults(handler=_delete)

    feedback = sub.add_parser("feedback", help="thumbs up/down given in the web chat and the API")
    actions = feedback.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write every feedback row to stdout")
    export.add_argument("--format", choices=["csv", "jsonl"], default="jsonl")
    export.set_defaults(handler=_export)


def _ask(args: argparse.Namespace) -> int:
    from assistant.advisor import Advisor
    from assistant.answer import InvalidInput

    advisor = Advisor.from_settings(provider=args.provider)
    try:
        answer = advisor.ask(args.question, session_id=args.session)
    except InvalidInput as exc:
        print(f"tk-advisor: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(answer.model_dump_json())
        return 0
    print(answer.answer)
    for warning in answer.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"\n[{answer.provider} · session {answer.session_id}]", file=sys.stderr)
    return 0


def _export(args: argparse.Namespace) -> int:
    from assistant.config import Settings
    from assistant.store import Store

    sys.stdout.write(Store(Settings.from_env().sqlite_path).export_feedback(args.format))
    return 0


def _store() -> tuple[Settings, Store]:
    """The settings and the Store of the environment's data dir."""
    from assistant.config import Settings
    from assistant.store import Store

    settings = Settings.from_env()
    return settings, Store(settings.sqlite_path)


def _purge(args: argparse.Namespace) -> int:
    settings, store = _store()
    days = args.days or settings.retention_days
    if not days or days <= 0:
        print("tk-advisor sessions purge: give --days or set TK_RETENTION_DAYS", file=sys.stderr)
        return 2
    print(f"{store.purge(days)} conversations older than {days:g} days deleted")
    return 0


def _delete(args: argparse.Namespace) -> int:
    _, store = _store()
    if not store.delete_session(args.session_id):
        print(f"tk-advisor sessions delete: no session {args.session_id}", file=sys.stderr)
        return 1
    print(f"session {args.session_id} deleted")
    return 0
