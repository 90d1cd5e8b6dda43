"""Subcommands of this package: eval."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.config import PACKAGE_ROOT, ConfigError, Settings

DEFAULT_CASES = PACKAGE_ROOT / "evals" / "cases"
DEFAULT_OUT = PACKAGE_ROOT / "evals" / "results" / "latest"
THRESHOLDS = PACKAGE_ROOT / "evals" / "thresholds.yaml"


def register(sub: argparse._SubParsersAction) -> None:
    ev = sub.add_parser("eval", help="run the eval cases through the Advisor and print a scorecard")
    ev.add_argument("--cases", nargs="+", action="extend", type=Path, metavar="PATH",
                    help=f"case files or folders (default {DEFAULT_CASES.relative_to(PACKAGE_ROOT)}/)")
    ev.add_argument("--provider", choices=("offline", "openai"), help="override TK_PROVIDER for this run")
    ev.add_argument("--json", action="store_true", help="print the scorecard as one JSON object on stdout")
    ev.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for scorecard.json/.md/.png and answers.jsonl")
    ev.add_argument("--judge", action="store_true", help="also score faithfulness 1-5 with the configured LLM")
    ev.set_defaults(handler=_eval)


def _eval(args: argparse.Namespace) -> int:
    from assistant.evaluation.cases import CaseError, load_cases
    from assistant.evaluation.report import exit_status, load_threshold, render_text, summarize, write_scorecard
    from assistant.evaluation.runner import run_cases

    settings = Settings.from_env()
    if args.provider == "openai" and not settings.llm_configured:
        raise ConfigError("--provider openai needs OPENAI_API_KEY or TK_LLM_BASE_URL")
    provider = args.provider or ("openai" if settings.use_llm else "offline")
    try:
        cases = load_cases(args.cases or [DEFAULT_CASES])
        threshold = load_threshold(THRESHOLDS, provider)
    except (CaseError, ValueError, OSError) as exc:
        print(f"tk-advisor eval: {exc}", file=sys.stderr)
        return 2
    judge_model = None
    if args.judge:
        from assistant.evaluation.judge import chat_model_from_settings

        judge_model = chat_model_from_settings(settings)

    from assistant.advisor import Advisor

    advisor = Advisor.from_settings(settings, provider=args.provider)
    results = run_cases(advisor, cases)
    summary = summarize(results, provider=provider, threshold=threshold)
    if judge_model is not None:
        from assistant.evaluation.judge import judge, summarize_verdicts
        from assistant.kb.loader import KnowledgeBase

        kb = KnowledgeBase.from_dir(settings.knowledge_dir)
        summary["judge"] = summarize_verdicts(judge(results, judge_model, kb.get))
    written = write_scorecard(summary, results, args.out)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(render_text(summary))
    print(f"scorecard written to {written[0].parent}", file=sys.stderr)
    return exit_status(summary)
