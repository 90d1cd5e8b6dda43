"""The knowledge as loaded (`loader.stored_entries`) and the positions' sentences as encoded
(`encoding.encode_stored`) are kept in the user's cache: a start reads them back instead of parsing
or encoding again, gets exactly what that gives, and never a stale or broken copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.kb.encoding import encode, encode_stored
from assistant.kb.loader import KnowledgeBase, load_entries, stored_entries
from assistant.kb.positions import Positions

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def knowledge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return Path(shutil.copytree(ROOT / "knowledge", tmp_path / "knowledge"))


def stored(cache: Path) -> list[Path]:
    return sorted((cache / "tk-advisor").glob("knowledge-*.pickle"))


def test_the_stored_knowledge_is_what_parsing_gives_and_follows_every_edit(knowledge: Path, tmp_path: Path) -> None:
    parsed = load_entries(knowledge)
    assert stored_entries(knowledge) == parsed and len(stored(tmp_path / "cache")) == 1
    assert stored_entries(knowledge) == parsed  # read back
    assert [e.id for e in KnowledgeBase.from_dir(knowledge)] == [e.id for e in parsed.entries]

    claim = next((knowledge / "claims").glob("*.yaml"))
    claim.write_text(claim.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    (knowledge / "claims" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    edited = load_entries(knowledge)
    assert edited.errors and stored_entries(knowledge) == edited
    assert len(stored(tmp_path / "cache")) == 1, "the copy of the knowledge before the edit was kept"


def test_a_broken_copy_is_parsed_again_and_rewritten(knowledge: Path, tmp_path: Path) -> None:
    parsed = stored_entries(knowledge)
    (path,) = stored(tmp_path / "cache")
    for content in (b"not a pickle", b"\x80\x05N."):  # garbage, then a pickle of None
        path.write_bytes(content)
        assert stored_entries(knowledge) == parsed
        assert stored(tmp_path / "cache") == [path] and path.read_bytes() != content


def test_the_positions_sentences_are_encoded_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    texts = [e for p in Positions.load(ROOT / "knowledge" / "positions").items for e in p.examples.all()][:40]
    expected = encode(texts)
    assert np.array_equal(encode_stored("positions", texts), expected)
    (path,) = (tmp_path / "tk-advisor").glob("positions-vectors-*.npy")
    monkeypatch.setattr("assistant.kb.encoding.encode", lambda texts: pytest.fail("encoded again"))
    assert np.array_equal(encode_stored("positions", texts), expected)
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path.write_bytes(b"garbage")
    assert np.array_equal(encode_stored("positions", texts), expected) and np.array_equal(np.load(path), expected)
