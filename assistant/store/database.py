"""The store's database: a SQLite file by default, PostgreSQL with `TK_DATABASE_URL`; its schema
is brought up to date by Alembic (`tk-advisor db upgrade`, and on start when it is behind)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Engine, create_engine, event, make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

READ_ONLY = "tk_read_only"
"""Execution option of read connections: on SQLite they take no write lock."""


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
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_timeout=5, pool_pre_ping=True,
                         pool_recycle=1800, connect_args={"connect_timeout": 3})


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
