"""The store's database: a SQLite file by default, PostgreSQL with `TK_DATABASE_URL`; its schema
is brought up to date by Alembic (`tk-advisor db upgrade`, and on start when it is behind)."""

from __future__ import annotations

import functools
import heapq
import itertools
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, Engine, create_engine, event, exc, make_url

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

READ_ONLY = "tk_read_only"
"""Execution option of read connections: on SQLite they take no write lock."""

CONNECT_SECONDS = 3
"""A new PostgreSQL connection is up within this, or fails (libpq's connect_timeout)."""
STATEMENT_SECONDS = 5.0
"""A transaction on PostgreSQL ends within this, or fails: the server's statement and lock timeouts
for a slow query or a held lock, and a client-side deadline for a server that does not answer at all
(stopped, or its host gone), which no server-side timeout can catch."""


class _Deadlines:
    """One thread that closes the socket of a database connection whose deadline passes: the query
    waiting on it fails at once ("server closed the connection"), instead of waiting for a server
    that is hung (psycopg has no client-side query timeout). The connection is then discarded."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Any]] = []
        self._armed: dict[int, bool] = {}
        self._ids = itertools.count()
        self._wake = threading.Condition()
        threading.Thread(target=self._run, name="db-deadlines", daemon=True).start()

    @contextmanager
    def bounded(self, dbapi_connection: Any, seconds: float) -> Iterator[dict[str, bool]]:
        """Within the block, `dbapi_connection` is cut when `seconds` pass; the yielded dict's
        `expired` tells whether it was."""
        token = next(self._ids)
        state = {"expired": False}
        with self._wake:
            self._armed[token] = False
            heapq.heappush(self._heap, (time.monotonic() + seconds, token, (dbapi_connection, state)))
            self._wake.notify()
        try:
            yield state
        finally:
            with self._wake:
                self._armed.pop(token, None)

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    self._wake.wait(self._heap[0][0] - time.monotonic() if self._heap else None)
                _, token, (connection, state) = heapq.heappop(self._heap)
                if token not in self._armed:
                    continue
                state["expired"] = True
            _cut(connection)


def _cut(dbapi_connection: Any) -> None:
    try:
        with socket.socket(fileno=os.dup(dbapi_connection.fileno())) as sock:
            sock.shutdown(socket.SHUT_RDWR)
        log.warning("database: no answer within %g s; connection closed", STATEMENT_SECONDS)
    except (OSError, ValueError, AttributeError):  # already closed
        pass


_deadlines: _Deadlines | None = None
_deadlines_lock = threading.Lock()


def deadlines() -> _Deadlines:
    global _deadlines
    with _deadlines_lock:
        if _deadlines is None:
            _deadlines = _Deadlines()
        return _deadlines


@contextmanager
def bounded(connection: Connection, seconds: float = STATEMENT_SECONDS) -> Iterator[None]:
    """The statements of the block run within `seconds` on PostgreSQL, or fail; SQLite is local."""
    if connection.dialect.name != "postgresql":
        yield
        return
    with deadlines().bounded(connection.connection.dbapi_connection, seconds):
        yield


def database_url(target: str | Path) -> URL:
    """A SQLAlchemy URL: a path is a SQLite file; `postgres(ql)://` uses the psycopg 3 driver."""
    if isinstance(target, Path):
        return URL.create("sqlite", database=str(target.resolve()))
    url = make_url(target)
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def open_engine(target: str | Path, *, pool_size: int = 5) -> Engine:
    """An engine whose requests fail within seconds, never hang, when the database is down, and
    that reconnects by itself when it is back (connections are checked before use). It keeps
    `pool_size` connections to a server and opens as many again under load."""
    url = database_url(target)
    if url.get_backend_name() == "sqlite":
        Path(url.database or "").parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               pool_size=pool_size, max_overflow=4 * pool_size)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    options = (f"-c statement_timeout={int(STATEMENT_SECONDS * 1000)} -c lock_timeout={int(STATEMENT_SECONDS * 1000)}"
               " -c idle_in_transaction_session_timeout=60000")
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_timeout=5, pool_recycle=1800,
                           connect_args={"connect_timeout": CONNECT_SECONDS, "options": options})
    event.listen(engine, "checkout", _ping_within_deadline)
    return engine


def _ping_within_deadline(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """SQLAlchemy's pre-ping, bounded: a connection the server closed (a restart) is replaced, and
    a server that does not answer fails the checkout within `CONNECT_SECONDS`."""
    used = record.info.get("tk_used", False)  # `info` is emptied when a connection is replaced
    record.info["tk_used"] = True
    if not used:
        return
    with deadlines().bounded(dbapi_connection, CONNECT_SECONDS) as state:
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as error:
            if state["expired"]:
                raise exc.OperationalError("SELECT 1", {}, TimeoutError("the database did not answer")) from error
            raise exc.DisconnectionError() from error  # closed: the pool retries on a fresh connection


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """WAL (readers never wait for the writer); transactions are begun by `_sqlite_begin`."""
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def _sqlite_begin(connection: Any) -> None:
    """A write transaction takes the lock at its start (BEGIN IMMEDIATE), so two writers queue
    instead of failing on a lock upgrade; reads begin a plain snapshot."""
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


@functools.cache
def _alembic() -> tuple[Config, str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return config, head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Migrate the schema to the newest revision in one transaction (instances starting at once
    take turns); returns that revision."""
    config, head = _alembic()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, "head")
        finally:
            config.attributes.pop("connection", None)
    return head


def upgrade_if_behind(engine: Engine) -> None:
    if current_revision(engine) != _alembic()[1]:
        upgrade(engine)
