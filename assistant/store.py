"""Durable conversations and feedback in one SQLite file under the data directory."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from assistant.text import without_surrogates

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    session_id TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content    TEXT NOT NULL,
    meta       TEXT NOT NULL DEFAULT '{}',
    created_at REAL NOT NULL,
    PRIMARY KEY (session_id, seq)
);
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_owner ON sessions (owner, updated_at);
INSERT OR IGNORE INTO sessions (session_id, owner, created_at, updated_at)
    SELECT session_id, 'legacy', MIN(created_at), MAX(created_at) FROM messages GROUP BY session_id;
CREATE TABLE IF NOT EXISTS seen_events (
    event_id TEXT PRIMARY KEY,
    seen_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    id         TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    session_id TEXT,
    rating     INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment    TEXT NOT NULL DEFAULT '',
    question   TEXT NOT NULL,
    answer     TEXT NOT NULL,
    citations  TEXT NOT NULL DEFAULT '[]',
    provider   TEXT NOT NULL DEFAULT '',
    channel    TEXT NOT NULL DEFAULT ''
);
"""


class StoredMessage(BaseModel):
    role: Literal["user", "assistant"]
    content: str
    meta: dict[str, Any] = Field(default_factory=dict)
    """For assistant turns: lang, kind, tool calls and citation ids (the state follow-ups use)."""


class Feedback(BaseModel):
    """A rating of one answer. Text is bounded and cleaned of lone surrogates; `rating` is -1 or 1
    as a number (JSON `true` is refused)."""

    rating: Literal[-1, 1]
    question: str = Field(max_length=4000)
    answer: str = Field(max_length=20_000)
    comment: str = Field("", max_length=4000)
    session_id: str | None = Field(None, max_length=256)
    citations: list[str] = Field(default_factory=list, max_length=50)
    provider: str = Field("", max_length=100)
    channel: str = Field("", max_length=20)

    @field_validator("rating", mode="before")
    @classmethod
    def _number_only(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("rating is -1 or 1, not true/false")
        return value

    @field_validator("question", "answer", "comment", "session_id", mode="before")
    @classmethod
    def _clean(cls, value: Any) -> Any:
        return without_surrogates(value) if isinstance(value, str) else value


class FeedbackRow(Feedback):
    id: str
    created_at: float


class Store:
    """Thread-safe access to the SQLite file (WAL mode, one connection per thread)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._db().executescript(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on this thread's connection (reads need none: one SELECT sees one
        consistent snapshot, without taking the write lock other threads and processes wait for)."""
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @staticmethod
    def new_session_id() -> str:
        return uuid.uuid4().hex

    def claim(self, session_id: str, owner: str) -> bool:
        """Bind a new session to `owner`, or confirm that `owner` holds it; False when another does.

        Sessions that existed before owners were recorded belong to `legacy`, which no caller is.
        """
        now = time.time()
        with self._connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO sessions (session_id, owner, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (session_id, owner, now, now),
            )
            (holder,) = db.execute("SELECT owner FROM sessions WHERE session_id = ?", (session_id,)).fetchone()
        return holder == owner

    def first_event(self, event_id: str, ttl: float) -> bool:
        """True the first time `event_id` is seen within `ttl` seconds, across restarts and processes."""
        now = time.time()
        with self._connect() as db:
            db.execute("DELETE FROM seen_events WHERE seen_at < ?", (now - ttl,))
            inserted = db.execute("INSERT OR IGNORE INTO seen_events (event_id, seen_at) VALUES (?, ?)", (event_id, now)).rowcount
        return inserted == 1

    def delete_session(self, session_id: str, owner: str | None = None) -> bool:
        """Delete a conversation (only `owner`'s, when given); False when there is none to delete."""
        with self._connect() as db:
            if owner is not None:
                row = db.execute("SELECT owner FROM sessions WHERE session_id = ?", (session_id,)).fetchone()
                if row is None or row[0] != owner:
                    return False
            messages = db.execute("DELETE FROM messages WHERE session_id = ?", (session_id,)).rowcount
            sessions = db.execute("DELETE FROM sessions WHERE session_id = ?", (session_id,)).rowcount
        return bool(messages or sessions)

    def purge(self, days: float) -> int:
        """Delete conversations untouched for `days` days; the number of conversations deleted."""
        cutoff = time.time() - days * 86400
        with self._connect() as db:
            old = [r[0] for r in db.execute("SELECT session_id FROM sessions WHERE updated_at < ?", (cutoff,))]
            db.executemany("DELETE FROM messages WHERE session_id = ?", [(sid,) for sid in old])
            db.executemany("DELETE FROM sessions WHERE session_id = ?", [(sid,) for sid in old])
        return len(old)

    def latest_session(self, owner: str) -> str | None:
        """The session `owner` used last, if any."""
        row = self._db().execute(
            "SELECT session_id FROM sessions WHERE owner = ? ORDER BY updated_at DESC LIMIT 1", (owner,)
        ).fetchone()
        return row[0] if row else None

    def history(self, session_id: str) -> list[StoredMessage]:
        rows = self._db().execute(
            "SELECT role, content, meta FROM messages WHERE session_id = ? ORDER BY seq", (session_id,)
        ).fetchall()
        return [StoredMessage(role=r, content=c, meta=json.loads(m)) for r, c, m in rows]

    def append(self, session_id: str, *messages: StoredMessage) -> None:
        with self._connect() as db:
            (last,) = db.execute("SELECT COALESCE(MAX(seq), -1) FROM messages WHERE session_id = ?", (session_id,)).fetchone()
            db.executemany(
                "INSERT INTO messages (session_id, seq, role, content, meta, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (session_id, last + 1 + i, m.role, m.content, json.dumps(m.meta, ensure_ascii=False, default=str), time.time())
                    for i, m in enumerate(messages)
                ],
            )
            now = time.time()  # a session appended to without a claim belongs to no caller ("legacy")
            db.execute("INSERT OR IGNORE INTO sessions (session_id, owner, created_at, updated_at) VALUES (?, 'legacy', ?, ?)",
                       (session_id, now, now))
            db.execute("UPDATE sessions SET updated_at = ? WHERE session_id = ?", (now, session_id))

    def add_feedback(self, feedback: Feedback) -> FeedbackRow:
        row = FeedbackRow(id=uuid.uuid4().hex, created_at=time.time(), **feedback.model_dump())
        with self._connect() as db:
            db.execute(
                "INSERT INTO feedback (id, created_at, session_id, rating, comment, question, answer, citations, provider, channel)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row.id, row.created_at, row.session_id, row.rating, row.comment, row.question, row.answer,
                 json.dumps(row.citations), row.provider, row.channel),
            )
        return row

    def set_comment(self, feedback_id: str, comment: str) -> bool:
        """Attach the comment a user writes after rating; False when there is no such row."""
        with self._connect() as db:
            changed = db.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment[:4000], feedback_id)).rowcount
        return changed == 1

    def feedback(self) -> list[FeedbackRow]:
        rows = self._db().execute(
            "SELECT id, created_at, session_id, rating, comment, question, answer, citations, provider, channel"
            " FROM feedback ORDER BY created_at"
        ).fetchall()
        keys = ("id", "created_at", "session_id", "rating", "comment", "question", "answer", "citations", "provider", "channel")
        return [FeedbackRow(**{**dict(zip(keys, r)), "citations": json.loads(r[7])}) for r in rows]

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
