"""Load knowledge YAML files into `Entry` objects, with `file:line: reason` errors."""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic
import yaml
from pydantic import ValidationError

from assistant.kb.prepared import cache_dir, derived, key_of
from assistant.kb.rule_files import attach_rules, is_rule_file
from assistant.kb.schema import Entry
from assistant.yaml_fast import SafeLoader
from assistant.yaml_lines import line_of

log = logging.getLogger(__name__)

LINK_FIELDS = ("supports", "contradicted_by")


@dataclass(frozen=True)
class LoadError:
    """One problem in one knowledge file; renders as `file:line: reason`."""

    file: Path
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class LoadResult:
    entries: list[Entry]
    errors: list[LoadError]

    @property
    def ok(self) -> bool:
        return not self.errors


class _Loader(SafeLoader):
    """SafeLoader (libyaml's when PyYAML has it) that keeps an impossible date (2026-13-45) as text so
    the schema reports it."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return node.value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


@dataclass
class _Parsed:
    """A file that parsed as YAML: its data, its node tree (for line numbers) and entry if valid."""

    path: Path
    data: Any
    node: yaml.Node | None
    entry: Entry | None = None
    errors: list[LoadError] = field(default_factory=list)

    def line_of(self, loc: Sequence[str | int]) -> int:
        return line_of(self.node, loc)

    def error(self, loc: Sequence[str | int], reason: str) -> None:
        self.errors.append(LoadError(self.path, self.line_of(loc), reason))


def _duplicate_keys(node: yaml.Node | None, path: tuple[str, ...] = ()) -> Iterator[tuple[str, int]]:
    """Keys that appear twice in one mapping (YAML would silently keep the last)."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = ".".join((*path, str(key.value)))
            if key.value in seen:
                yield name, key.start_mark.line + 1
            seen.add(key.value)
            yield from _duplicate_keys(value, (*path, str(key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(item, path)


def _describe(err: Any) -> str:
    """A short, readable reason for one pydantic error."""
    where = ".".join(str(p) for p in err["loc"])
    if err["type"] == "missing":
        return f"missing required field '{where}'"
    if err["type"] == "extra_forbidden":
        return f"unknown key '{where}'"
    got = err.get("input")
    shown = f" (got {got!r})" if isinstance(got, str | int | float) and len(repr(got)) <= 60 else ""
    return f"{where}: {err['msg']}{shown}"


def _display(path: Path) -> Path:
    """The path relative to the working directory when it is below it, else absolute."""
    path = path.absolute()
    cwd = Path.cwd()
    return path.relative_to(cwd) if path.is_relative_to(cwd) else path


def _parse(path: Path) -> _Parsed:
    shown = _display(path)
    parsed = _Parsed(shown, None, None)
    try:
        loader = _Loader(path.read_text(encoding="utf-8"))
        try:
            parsed.node = loader.get_single_node()
            parsed.data = loader.construct_document(parsed.node) if parsed.node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        parsed.errors.append(LoadError(shown, line, f"YAML syntax error: {exc.problem or exc.context}"))
        return parsed
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        parsed.errors.append(LoadError(shown, 1, f"cannot read: {exc}"))
        return parsed

    if not isinstance(parsed.data, dict):
        parsed.error((), "expected one mapping (an entry) per file")
        return parsed
    for name, line in _duplicate_keys(parsed.node):
        parsed.errors.append(LoadError(shown, line, f"duplicate key '{name}'"))
    try:
        entry = Entry.model_validate(parsed.data)
    except ValidationError as exc:
        for err in exc.errors():
            parsed.error(err["loc"], _describe(err))
        return parsed
    if entry.id != path.stem:
        parsed.error(("id",), f"id '{entry.id}' does not match file name '{path.name}'")
    if not parsed.errors:
        parsed.entry = entry
        _check_leads(parsed, entry)
    return parsed


def _check_leads(parsed: _Parsed, entry: Entry) -> None:
    """A sentence a reply quotes whole (`engine/leads.py`) over its length is an error; the entry still loads."""
    from assistant.engine.leads import overlong_leads

    for field_name, lang, problem in overlong_leads(entry):
        parsed.error((field_name, lang), f"{entry.id}: {field_name}.{lang}: {problem}; replies quote it whole, "
                                         "so split it and put the point (verdict, retraction, condition) first")


def _check_ids_and_links(files: list[_Parsed]) -> None:
    """Duplicate ids (both files), dangling links and one-directional contradictions."""
    by_id: dict[str, list[_Parsed]] = {}
    for f in files:
        declared = f.data.get("id") if isinstance(f.data, dict) else None
        if isinstance(declared, str):
            by_id.setdefault(declared, []).append(f)
    for entry_id, owners in by_id.items():
        if len(owners) > 1:
            for f in owners:
                others = ", ".join(str(o.path) for o in owners if o is not f)
                f.error(("id",), f"duplicate id '{entry_id}' (also in {others})")
                f.entry = None

    valid = {f.entry.id: f.entry for f in files if f.entry is not None}
    for f in files:
        if f.entry is None:
            continue
        for link_field in LINK_FIELDS:
            for i, target in enumerate(getattr(f.entry, link_field)):
                if target == f.entry.id:
                    f.error((link_field, i), f"{link_field} links the entry to itself")
                elif target not in by_id:
                    f.error((link_field, i), f"{link_field}: unknown id '{target}'")
                elif link_field == "contradicted_by" and target in valid and f.entry.id not in valid[target].contradicted_by:
                    f.error(
                        (link_field, i),
                        f"contradicted_by '{target}' is one-directional: add '{f.entry.id}' to {target}'s contradicted_by",
                    )


def load_entries(knowledge_dir: Path) -> LoadResult:
    """Load every `**/*.yaml` under `knowledge_dir` (the rule clauses of `rules/` join their entries);
    a bad file is reported, never fatal.

    Files with YAML, schema, file-name or duplicate-id errors are left out of `entries`;
    link errors (dangling or one-directional) are reported but keep the entry; a bad rule file
    leaves its entry without clauses.
    """
    root = Path(knowledge_dir)
    positions = root / POSITIONS_DIR
    files = [_parse(path) for path in sorted(root.rglob("*.yaml")) if not is_rule_file(path, root) and positions not in path.parents]
    _check_ids_and_links(files)
    entries, rule_errors = attach_rules(root, [f.entry for f in files if f.entry is not None])
    errors = [*(e for f in files for e in f.errors), *rule_errors, *_position_errors(positions, {e.id for e in entries})]
    return LoadResult(entries, sorted(errors, key=lambda e: (str(e.file), e.line)))


POSITIONS_DIR = "positions"
"""Under the knowledge dir: the positions (stances, corrections) that rest on entries (`kb/positions.py`)."""


def _position_errors(directory: Path, entry_ids: set[str]) -> list[LoadError]:
    """Unreadable position files and positions resting on entries that do not exist."""
    from assistant.kb.positions import Positions

    try:
        problems = Positions.load(directory).problems(entry_ids)
    except (yaml.YAMLError, ValidationError, TypeError) as exc:
        return [LoadError(directory, 1, f"positions: {str(exc).splitlines()[0]}")]
    return [LoadError(directory, 1, problem) for problem in problems]


def stored_entries(knowledge_dir: Path) -> LoadResult:
    """`load_entries`, kept in the user's cache under a key of every knowledge file and of the code
    that reads them (parsing and validating every file took ~0.1 s of each start)."""
    root = Path(knowledge_dir)
    code = [*sorted(Path(__file__).parent.glob("*.py")), *sorted(Path(__file__).parent.parent.glob("*.py"))]
    files = sorted(root.rglob("*.yaml"))
    key = key_of([str(root.resolve()), str(root), pydantic.VERSION, yaml.__version__, *(p.read_bytes() for p in code),
                  *(part for p in files for part in (str(p.relative_to(root)), p.read_bytes()))])
    path = cache_dir() / f"knowledge-{key}.pickle"
    try:
        with path.open("rb") as stored:
            result = pickle.load(stored)  # noqa: S301 - our own file, written below
        if not isinstance(result, LoadResult):
            raise TypeError(f"holds a {type(result).__name__}")
        return result
    except FileNotFoundError:
        pass
    except Exception as exc:  # any unpickling failure: the file is rewritten
        log.warning("knowledge: %s could not be read (%s); loading the files", path, exc)
        path.unlink(missing_ok=True)
    result = load_entries(knowledge_dir)
    derived(cache_dir(), "knowledge", key, ".pickle", lambda out: out.write_bytes(pickle.dumps(result, pickle.HIGHEST_PROTOCOL)))
    return result


class KnowledgeBase:
    """The valid entries by id, with the load errors kept for reporting."""

    def __init__(self, entries: Sequence[Entry], errors: Sequence[LoadError] = ()) -> None:
        self._entries = {entry.id: entry for entry in entries}
        self.errors: tuple[LoadError, ...] = tuple(errors)
        self._conflicts: dict[str, set[str]] = {entry_id: set() for entry_id in self._entries}
        for entry in entries:
            for other in entry.contradicted_by:
                if other in self._entries and other != entry.id:
                    self._conflicts[entry.id].add(other)
                    self._conflicts[other].add(entry.id)

    @classmethod
    def from_dir(cls, knowledge_dir: Path) -> KnowledgeBase:
        result = stored_entries(knowledge_dir)
        return cls(result.entries, result.errors)

    def get(self, entry_id: str) -> Entry | None:
        return self._entries.get(entry_id)

    def __getitem__(self, entry_id: str) -> Entry:
        return self._entries[entry_id]

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._entries

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def ids(self) -> list[str]:
        return list(self._entries)

    def conflicts(self, entry_id: str) -> set[str]:
        """Ids that contradict `entry_id` or that it contradicts (links read both ways)."""
        return set(self._conflicts.get(entry_id, ()))
