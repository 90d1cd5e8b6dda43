"""Durable conversations, feedback and seen webhook events, in one database every instance shares."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Insert, Table, delete, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from assistant.store import tables
from assistant.store.database import (
    READ_ONLY,
    bounded,
    database_url,
    open_engine,
    upgrade_if_behind,
)
from assistant.store.records import Feedback, FeedbackRow, LocatedMessage, SessionSummary, StoredMessage

_FEEDBACK_COLUMNS = ("id", "created_at", "session_id", "rating", "comment", "question", "answer", "citations", "provider", "channel",
                     "message_id")


_turn_check: ContextVar[Callable[[], None] | None] = ContextVar("tk_turn_check", default=None)


@contextmanager
def checked_turns(check: Callable[[], None]) -> Iterator[None]:
    """While the block runs, `check()` is called inside each write that stores a turn, just before
    it commits; when it raises, nothing of the turn is stored (an answer given up stores nothing)."""
    token = _turn_check.set(check)
    try:
        yield
    finally:
        _turn_check.reset(token)


class StoreUnavailable(RuntimeError):
    """The database did not answer (down, unreachable, or locked past the timeout)."""


@contextmanager
def _reachable() -> Iterator[None]:
    try:
        yield
    except (OperationalError, InterfaceError, DisconnectionError) as exc:
        raise StoreUnavailable(f"the database is unavailable: {type(getattr(exc, 'orig', None) or exc).__name__}") from exc


class Store:
    """Thread-safe access to the store: a SQLite file (a path) or a database URL (`TK_DATABASE_URL`).

    Opening it migrates the schema when it is behind. Every write is one transaction.
    """

    def __init__(self, target: str | Path, *, pool_size: int = 5):
        self.url = database_url(target)
        self.path = Path(self.url.database) if self.url.get_backend_name() == "sqlite" and self.url.database else None
        """The SQLite file, or None for a database server."""
        self.engine = open_engine(target, pool_size=pool_size)
        upgrade_if_behind(self.engine)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One transaction, committed at the end of the block (within `STATEMENT_SECONDS` on PostgreSQL)."""
        with _reachable(), self.engine.connect() as db, bounded(db), db.begin():
            yield db

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with _reachable(), self.engine.connect().execution_options(**{READ_ONLY: True}) as db, bounded(db):
            yield db

    def _insert(self, table: Table) -> postgresql.Insert | sqlite.Insert:
        """The dialect's INSERT, which knows ON CONFLICT."""
        return (postgresql if self.engine.dialect.name == "postgresql" else sqlite).insert(table)

    def _insert_new(self, table: Table) -> Insert:
        """INSERT that skips rows whose primary key exists (ON CONFLICT DO NOTHING)."""
        return self._insert(table).on_conflict_do_nothing()

    def ping(self) -> None:
        """Raise unless the database answers within seconds; for SQLite, unless the write lock can
        be taken within one (on a connection of its own, leaving no trace)."""
        if self.path is None:
            with self._read() as db:
                db.execute(text("SELECT 1"))
            return
        lock = sqlite3.connect(self.path, timeout=1.0, isolation_level=None)
        try:
            lock.execute("BEGIN IMMEDIATE")
            lock.execute("ROLLBACK")
        finally:
            lock.close()

    def close(self) -> None:
        self.engine.dispose()

    @staticmethod
    def new_session_id() -> str:
        return uuid.uuid4().hex

    @staticmethod
    def new_message_id() -> str:
        return "msg_" + uuid.uuid4().hex

    def claim(self, session_id: str, owner: str) -> bool:
        """Bind a new session to `owner`, or confirm that `owner` holds it; False when another does.

        Sessions that existed before owners were recorded belong to `legacy`, which no caller is.
        """
        s = tables.sessions
        holder = select(s.c.owner).where(s.c.session_id == session_id)
        with self._read() as db:
            known = db.execute(holder).scalar_one_or_none()
        if known is None:
            now = time.time()
            with self._write() as db:
                db.execute(self._insert_new(s).values(session_id=session_id, owner=owner, created_at=now, updated_at=now))
                known = db.execute(holder).scalar_one()
        return known == owner

    def first_event(self, event_id: str, ttl: float) -> bool:
        """True the first time `event_id` is seen within `ttl` seconds, across restarts and instances."""
        now = time.time()
        e = tables.seen_events
        with self._write() as db:
            db.execute(delete(e).where(e.c.seen_at < now - ttl))
            inserted = db.execute(self._insert_new(e).values(event_id=event_id, seen_at=now).returning(e.c.event_id)).first()
        return inserted is not None

    def delete_session(self, session_id: str, owner: str | None = None) -> bool:
        """Delete a conversation (only `owner`'s, when given); False when there is none to delete."""
        s, m = tables.sessions, tables.messages
        with self._write() as db:
            if owner is not None:
                holder = db.execute(select(s.c.owner).where(s.c.session_id == session_id)).scalar_one_or_none()
                if holder != owner:
                    return False
            removed = db.execute(delete(m).where(m.c.session_id == session_id)).rowcount
            removed += db.execute(delete(s).where(s.c.session_id == session_id)).rowcount
        return removed > 0

    def drop_last_turn(self, session_id: str, owner: str) -> bool:
        """Delete `owner`'s last question in a conversation and everything after it (to ask it
        again, or an edited one); False when there is none, or the conversation is not theirs."""
        s, m = tables.sessions, tables.messages
        with self._write() as db:
            if db.execute(select(s.c.owner).where(s.c.session_id == session_id)).scalar_one_or_none() != owner:
                return False
            last = db.execute(select(func.max(m.c.seq)).where(m.c.session_id == session_id, m.c.role == "user")).scalar_one()
            if last is None:
                return False
            db.execute(delete(m).where(m.c.session_id == session_id, m.c.seq >= last))
        return True

    def purge(self, days: float) -> int:
        """Delete conversations untouched for `days` days; the number of conversations deleted."""
        cutoff = time.time() - days * 86400
        s, m = tables.sessions, tables.messages
        with self._write() as db:
            old = select(s.c.session_id).where(s.c.updated_at < cutoff)
            db.execute(delete(m).where(m.c.session_id.in_(old)))
            return db.execute(delete(s).where(s.c.updated_at < cutoff)).rowcount

    def latest_session(self, owner: str) -> str | None:
        """The session `owner` used last, if any."""
        s = tables.sessions
        with self._read() as db:
            query = select(s.c.session_id).where(s.c.owner == owner).order_by(s.c.updated_at.desc()).limit(1)
            return db.execute(query).scalar_one_or_none()

    def sessions(self, owner: str, limit: int = 50) -> list[SessionSummary]:
        """`owner`'s conversations that have messages, latest first, titled by their first question unless renamed."""
        s, m = tables.sessions, tables.messages
        first = (
            select(m.c.content).where(m.c.session_id == s.c.session_id, m.c.role == "user")
            .order_by(m.c.seq).limit(1).scalar_subquery()
        )  # fmt: skip
        used = select(m.c.session_id).where(m.c.session_id == s.c.session_id).exists()
        query = (
            select(s.c.session_id, s.c.title, s.c.updated_at, first)
            .where(s.c.owner == owner, used).order_by(s.c.updated_at.desc()).limit(limit)
        )  # fmt: skip
        with self._read() as db:
            return [SessionSummary(session_id=sid, title=title or question or "", updated_at=at)
                    for sid, title, at, question in db.execute(query)]  # fmt: skip

    def rename_session(self, session_id: str, owner: str, title: str) -> bool:
        """Give `owner`'s conversation a title ('' goes back to its first question); False when not theirs."""
        s = tables.sessions
        with self._write() as db:
            changed = db.execute(
                update(s).where(s.c.session_id == session_id, s.c.owner == owner).values(title=title.strip()[:200])
            ).rowcount
        return changed == 1

    def history(self, session_id: str) -> list[StoredMessage]:
        m = tables.messages
        with self._read() as db:
            rows = db.execute(select(m.c.role, m.c.content, m.c.meta, m.c.message_id, m.c.created_at)
                              .where(m.c.session_id == session_id).order_by(m.c.seq))
            return [StoredMessage(role=r, content=c, meta=json.loads(meta), id=i, created_at=at) for r, c, meta, i, at in rows]

    def owner(self, session_id: str) -> str | None:
        """Who started the conversation (None when there is no such conversation)."""
        s = tables.sessions
        with self._read() as db:
            return db.execute(select(s.c.owner).where(s.c.session_id == session_id)).scalar_one_or_none()

    def message(self, message_id: str) -> LocatedMessage | None:
        """The message with this id, where it is and the question it answers; None when unknown."""
        m, s = tables.messages, tables.sessions
        found = (select(m.c.session_id, m.c.seq, m.c.role, m.c.content, m.c.meta, m.c.created_at, s.c.owner)
                 .join(s, s.c.session_id == m.c.session_id).where(m.c.message_id == message_id))
        with self._read() as db:
            row = db.execute(found).first()
            if row is None:
                return None
            before = select(m.c.content).where(m.c.session_id == row.session_id, m.c.seq == row.seq - 1, m.c.role == "user")
            question = db.execute(before).scalar_one_or_none() if row.role == "assistant" else None
        stored = StoredMessage(role=row.role, content=row.content, meta=json.loads(row.meta), id=message_id, created_at=row.created_at)
        return LocatedMessage(session_id=row.session_id, owner=row.owner, message=stored, question=question or "")

    def append(self, session_id: str, *messages: StoredMessage, owner: str = "legacy") -> None:
        """Add turns at the end of a conversation, binding a new one to `owner` (default: `legacy`,
        no caller). Appends to one conversation from several instances queue on its session row
        (the upsert locks it), so none is lost or numbered twice."""
        s, m = tables.sessions, tables.messages
        now = time.time()
        touch = (self._insert(s).values(session_id=session_id, owner=owner, created_at=now, updated_at=now)
                 .on_conflict_do_update(index_elements=[s.c.session_id], set_={"updated_at": now}))
        last_seq = select(func.coalesce(func.max(m.c.seq), -1)).where(m.c.session_id == session_id)
        with self._write() as db:
            db.execute(touch)  # locks the session row until the commit
            # A statement of its own: on PostgreSQL it sees the turns committed while it waited for the lock.
            last = db.execute(last_seq).scalar_one()
            db.execute(m.insert(), [
                {"session_id": session_id, "seq": last + 1 + i, "role": msg.role, "content": msg.content,
                 "meta": json.dumps(msg.meta, ensure_ascii=False, default=str), "created_at": now, "message_id": msg.id}
                for i, msg in enumerate(messages)
            ])
            if (check := _turn_check.get()) is not None:
                check()

    def add_feedback(self, feedback: Feedback, message_id: str | None = None) -> FeedbackRow:
        """Store a rating; `message_id` ties it to the stored answer it rates (checked by the caller)."""
        row = FeedbackRow(id=uuid.uuid4().hex, created_at=time.time(), message_id=message_id, **feedback.model_dump())
        with self._write() as db:
            db.execute(tables.feedback.insert().values(**{**row.model_dump(), "citations": json.dumps(row.citations)}))
        return row

    def set_comment(self, feedback_id: str, comment: str) -> bool:
        """Attach the comment a user writes after rating; False when there is no such row."""
        f = tables.feedback
        with self._write() as db:
            return db.execute(update(f).where(f.c.id == feedback_id).values(comment=comment[:4000])).rowcount == 1

    def feedback(self) -> list[FeedbackRow]:
        f = tables.feedback
        with self._read() as db:
            rows = db.execute(select(*(f.c[k] for k in _FEEDBACK_COLUMNS)).order_by(f.c.created_at))
            return [FeedbackRow(**{**row._asdict(), "citations": json.loads(row.citations)}) for row in rows]

    def export_feedback(self, fmt: Literal["csv", "jsonl"]) -> str:
        rows = [r.model_dump() for r in self.feedback()]
        if fmt == "jsonl":
            return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(FeedbackRow.model_fields))
        writer.writeheader()
        writer.writerows({k: _inert(v) for k, v in {**r, "citations": " ".join(r["citations"])}.items()} for r in rows)
        return out.getvalue()


def _inert(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a leading `= + - @` (a formula) gets a `'` before it."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
