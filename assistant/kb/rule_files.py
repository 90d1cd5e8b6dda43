"""Rule clauses beside the notes they belong to: `knowledge/rules/<entry-id>.yaml`, a list of clauses.

Each clause states the action it governs in the terms of the AI-actions lexicon and carries its own
examples (a corpus beside each rule). Loading checks the schema, the entry the file belongs to,
unique clause ids and that every concept and qualifier a clause names exists in the lexicon.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError

from assistant.kb.schema import Clause, Entry

RULES_DIR = "rules"

_CLAUSES = TypeAdapter(list[Clause])


def is_rule_file(path: Path, root: Path) -> bool:
    return path.is_relative_to(root / RULES_DIR)


def _unknown_terms(clause: Clause) -> list[str]:
    """Names in `governs` that the lexicon does not define."""
    from assistant.engine.ai_actions import DERIVED_QUALIFIERS, lexicon

    lex = lexicon()
    governs = clause.governs
    unknown = [f"action '{a}'" for a in governs.actions if a not in lex.concepts]
    known = set(lex.qualifiers) | DERIVED_QUALIFIERS
    unknown += [f"qualifier '{q}'" for q in (*governs.when, *governs.depends_on, *governs.unless) if q not in known]
    return unknown


def attach_rules(root: Path, entries: Sequence[Entry]) -> tuple[list[Entry], list]:
    """`entries` with the clauses of their rule files, and the problems found (as `LoadError`s)."""
    from assistant.kb.loader import LoadError, _describe, _display, _duplicate_keys, _Loader
    from assistant.yaml_lines import line_of

    by_id = {e.id: e for e in entries}
    errors: list[LoadError] = []
    clauses: dict[str, list[Clause]] = {}
    seen: dict[str, Path] = {}
    for path in sorted((root / RULES_DIR).rglob("*.yaml")):
        shown = _display(path)
        try:
            loader = _Loader(path.read_text(encoding="utf-8"))
            try:
                node = loader.get_single_node()
                data = loader.construct_document(node) if node is not None else None
            finally:
                loader.dispose()
        except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
            mark = getattr(exc, "problem_mark", None)
            errors.append(LoadError(shown, mark.line + 1 if mark else 1, f"cannot read rules: {exc}"))
            continue
        errors += [LoadError(shown, line, f"duplicate key '{name}'") for name, line in _duplicate_keys(node)]
        if path.stem not in by_id:
            errors.append(LoadError(shown, 1, f"rules for unknown entry '{path.stem}' (name the file after its entry)"))
            continue
        try:
            parsed = _CLAUSES.validate_python(data)
        except ValidationError as exc:
            errors += [LoadError(shown, line_of(node, err["loc"]), _describe(err)) for err in exc.errors()]
            continue
        for i, clause in enumerate(parsed):
            problems = _unknown_terms(clause)
            if clause.id in seen:
                problems.append(f"clause id '{clause.id}' is used twice (also in {seen[clause.id]})")
            seen.setdefault(clause.id, shown)
            errors += [LoadError(shown, line_of(node, [i, "governs"]), f"clause '{clause.id}': {p}") for p in problems]
        clauses[path.stem] = parsed
    return [e.model_copy(update={"rules": clauses[e.id]}) if e.id in clauses else e for e in entries], errors
