"""`tk-advisor db upgrade`, `tk-advisor sessions purge|delete` and `tk-advisor feedback export`."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    db = sub.add_parser("db", help="the store's database (TK_DATABASE_URL, else SQLite under TK_DATA_DIR)")
    db_actions = db.add_subparsers(dest="action", required=True)
    db_actions.add_parser("upgrade", help="migrate the schema to the newest revision").set_defaults(handler=_upgrade)

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


def _upgrade(args: argparse.Namespace) -> int:
    from assistant.config import Settings
    from assistant.store.database import current_revision, open_engine, upgrade

    engine = open_engine(Settings.from_env().store_target)
    before = current_revision(engine)
    after = upgrade(engine)
    print(f"database schema: {before or 'empty'} -> {after}" if before != after else f"database schema: up to date ({after})")
    return 0


def _export(args: argparse.Namespace) -> int:
    from assistant.config import Settings
    from assistant.store import Store

    sys.stdout.write(Store(Settings.from_env().store_target).export_feedback(args.format))
    return 0


def _store() -> tuple[Settings, Store]:
    """The settings and the Store of the environment's data dir."""
    from assistant.config import Settings
    from assistant.store import Store

    settings = Settings.from_env()
    return settings, Store(settings.store_target)


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
