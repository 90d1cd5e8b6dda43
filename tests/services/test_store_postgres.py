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
    assert sum("empty -> 0004" in out for out in outputs) >= 1, outputs
    store = Store(url)
    assert current_revision(store.engine) == "0004"
    assert subprocess.run([TK, "db", "upgrade"], env=env, capture_output=True, text=True).stdout.strip() == "database schema: up to date (0004)"


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


@pytest.fixture
def hung(postgres: Postgres):
    """`hang()` stops every PostgreSQL process (SIGSTOP: connections stay open, nothing answers);
    the server is continued after the test whatever happens."""
    import signal

    def hang() -> None:
        postgres.signal_all(signal.SIGSTOP)

    try:
        yield hang
    finally:
        postgres.signal_all(signal.SIGCONT)


def test_a_hung_postgres_fails_each_call_within_seconds_then_recovers(postgres: Postgres, hung) -> None:
    import time

    store = Store(_fresh_database(postgres))
    store.add_feedback(Feedback(rating=1, question="before", answer="a"))  # a pooled connection, used once
    hung()
    timings = []
    for call in (lambda: store.add_feedback(Feedback(rating=1, question="during", answer="a")), lambda: store.history("s"),
                 store.ping):
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            call()
        timings.append(time.monotonic() - started)
    print(f"hung PostgreSQL: calls failed after {', '.join(f'{t:.1f}' for t in timings)} s")
    assert max(timings) < 12, timings  # a new connection: connect_timeout 3 s; a pooled one: 5 s deadline
    import signal

    postgres.signal_all(signal.SIGCONT)
    store.add_feedback(Feedback(rating=1, question="after", answer="a"))
    assert [row.question for row in store.feedback()] == ["before", "after"], "the cut transaction left nothing"


def test_a_held_lock_fails_a_write_within_the_lock_timeout(postgres: Postgres) -> None:
    import time

    url = _fresh_database(postgres)
    store = Store(url)
    holder = create_engine(database_url(url))
    with holder.connect() as db:
        db.execute(text("LOCK TABLE feedback IN ACCESS EXCLUSIVE MODE"))
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            store.add_feedback(Feedback(rating=1, question="q", answer="a"))
        waited = time.monotonic() - started
        db.rollback()
    holder.dispose()
    assert waited < 8, waited
    assert store.add_feedback(Feedback(rating=1, question="q", answer="a")).id


def test_nul_and_lone_surrogates_in_any_field_are_stored_on_postgres(postgres: Postgres) -> None:
    """PostgreSQL's text refuses NUL: a feedback, a `user`/X-Session-Id or a Slack event id with one was a 500."""
    store = Store(_fresh_database(postgres))
    store.add_feedback(Feedback(rating=1, question="q\x00", answer="a\udfff", comment="c\x00", citations=["id\x00"]))
    assert store.feedback()[0].question == "q" and store.feedback()[0].citations == ["id"]
    assert store.claim("openai:a\x00b", "key:k") and store.claim("openai:a\x00b", "key:k")
    store.append("openai:a\x00b", StoredMessage(role="user", content="x\x00"), owner="key:k")
    assert store.history("openai:a\x00b")[0].content == "x"
    assert store.first_event("slack:Ev\x00", ttl=60) and not store.first_event("slack:Ev\x00", ttl=60)
    store.export_feedback("jsonl").encode("utf-8")
