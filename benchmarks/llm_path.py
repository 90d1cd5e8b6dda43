"""The LLM path with a scripted model (tests/data/scripted_model.yaml through tests/openai_stub.py,
ChatOpenAI and the real openai client): how many good first drafts grounding lets through, how many
bad drafts it catches, round trips and prompt tokens per question, and our own time per round trip
(the ask's wall time less the stub's busy time, over the round trips).

    .venv/bin/python benchmarks/llm_path.py                       # this checkout
    .venv/bin/python benchmarks/llm_path.py --code /work/main --legacy   # another checkout's package,
        # with each grouped `calculator` call made to the calculator's own tool and `calculate` left out

The counts are read from the stub (requests per ask), so any version of the Advisor can be measured.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose `assistant` package is measured")
    parser.add_argument("--legacy", action="store_true", help="the checkout predates `calculate` and the grouped calculator")
    args = parser.parse_args()
    sys.path[:0] = [str(args.code), str(ROOT / "tests")]

    from openai_stub import OpenAIStub, Reply
    from scripted_model import Turn, bad_drafts, llm_advisor, load_cases

    from assistant.config import Settings
    from assistant.kb.retrieve import open_retriever

    def rounds(turn: Turn) -> list[Reply]:
        if not args.legacy:
            return turn.tool_rounds()
        legacy = [[(a["name"], a["inputs"]) if n == "calculator" else (n, a) for n, a in calls if n != "calculate"]
                  for calls in turn.rounds]  # fmt: skip
        return [Reply(tool_calls=[(n, json.dumps(a, ensure_ascii=False)) for n, a in calls]) for calls in legacy if calls]

    cases = load_cases()
    data_dir = Path(tempfile.mkdtemp(prefix="tk-llm-bench-"))
    retriever = open_retriever(Settings.from_env(environ={}, data_dir=data_dir))
    accepted, calls, tokens, overhead = 0, [], [], []
    caught = bad_total = 0
    with OpenAIStub() as stub:
        advisor = llm_advisor(stub.base_url, retriever, data_dir, timeout=30)

        def ask(turn: Turn, session: str | None, draft: str | None = None, repair: str | None = None) -> tuple[object, int, float]:
            script = [*rounds(turn), Reply(content=turn.reply if draft is None else draft)]
            stub.enqueue(*script, *([Reply(content=repair)] if repair else []))
            before, busy, started = len(stub.requests), stub.busy_seconds, time.perf_counter()
            answer = advisor.ask(turn.ask, session_id=session)
            elapsed = time.perf_counter() - started - (stub.busy_seconds - busy)
            stub.script.clear()
            return answer, len(stub.requests) - before, elapsed

        def play_earlier(case: object) -> str | None:
            session = None
            for turn in case.earlier:
                session = ask(turn, session)[0].session_id
            return session

        for case in cases:
            session = play_earlier(case)
            start_tokens = len(stub.prompt_tokens)
            answer, made, elapsed = ask(case.last, session)
            good = answer.answer.strip() == case.last.reply.split("<<<DETAILS>>>")[0].strip()
            accepted += good and made == len(rounds(case.last)) + 1
            calls.append(made)
            tokens.append(sum(stub.prompt_tokens[start_tokens:]))
            overhead.append(elapsed / made)
        for bad in bad_drafts(cases):
            case = next(c for c in cases if c.id == bad.case)
            session = play_earlier(case)
            answer, made, _ = ask(case.last, session, draft=bad.draft, repair=case.last.reply)
            bad_total += 1
            caught += made == len(rounds(case.last)) + 2 and (bad.figure in case.last.reply or bad.figure not in answer.answer)
    print(f"code: {args.code}{' (legacy calls)' if args.legacy else ''}")
    print(f"good first drafts let through: {accepted}/{len(cases)} ({accepted / len(cases):.0%})")
    print(f"bad drafts caught and repaired: {caught}/{bad_total} ({caught / bad_total:.0%})")
    print(f"round trips per question: mean {statistics.mean(calls):.2f}")
    print(f"prompt tokens per question (o200k): mean {statistics.mean(tokens):,.0f}, median {statistics.median(tokens):,.0f}")
    print(f"our time per round trip: median {statistics.median(overhead) * 1000:.0f} ms, mean {statistics.mean(overhead) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
