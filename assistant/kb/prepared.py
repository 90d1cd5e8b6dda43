"""Files a fresh process reads instead of rebuilding what every start would otherwise rebuild: the
encoder's tokenizer and weights in a form that loads fast and jieba's dictionary as a table (derived
from installed packages: kept in the user's cache, shared by every checkout), and the knowledge's BM25
tokens (kept in the data directory). Each file is named by a key of everything it is derived from, so
a changed input gets a new file (the old one is removed) and a stale file is never read."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Files derived from installed packages: `$XDG_CACHE_HOME/tk-advisor` (`~/.cache/tk-advisor`)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tk-advisor"


def prepared_dir(data_dir: Path) -> Path:
    """Files derived from the knowledge, beside the index in the data directory (TK_DATA_DIR)."""
    return data_dir / "prepared"


def key_of(parts: Iterable[str | bytes]) -> str:
    """A short hash of `parts`, in order: the name of a file derived from them."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:20]


def file_key(path: Path, version: str) -> str:
    """An installed package file's identity for a key: its package's version, name and size."""
    return f"{version}:{path.name}:{path.stat().st_size}"


def derived(directory: Path | None, name: str, key: str, suffix: str, write: Callable[[Path], None]) -> Path | None:
    """`directory/name-key.suffix`, written by `write(path)` into a temporary name and renamed when it
    is missing (so a reader never sees half a file); files of other keys for `name` are removed.
    None when there is no directory or it cannot be written: the caller builds in memory."""
    if directory is None:
        return None
    path = directory / f"{name}-{key}{suffix}"
    if path.exists():
        return path
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write(partial)
        os.replace(partial, path)
    except OSError as exc:
        log.warning("prepared: could not write %s (%s); building it in memory", path, exc)
        partial.unlink(missing_ok=True)
        return None
    for old in directory.glob(f"{name}-*{suffix}"):
        if old != path:
            old.unlink(missing_ok=True)
    return path
