"""The store on a real PostgreSQL: the same behaviour as on SQLite, migrations, concurrency, outages."""

from __future__ import annotations

import concurrent.futures
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from servers import Postgres
from sqlalchemy import create_engine, text

from assistant.store import Feedback, Store, StoredMessage, StoreUnavailable
from assistant.store.database import current_revision, database_url

TK = str(Path(sys.executable).parent / "tk-advisor")


def _fresh_database(postgres: Postgres) -> str:
    """A new empty database on the shared server; its URL."""
    name = "t" + uuid.uuid4().hex[:12]
    admin = create_engine(database_url(postgres.url), isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return postgres.url.rsplit("/", 1)[0] + "/" + name


def test_the_store_behaves_the_same_on_postgres(postgres: Postgres) -> None:
    store = Store(_fresh_database(postgres))
    assert store.path is None and store.engine.dialect.name == "postgresql"
    assert store.claim("s1", "key:a") and store.claim("s1", "key:a") and not store.claim("s1", "key:b")
    store.append("s1", StoredMessage(role="user", content="我的视频20万播放"), StoredMessage(role="assistant", content="…", meta={"k": 1}))
    assert [m.content for m in store.history("s1")] == ["我的视频20万播放", "…"] and store.history("s1")[1].meta == {"k": 1}
    assert store.latest_session("key:a") == "s1"
    assert store.first_event("slack:Ev1", ttl=60) and not store.first_event("slack:Ev1", ttl=60)
    row = store.add_feedback(Feedback(rating=-1, question="q", answer="a", citations=["gpm-gap"]))
    assert store.set_comment(row.id, "=cmd") and store.feedback()[0].comment == "=cmd"
    assert "'=cmd" in store.export_feedback("csv")
    assert store.delete_session("s1", owner="key:b") is False and store.delete_session("s1", owner="key:a")
    assert store.history("s1") == []


def test_concurrent_appends_to_one_conversation_lose_nothing(postgres: Postgres) -> None:
    url = _fresh_database(postgres)
    stores = [Store(url), Store(url)]  # two instances

    def add(i: int) -> None:
        stores[i % 2].append("shared", StoredMessage(role="user", content=str(i)))

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(add, range(200)))
    contents = [m.content for m in stores[0].history("shared")]
    assert sorted(contents, key=int) == [str(i) for i in range(200)]


def test_upgrade_migrates_an_empty_database_once_even_when_started_together(postgres: Postgres) -> None:
    url = _fresh_database(postgres)
    env = {"TK_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    runs = [subprocess.Popen([TK, "db", "upgrade"], env=env, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0]
    assert sum("empty -> 0003" in out for out in outputs) >= 1, outputs
    store = Store(url)
    assert current_revision(store.engine) == "0003"
    assert subprocess.run([TK, "db", "upgrade"], env=env, capture_output=True, text=True).stdout.strip() == "database schema: up to date (0003)"


def test_a_stopped_database_gives_a_clear_error_fast_and_recovers(postgres: Postgres) -> None:
    store = Store(_fresh_database(postgres))
    store.ping()
    postgres.stop()
    try:
        with pytest.raises(StoreUnavailable, match="database is unavailable"):
            store.history("any")
        with pytest.raises(StoreUnavailable):
            store.ping()
    finally:
        postgres.start()
    store.ping()
    store.append("after", StoredMessage(role="user", content="back"))
    assert [m.content for m in store.history("after")] == ["back"]
