"""The SQLite store: conversations and feedback survive restarts and concurrent writers."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.store import Feedback, Store, StoredMessage


def test_history_is_ordered_and_survives_a_new_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    sid = store.new_session_id()
    store.append(sid, StoredMessage(role="user", content="20万播放?"), StoredMessage(role="assistant", content="2,400", meta={"lang": "zh"}))
    store.append(sid, StoredMessage(role="user", content="那如果GPM是20呢?"))
    reopened = Store(tmp_path / "s.sqlite3")
    assert [(m.role, m.content) for m in reopened.history(sid)] == [
        ("user", "20万播放?"), ("assistant", "2,400"), ("user", "那如果GPM是20呢?")]
    assert reopened.history(sid)[1].meta == {"lang": "zh"}
    assert reopened.history("no-such-session") == []


def test_feedback_rating_then_comment_then_export(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    row = store.add_feedback(Feedback(rating=-1, question="q, with comma", answer="a\nb", citations=["x", "y"], channel="web"))
    assert store.set_comment(row.id, "数字不对") and not store.set_comment("missing", "x")
    [saved] = store.feedback()
    assert saved.comment == "数字不对" and saved.citations == ["x", "y"]
    assert json.loads(store.export_feedback("jsonl"))["comment"] == "数字不对"
    [exported] = list(csv.DictReader(io.StringIO(store.export_feedback("csv"))))
    assert exported["question"] == "q, with comma" and exported["answer"] == "a\nb" and exported["citations"] == "x y"


def test_rating_must_be_plus_or_minus_one() -> None:
    with pytest.raises(ValidationError):
        Feedback(rating=0, question="q", answer="a")


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")

    def write(i: int) -> None:
        store.add_feedback(Feedback(rating=1, question=f"q{i}", answer="a"))
        store.append(f"s{i % 4}", StoredMessage(role="user", content=str(i)))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(200)))
    assert len(store.feedback()) == 200
    assert sum(len(store.history(f"s{k}")) for k in range(4)) == 200


def test_reads_do_not_wait_for_a_writer(tmp_path: Path) -> None:
    """Another process (an answer worker) holding the write lock must not stall history or feedback reads."""
    store = Store(tmp_path / "s.sqlite3")
    sid = store.new_session_id()
    store.append(sid, StoredMessage(role="user", content="q"))
    writer = sqlite3.connect(tmp_path / "s.sqlite3", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO feedback (id, created_at, rating, question, answer) VALUES ('w', 0, 1, 'q', 'a')")
    try:
        with ThreadPoolExecutor(1) as reader:
            history = reader.submit(store.history, sid).result(timeout=5)
            feedback = reader.submit(store.feedback).result(timeout=5)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert [m.content for m in history] == ["q"] and feedback == []


def test_a_store_written_before_migrations_is_adopted(tmp_path: Path) -> None:
    """A SQLite file from before Alembic (messages only, no owners): opening it migrates in place,
    keeps every message and gives the old conversations the owner no caller is (`legacy`)."""
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE messages (session_id TEXT NOT NULL, seq INTEGER NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL,"
        " meta TEXT NOT NULL DEFAULT '{}', created_at REAL NOT NULL, PRIMARY KEY (session_id, seq));"
        "INSERT INTO messages VALUES ('old-1', 0, 'user', '20万播放?', '{}', 1.0), ('old-1', 1, 'assistant', '2,400', '{}', 2.0);"
    )
    old.commit()
    old.close()
    store = Store(path)
    assert [m.content for m in store.history("old-1")] == ["20万播放?", "2,400"]
    assert not store.claim("old-1", "ip:127.0.0.1"), "an unowned old conversation is nobody's to continue"
    (revision,) = sqlite3.connect(path).execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == "0004"


def test_an_owner_lists_renames_and_deletes_only_its_own_conversations(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    for sid, owner, question in (("a", "web:me", "First question"), ("b", "web:me", "Second question"), ("c", "web:other", "Theirs")):
        store.claim(sid, owner)
        store.append(sid, StoredMessage(role="user", content=question), StoredMessage(role="assistant", content="ok"))
    store.claim("empty", "web:me")  # a new chat with nothing in it is not listed
    assert [(s.session_id, s.title) for s in store.sessions("web:me")] == [("b", "Second question"), ("a", "First question")]
    assert store.rename_session("a", "web:me", "  Throttling  ") and not store.rename_session("c", "web:me", "mine now")
    assert [s.title for s in store.sessions("web:me")] == ["Second question", "Throttling"]
    assert [s.title for s in store.sessions("web:other")] == ["Theirs"]
    assert not store.delete_session("c", owner="web:me") and store.delete_session("a", owner="web:me")
    assert [s.session_id for s in store.sessions("web:me")] == ["b"]


def test_a_store_made_before_titles_gains_the_column(tmp_path: Path) -> None:
    """Migration 0002 adds `sessions.title` to a store whose sessions table predates it."""
    db = sqlite3.connect(tmp_path / "old.db")
    db.execute("CREATE TABLE sessions (session_id TEXT PRIMARY KEY, owner TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL)")
    db.execute("INSERT INTO sessions VALUES ('x', 'web:me', 1, 1)")
    db.commit()
    db.close()
    store = Store(tmp_path / "old.db")
    store.append("x", StoredMessage(role="user", content="Old question"))
    assert store.rename_session("x", "web:me", "Renamed") and store.sessions("web:me")[0].title == "Renamed"


def test_migration_0002_keeps_a_title_column_already_there(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "titled.db")
    db.execute("CREATE TABLE sessions (session_id TEXT PRIMARY KEY, owner TEXT NOT NULL, created_at REAL NOT NULL,"
               " updated_at REAL NOT NULL, title TEXT NOT NULL DEFAULT '')")
    db.commit()
    db.close()
    assert Store(tmp_path / "titled.db").sessions("web:me") == []


def test_no_text_with_lone_surrogates_or_nul_breaks_a_store_or_an_export(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    store.add_feedback(Feedback(rating=1, question="q\x00\udfff", answer="a", citations=["gpm\udfff", "x\x00y"], provider="p\ud800"))
    raw = sqlite3.connect(tmp_path / "s.sqlite3")  # a row written before the rule, by hand
    raw.execute("INSERT INTO feedback (id, created_at, rating, question, answer, citations) VALUES "
                "('old', 1, -1, 'q', 'a', '[\"\\udfff\"]')")
    raw.commit()
    raw.close()
    for fmt in ("jsonl", "csv"):
        exported = store.export_feedback(fmt)
        exported.encode("utf-8")  # what writing it to a file or a pipe needs
        assert "\x00" not in exported and "gpm" in exported
    assert sorted(r.citations for r in store.feedback()) == [[""], ["gpm", "xy"]]
    store.append("s\x00id", StoredMessage(role="user", content="hi\udfff\x00"), owner="web:x\x00")
    assert store.history("s\x00id")[0].content == "hi" and store.claim("s\x00id", "web:x")
