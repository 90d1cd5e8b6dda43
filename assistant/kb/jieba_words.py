"""jieba's dictionary, either whole in memory (jieba's own way: about 0.5 s to load its 580,000 words
and prefixes) or as a prepared SQLite table that jieba reads word by word (a query needs a few
hundred look-ups). jieba cuts with the same code on the same words and counts either way; the table
serves a fresh process that only cuts a few queries, the whole dictionary one that cuts documents."""

from __future__ import annotations

import sqlite3
import sys
import threading
from pathlib import Path
from types import ModuleType

from assistant.kb.prepared import cache_dir, derived, file_key, key_of


def _import_jieba() -> ModuleType:
    """jieba, imported without `pkg_resources`, which it uses only to open its own dictionary file and
    opens by path when it is missing (jieba._compat): importing `pkg_resources` scans every installed
    distribution, about 0.15 s of CPU at every start."""
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # `import pkg_resources` raises ImportError
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    return jieba


jieba = _import_jieba()

_DICTIONARY = Path(jieba.__file__).resolve().parent / jieba.DEFAULT_DICT_NAME


class StoredWords:
    """jieba's `FREQ` mapping (word or prefix → count, 0 for a prefix only), read from the table;
    words added at run time (`jieba.add_word`) are kept in memory on top of it."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self.total: int = self._db.execute("SELECT total FROM meta").fetchone()[0]
        """The dictionary's total count (jieba's `total` before any word is added)."""
        self.added: dict[str, int] = {}

    def get(self, word: str, default: int | None = None) -> int | None:
        if word in self.added:
            return self.added[word]
        with self._lock:
            row = self._db.execute("SELECT n FROM words WHERE word = ?", (word,)).fetchone()
        return default if row is None else row[0]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __getitem__(self, word: str) -> int:
        count = self.get(word)
        if count is None:
            raise KeyError(word)
        return count

    def __setitem__(self, word: str, count: int) -> None:
        self.added[word] = count


def _write_table(path: Path) -> None:
    freq, total = jieba.Tokenizer.gen_pfdict(jieba.dt.get_dict_file())  # what jieba loads, from its own file
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE words (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
        db.execute("CREATE TABLE meta (total INTEGER NOT NULL)")
        db.executemany("INSERT INTO words VALUES (?, ?)", freq.items())
        db.execute("INSERT INTO meta VALUES (?)", (total,))
    db.close()


def words_table() -> Path | None:
    """The prepared table of jieba's default dictionary, in the user's cache (written the first time:
    a few seconds); None when it cannot be written."""
    return derived(cache_dir(), "jieba-words", key_of([file_key(_DICTIONARY, jieba.__version__)]), ".sqlite3", _write_table)


def read_words_from_table(tokenizer: jieba.Tokenizer | None = None) -> None:
    """Unless `tokenizer` (jieba's default one) has loaded a dictionary already, make it read the
    prepared table (its whole dictionary when the table cannot be written)."""
    tokenizer = tokenizer or jieba.dt
    with tokenizer.lock:
        if tokenizer.initialized:
            return
        path = words_table()
        if path is None:
            tokenizer.initialize()
            return
        tokenizer.FREQ = StoredWords(path)
        tokenizer.total = tokenizer.FREQ.total
        tokenizer.initialized = True


def read_whole_dictionary(tokenizer: jieba.Tokenizer | None = None) -> None:
    """Make `tokenizer` (jieba's default one) hold its whole dictionary in memory (to cut many
    documents), keeping the words added to it so far."""
    tokenizer = tokenizer or jieba.dt
    with tokenizer.lock:
        stored = tokenizer.FREQ
        if not isinstance(stored, StoredWords):
            tokenizer.check_initialized()
            return
        added_total = tokenizer.total - stored.total
        tokenizer.initialized = False
        tokenizer.initialize()
        tokenizer.FREQ.update(stored.added)
        tokenizer.total += added_total
