"""The knowledge index on a shared Chroma server (`TK_CHROMA_URL`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from servers import Chroma

from assistant.config import Settings
from assistant.kb.index import KnowledgeIndex
from assistant.kb.loader import KnowledgeBase

TK = str(Path(sys.executable).parent / "tk-advisor")


def test_instances_indexing_at_once_leave_one_complete_index(chroma: Chroma, tmp_path: Path) -> None:
    env = {**os.environ, "TK_CHROMA_URL": chroma.url}
    runs = [subprocess.Popen([TK, "index"], env={**env, "TK_DATA_DIR": str(tmp_path / str(i))}, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True) for i in range(2)]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    settings = Settings.from_env(environ={"TK_CHROMA_URL": chroma.url}, data_dir=tmp_path / "reader")
    kb = KnowledgeBase.from_dir(settings.knowledge_dir)
    index = KnowledgeIndex(settings)
    assert index.serves(kb) and index.count() == len(kb)
    assert not (tmp_path / "reader" / "chroma").exists(), "nothing is kept locally with a Chroma server"
    again = subprocess.run([TK, "index"], env={**env, "TK_DATA_DIR": str(tmp_path / "0")}, capture_output=True, text=True)
    assert f"0 added, 0 updated, 0 removed, {len(kb)} unchanged" in again.stdout


def test_an_old_release_restarting_during_an_upgrade_leaves_the_new_knowledge_alone(chroma: Chroma, tmp_path: Path) -> None:
    """One collection per knowledge version: the old release re-syncing its knowledge (its instance
    restarted mid-upgrade) no longer rewrote the collection the new release reads."""
    from factories import make_entry

    settings = Settings.from_env(environ={"TK_CHROMA_URL": chroma.url}, data_dir=tmp_path)
    old = KnowledgeBase([make_entry("gpm-basis"), make_entry("fee", topics=["cost"])])
    new = KnowledgeBase([make_entry("gpm-basis", markets=["SEA"]), make_entry("fee", topics=["cost"])])
    KnowledgeIndex(settings).sync(old)
    upgraded = KnowledgeIndex(settings)
    report = upgraded.sync(new)
    assert (report.updated, report.unchanged) == (["gpm-basis"], 1), "the unchanged entry's vector was reused"
    KnowledgeIndex(settings).sync(old)  # an old instance restarts
    assert upgraded.serves(new) and KnowledgeIndex(settings).serves(old)
    assert upgraded.collection.get(ids=["gpm-basis"])["metadatas"][0]["markets"] == "SEA"
