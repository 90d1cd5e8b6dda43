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
