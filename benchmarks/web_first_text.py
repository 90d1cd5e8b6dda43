"""Web chat: time from pressing Send to the first visible text of the reply, in real Chromium.

The production app (FastAPI + Gradio around the offline Advisor) is served on loopback and driven
by Playwright in Debian's Chromium at 1366x900. Each question gets a fresh browser context (a new
conversation); the clock runs inside the page, from the Send click to the first frame in which the
reply's own text (not the question, not a tool row) is on screen, and on to the final answer.
Baseline, measured in the same run: the in-process `Advisor.stream` time to its first text chunk.
Prints p50/p95 and the ratio web / in-process. Goal: first visible text p50 < 300 ms offline.
Run: .venv/bin/python benchmarks/web_first_text.py  (indexes into a temporary data dir).
Measured 2026-12-04 (2 cores, load ~0.5): first visible text p50 219 ms, p95 288 ms; final answer p50 404 ms,
p95 678 ms; in-process first chunk p50 10 ms. Under a load of ~5 the same run gave p50 334 ms.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from assistant.advisor import Advisor  # noqa: E402
from assistant.answer import TextEvent  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.evaluation.cases import load_cases  # noqa: E402
from assistant.service.api import create_app  # noqa: E402
from assistant.service.server import BackgroundServer  # noqa: E402

CASES = Path(__file__).resolve().parent.parent / "evals" / "cases"
QUESTIONS = 20
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]

TIME_SEND = """() => new Promise((resolve) => {
  const reply = () => [...document.querySelectorAll('#tk-chat [data-testid="bot"]')]  // not the folded tool row
    .map((e) => (e.closest('.thought-group') ? '' : e.innerText.trim())).find((text) => text.length > 0);
  const done = () => document.querySelector('#tk-chat .tk-copy') !== null;  // every final answer carries it
  let first = null;
  let seen = '';
  const start = performance.now();
  const look = () => {
    const now = performance.now();
    if (first === null && (seen = reply() ?? '')) first = now - start;
    if (first !== null && done()) return resolve([first, now - start, seen.slice(0, 60)]);
    if (now - start > 20000) return resolve([first ?? -1, -1, seen]);
    requestAnimationFrame(look);
  };
  document.querySelector('#tk-send').click();
  requestAnimationFrame(look);
})"""


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _questions() -> list[str]:
    """The first `QUESTIONS` single-turn eval questions, Chinese and English alternating."""
    single = [c.messages[-1] for c in load_cases([CASES]) if len(c.messages) == 1]
    zh = [q for q in single if any("\u4e00" <= ch <= "\u9fff" for ch in q)]
    en = [q for q in single if q not in zh]
    return [q for pair in zip(zh, en) for q in pair][:QUESTIONS]


def _in_process_first_chunk(advisor: Advisor, question: str) -> float:
    started = time.perf_counter()
    for event in advisor.stream(question):
        if isinstance(event, TextEvent):
            break
    return (time.perf_counter() - started) * 1000


def main() -> int:
    questions = _questions()
    first: list[float] = []
    full: list[float] = []
    with tempfile.TemporaryDirectory(prefix="tk-bench-") as tmp:
        settings = Settings.from_env(environ={}, data_dir=Path(tmp), provider="offline", answer_workers=0)
        advisor = Advisor.from_settings(settings, provider="offline")
        for question in questions:  # warm-up: caches, jieba, first-call costs
            advisor.ask(question)
        baseline = [_in_process_first_chunk(advisor, q) for q in questions]
        with BackgroundServer(create_app(advisor, settings)) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for round_ in range(2):  # the first round warms the server and the browser; the second is timed
                for question in questions:
                    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
                    page = context.new_page()
                    page.goto(server.url, wait_until="load")
                    page.wait_for_function("document.body.classList.contains('tk-ready')")
                    page.locator("#tk-input textarea").fill(question)
                    to_text, to_final, seen = page.evaluate(TIME_SEND)
                    context.close()
                    if round_ == 1:
                        if to_text < 0 or to_final < 0:
                            print(f"no answer in 20 s: {question!r}")
                            return 1
                        if not first:
                            print(f"first visible text of the first answer: {seen!r}")  # the reply, not a tool row
                        first.append(to_text)
                        full.append(to_final)
            browser.close()
    print(f"{len(questions)} questions (zh and en alternating), one timed round after a warm-up round, Chromium 1366x900")
    print(f"{'':40} {'p50 ms':>8} {'p95 ms':>8}")
    rows = [("in-process first text chunk (baseline)", baseline), ("web: Send -> first visible reply text", first),
            ("web: Send -> final answer shown", full)]  # fmt: skip
    for name, samples in rows:
        p50, p95 = _percentiles(samples)
        print(f"{name:40} {p50:8.1f} {p95:8.1f}")
    web_p50, base_p50 = _percentiles(first)[0], _percentiles(baseline)[0]
    print(f"ratio web first text / in-process first chunk: p50 {web_p50 / base_p50:.1f}x")
    print(f"goal first visible text p50 < 300 ms: {'met' if web_p50 < 300 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
