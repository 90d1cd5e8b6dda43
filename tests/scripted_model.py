"""A scripted model for the LLM path: the cases of tests/data/scripted_model.yaml as queues of
OpenAI-protocol replies (tool calls, then the final draft) for tests/openai_stub.py, and the bad
drafts derived from them. Used by tests/test_llm_suite.py and benchmarks/llm_path.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openai_stub import Reply

CASES_FILE = Path(__file__).parent / "data" / "scripted_model.yaml"


@dataclass(frozen=True)
class Turn:
    ask: str
    rounds: list[list[tuple[str, dict[str, Any]]]]
    reply: str

    @property
    def lang(self) -> str:
        return "zh" if any("\u4e00" <= c <= "\u9fff" for c in self.ask) else "en"

    def tool_rounds(self) -> list[Reply]:
        return [Reply(tool_calls=[(name, json.dumps(args, ensure_ascii=False)) for name, args in calls]) for calls in self.rounds]

    def script(self, draft: str | None = None) -> list[Reply]:
        """The tool rounds, then `draft` (the good reply by default)."""
        return [*self.tool_rounds(), Reply(content=self.reply if draft is None else draft)]


@dataclass(frozen=True)
class Bad:
    """A wrong final draft of a case's last turn and the figure that makes it wrong."""

    case: str
    draft: str
    figure: str
    kind: str = "invented"


@dataclass(frozen=True)
class Case:
    id: str
    act: str
    turns: list[Turn]
    bad: list[Bad] = field(default_factory=list)

    @property
    def earlier(self) -> list[Turn]:
        return self.turns[:-1]

    @property
    def last(self) -> Turn:
        return self.turns[-1]


def load_cases(path: Path = CASES_FILE) -> list[Case]:
    cases = []
    for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
        turns = [Turn(t["ask"], [[(name, args) for name, args in calls] for calls in t["rounds"]], t["reply"].strip())
                 for t in raw["turns"]]  # fmt: skip
        bad = [Bad(raw["id"], b["draft"], b["figure"], b.get("kind", "invented")) for b in raw.get("bad", [])]
        cases.append(Case(raw["id"], raw["act"], turns, bad))
    return cases


def invented(case: Case, n: int) -> Bad:
    """The good last reply with one sentence carrying a figure no source gives (different per case)."""
    amount = 7000 + 37 * n
    if case.last.lang == "zh":
        figure = f"{amount:,}美元"
        sentence = f"下个月大约还能多卖{figure}。"
    else:
        figure = f"${amount:,}"
        sentence = f"That should add about {figure} next month."
    first, _, rest = case.last.reply.partition("\n")
    return Bad(case.id, f"{first} {sentence}\n{rest}".strip(), figure)


def bad_drafts(cases: list[Case]) -> Iterator[Bad]:
    """An invented figure in every case, then the hand-written wrong drafts."""
    for n, case in enumerate(cases):
        yield invented(case, n)
    for case in cases:
        yield from case.bad


def llm_advisor(base_url: str, retriever: Any, data_dir: Path, timeout: float = 0.5) -> Any:
    """An Advisor whose model is the stub at `base_url`, through ChatOpenAI and the real `openai` client
    (`timeout` seconds a request, one retry)."""
    from assistant.advisor import Advisor
    from assistant.config import Settings
    from assistant.engine.llm import build_llm
    from assistant.store import Store

    settings = Settings.from_env(environ={}, data_dir=data_dir, llm_base_url=base_url, llm_model="stub-model",
                                 llm_timeout=timeout, llm_max_retries=1)  # fmt: skip
    return Advisor(settings, retriever, Store(settings.sqlite_path), build_llm(settings))
