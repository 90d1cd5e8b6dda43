"""Eval cases: the YAML schema and a loader whose errors name the file, line and case id."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from assistant.kb.schema import Lang
from assistant.yaml_fast import SafeLoader, safe_load
from assistant.yaml_lines import line_of

CASE_SUFFIXES = (".yaml", ".yml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExpectedNumber(_Strict):
    """A figure the answer must state. `unit: percent` means `value` is in percent (0.68 = 0.68%)."""

    value: float
    rel_tol: float = Field(0.01, ge=0, le=1)
    unit: Literal["number", "percent"] = "number"

    @property
    def target(self) -> float:
        """The value compared against the answer's numbers; percentages as fractions."""
        return self.value / 100 if self.unit == "percent" else self.value


class Expect(_Strict):
    """What a good answer carries; every key is optional and each set key is one check."""

    lang: Lang | None = None
    cites_any: list[str] = Field(default_factory=list)
    cites_all: list[str] = Field(default_factory=list)
    tools_any: list[str] = Field(default_factory=list)
    tools_all: list[str] = Field(default_factory=list)
    numbers: list[ExpectedNumber] = Field(default_factory=list)
    includes_any: list[list[str]] = Field(default_factory=list)
    excludes: list[str] = Field(default_factory=list)
    refusal: bool | None = None
    verdict_any: list[str] = Field(default_factory=list)
    """At least one of these phrases is in the reply's lead (its first paragraph), not negated."""
    verdict_excludes: list[str] = Field(default_factory=list)
    """None of these phrases is affirmed in the reply's lead."""
    max_chars: int | None = Field(None, ge=1)
    """The reply (`Answer.answer`, details excluded) is at most this many characters."""
    cites_none: bool | list[str] | None = None
    """True: the answer cites nothing (a greeting, thanks); a list of ids: it cites none of them
    (a LIVE question must not cite short-video-only entries)."""
    act: str | None = None
    """The act the engine read (`Answer.act`)."""

    def kinds(self) -> list[str]:
        """The check kinds this expectation sets, in declaration order."""
        return [name for name in type(self).model_fields if getattr(self, name) not in (None, [])]


class Case(_Strict):
    """One question (or conversation) and what a good final answer carries."""

    id: str = Field(min_length=1)
    category: str = Field("general", min_length=1)
    question: str | None = Field(None, min_length=1)
    turns: list[str] | None = Field(None, min_length=1)
    expect: Expect = Field(default_factory=Expect)
    _file: Path = PrivateAttr(Path("<memory>"))

    @model_validator(mode="after")
    def _one_prompt(self) -> Case:
        if (self.question is None) == (self.turns is None):
            raise ValueError("give exactly one of 'question' or 'turns'")
        if self.turns is not None and any(not t.strip() for t in self.turns):
            raise ValueError("'turns' must not contain empty messages")
        return self

    @property
    def file(self) -> Path:
        """The file the case came from (set by the loader)."""
        return self._file

    @property
    def messages(self) -> list[str]:
        """The user messages in order; the answer to the last one is scored."""
        return self.turns if self.turns is not None else [self.question or ""]


class CaseError(ValueError):
    """One or more case files are invalid; `problems` holds one `file:line: reason` per issue."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("invalid eval cases:\n" + "\n".join(f"  {p}" for p in self.problems))


def case_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to their YAML files (recursively, sorted); files are kept as given."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in CASE_SUFFIXES and p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise CaseError([f"{path}: no such file or folder"])
    return list(dict.fromkeys(found))


def load_cases(paths: Iterable[Path]) -> list[Case]:
    """Every case in `paths` (files or folders); raise `CaseError` listing every problem found."""
    files = case_files(paths)
    if not files:
        raise CaseError(["no case files found"])
    cases: list[Case] = []
    problems: list[str] = []
    for path in files:
        file_cases, file_problems = _load_file(path)
        cases.extend(file_cases)
        problems.extend(file_problems)
    seen: dict[str, Case] = {}
    for case in cases:
        if case.id in seen:
            problems.append(f"{case.file}: case '{case.id}': duplicate id (also in {seen[case.id].file})")
        seen.setdefault(case.id, case)
    if problems:
        raise CaseError(problems)
    return cases


def _display(path: Path) -> Path:
    """The path relative to the working directory when it is below it."""
    path = path.absolute()
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def _load_file(path: Path) -> tuple[list[Case], list[str]]:
    path = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=SafeLoader)
        data = safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return [], [f"{path}:{line}: YAML syntax error: {exc.problem or exc.context}"]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [], [f"{path}: cannot read: {exc}"]
    if data is None:
        return [], []
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        return [], [f"{path}:1: expected a list of cases"]
    cases: list[Case] = []
    problems: list[str] = []
    for index, (item, item_node) in enumerate(zip(data, node.value, strict=True)):
        line = item_node.start_mark.line + 1
        label = _label(item, index)
        if not isinstance(item, dict):
            problems.append(f"{path}:{line}: {label}: expected a mapping")
            continue
        try:
            case = Case.model_validate(item)
        except ValidationError as exc:
            problems.extend(f"{path}:{line_of(item_node, err['loc'])}: {label}: {_describe(err)}" for err in exc.errors())
            continue
        case._file = path
        cases.append(case)
    return cases, problems


def _label(item: Any, index: int) -> str:
    case_id = item.get("id") if isinstance(item, dict) else None
    return f"case '{case_id}'" if isinstance(case_id, str) and case_id else f"case #{index + 1} (no id)"


def _describe(err: Any) -> str:
    where = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        return f"unknown key '{where}'"
    if err["type"] == "missing":
        return f"missing required key '{where}'"
    if not where:
        return str(err["msg"]).removeprefix("Value error, ")
    return f"{where}: {err['msg']}"
