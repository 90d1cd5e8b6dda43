"""`tk-advisor calc`: run a calculator from the command line (registered by assistant.cli)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

_LABELS = {
    "zh": {"formula": "公式", "steps": "步骤", "assumptions": "默认值与假设", "stated": "假设"},
    "en": {"formula": "Formula", "steps": "Steps", "assumptions": "Defaults and assumptions", "stated": "assumed"},
}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "calc", help="run a calculator (GMV, costs, risk, budget...)",
        description="Run a calculator: tk-advisor calc gmv_from_views --json '{\"views\": \"20万\", \"gpm\": 12}'",
    )  # fmt: skip
    parser.add_argument("name", nargs="?", help="calculator name (see --list)")
    parser.add_argument("--json", dest="inputs", default="{}", metavar="JSON",
                        help="inputs as a JSON object; numbers may be text such as \"20万\", \"15%%\", \"$300\"")  # fmt: skip
    parser.add_argument("--lang", choices=("zh", "en"), help="print the headline and steps as text instead of JSON")
    parser.add_argument("--list", action="store_true", help="list the calculators")
    parser.set_defaults(handler=_calc)


def _fail(message: str) -> int:
    print(f"tk-advisor calc: {message}", file=sys.stderr)
    return 2


def _load_defaults() -> Any:
    """Defaults from the knowledge dir; files with errors are skipped (see `tk-advisor kb validate`)."""
    from assistant.config import Settings
    from assistant.kb.loader import load_entries
    from assistant.tools.calculators import Defaults

    loaded = load_entries(Settings.from_env().knowledge_dir)
    if loaded.errors:
        print(f"tk-advisor calc: {len(loaded.errors)} knowledge problem(s) skipped; run `tk-advisor kb validate`",
              file=sys.stderr)  # fmt: skip
    return Defaults.from_entries(loaded.entries)


def _as_text(result: Any, lang: str) -> str:
    labels = _LABELS[lang]
    lines = [result.headline[lang], "", f"{labels['formula']}: {result.formula}", f"{labels['steps']}:"]
    lines += [f"  - {step}" for step in result.steps[lang]]
    if result.assumptions:
        lines.append(f"{labels['assumptions']}:")
        lines += [f"  - {a.field}: {a.note[lang]} [{a.source or labels['stated']}]" for a in result.assumptions]
    return "\n".join(lines)


def _calc(args: argparse.Namespace) -> int:
    from assistant.tools.calculators import CALCULATORS, CalculatorInputError, run_calculator

    lang = args.lang or "en"
    if args.list:
        width = max(map(len, CALCULATORS))
        for name, calculator in CALCULATORS.items():
            print(f"{name:<{width}}  {calculator.description[lang]}")
        return 0
    if not args.name:
        return _fail("give a calculator NAME, or --list to see them")
    try:
        inputs = json.loads(args.inputs)
    except json.JSONDecodeError as exc:
        return _fail(f"--json is not valid JSON: {exc}")
    try:
        result = run_calculator(args.name, inputs, _load_defaults())
    except CalculatorInputError as exc:
        return _fail(exc.messages[lang] if args.lang else f"{exc.messages['en']}\n{exc.messages['zh']}")
    if args.lang:
        print(_as_text(result, args.lang))
    else:
        print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    return 0
