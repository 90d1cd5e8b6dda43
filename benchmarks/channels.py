"""Chat-app adapters under load: replies per second, time to first reply, and forged and replayed
requests refused, through each adapter, against the local vendor stand-ins of the tests.

For each of Slack (Events API over HTTP, and Socket Mode), Feishu (webhook, and long connection)
and WeCom: one question alone (time to its reply at the vendor stand-in), then `--messages`
distinct questions sent at once (replies per second = messages / time until the last reply),
then `--attacks` forged requests (wrong signature, or for a long connection, none to forge) and
`--attacks` replays of requests already answered; it counts those refused or not answered again.
The server is the real app (offline engine, `--workers` answer processes) on loopback.

Run: .venv/bin/python benchmarks/channels.py [--messages 40] [--attacks 20] [--workers 0]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import httpx  # noqa: E402
from chat_standins import (  # noqa: E402
    BOT_OPEN_ID,
    ENCRYPT_KEY,
    FEISHU_APP,
    SLACK_APP_TOKEN,
    SLACK_BOT_TOKEN,
    SLACK_SIGNING_SECRET,
    VERIFICATION_TOKEN,
    WECOM,
    FeishuStandIn,
    SlackStandIn,
    StandIn,
    WeComStandIn,
    feishu_message,
    feishu_post,
    slack_event,
    slack_mention,
    wecom_post,
    wecom_text,
)

from assistant.advisor import Advisor  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.service.api import create_app  # noqa: E402
from assistant.service.server import BackgroundServer  # noqa: E402

QUESTIONS = ["AI生成的视频GPM比原创低多少？", "我的视频{n}万播放, GPM 12, 能卖多少?", "Is AI video content throttled on TikTok Shop?",
             "My video got {n}0k views with a GPM of 15. How much GMV is that?"]


@dataclass
class Adapter:
    name: str
    stand_in: Callable[[], StandIn]
    settings: Callable[[StandIn], dict[str, Any]]
    send: Callable[[str, StandIn, int, str], Any]
    """(server url, stand-in, message number, question): deliver one message as the vendor does."""
    reply_path: str
    forge: Callable[[str, int], int] | None
    """Send one forged request; its HTTP status (None: a long connection has no request to forge)."""


RUN = uuid.uuid4().hex[:8]
"""Event ids are unique per run and adapter: the store remembers the ids it has answered."""


def _slack_send(url: str, api: StandIn, n: int, question: str) -> Any:
    return slack_event(url, slack_mention(f"Ev-{RUN}-h{n}", f"<@UBOT> {question}", ts=f"17000{n:05d}.000100"))


def _slack_socket_send(url: str, api: StandIn, n: int, question: str) -> Any:
    assert isinstance(api, SlackStandIn)
    return api.envelope(slack_mention(f"Ev-{RUN}-s{n}", f"<@UBOT> {question}", ts=f"17000{n:05d}.000100"))


def _feishu_event(n: int, question: str, kind: str = "w") -> dict[str, Any]:
    return feishu_message(f"fe-{RUN}-{kind}{n}", question, message_id=f"om_{kind}{n}", mentions=[BOT_OPEN_ID])


def _feishu_send(url: str, api: StandIn, n: int, question: str) -> Any:
    return feishu_post(url, _feishu_event(n, question))


def _feishu_long_send(url: str, api: StandIn, n: int, question: str) -> Any:
    assert isinstance(api, FeishuStandIn)
    return api.push_event(_feishu_event(n, question, "l"))


def _wecom_send(url: str, api: StandIn, n: int, question: str) -> Any:
    return wecom_post(url, wecom_text(question, msg_id=f"{RUN}{n}", user=f"u{n}"))


ADAPTERS = [
    Adapter("Slack, Events API (HTTP)", SlackStandIn,
            lambda api: {"slack_signing_secret": SLACK_SIGNING_SECRET, "slack_bot_token": SLACK_BOT_TOKEN,
                         "slack_api_base": api.url + "/api"},
            _slack_send, "chat.postMessage",
            lambda url, n: slack_event(url, slack_mention(f"Ev-forged-{n}", "<@UBOT> hi"), secret="guess").status_code),
    Adapter("Slack, Socket Mode", SlackStandIn,
            lambda api: {"slack_app_token": SLACK_APP_TOKEN, "slack_bot_token": SLACK_BOT_TOKEN, "slack_api_base": api.url + "/api"},
            _slack_socket_send, "chat.postMessage", None),
    Adapter("Feishu, webhook (encrypted)", FeishuStandIn,
            lambda api: {"feishu_domain": api.url, "feishu_verification_token": VERIFICATION_TOKEN,
                         "feishu_encrypt_key": ENCRYPT_KEY, **FEISHU_APP},
            _feishu_send, "/reply",
            lambda url, n: feishu_post(url, _feishu_event(10_000 + n, "hi"), signature="0" * 64).status_code),
    Adapter("Feishu, long connection", FeishuStandIn,
            lambda api: {"feishu_domain": api.url, "feishu_connection": "long", **FEISHU_APP},
            _feishu_long_send, "/reply", None),
    Adapter("WeCom, callback", WeComStandIn,
            lambda api: {"wecom_api_base": api.url + "/cgi-bin", **WECOM},
            _wecom_send, "/message/send",
            lambda url, n: wecom_post(url, wecom_text("hi", msg_id=str(800000 + n)), signature="0" * 40).status_code),
]


def measure(adapter: Adapter, advisor: Advisor, data_dir: str, messages: int, attacks: int, workers: int) -> dict[str, Any]:
    with ExitStack() as stack:
        api = stack.enter_context(adapter.stand_in().running())
        settings = Settings.from_env(environ={}, data_dir=data_dir, provider="offline", answer_workers=workers,
                                     rate_limit_per_minute=1e6, rate_limit_burst=100_000, **adapter.settings(api))
        url = stack.enter_context(BackgroundServer(create_app(advisor, settings))).url
        api.wait_until(lambda: bool(api.sockets) or adapter.forge is not None, "the app to connect", 60)

        started = time.perf_counter()
        adapter.send(url, api, 0, QUESTIONS[0])
        first = api.wait_for(adapter.reply_path, 1, 120)[0].at - started

        sent_at: dict[int, float] = {}
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            burst = time.perf_counter()
            for n in range(1, messages + 1):
                sent_at[n] = time.perf_counter()
                pool.submit(adapter.send, url, api, n, QUESTIONS[n % len(QUESTIONS)].format(n=n))
        replies = api.wait_for(adapter.reply_path, messages + 1, 600)
        elapsed = max(r.at for r in replies) - burst
        latencies = sorted(r.at for r in replies[1:])

        refused = 0
        if adapter.forge is not None:
            refused = sum(adapter.forge(url, n) in (401, 403) for n in range(attacks))
        for n in range(1, attacks + 1):  # replays of messages already answered
            adapter.send(url, api, n, QUESTIONS[n % len(QUESTIONS)].format(n=n))
        time.sleep(2.0)
        answered_again = len(api.calls_to(adapter.reply_path)) - (messages + 1)
    return {"first_reply_s": first, "replies_per_s": messages / elapsed, "burst_s": elapsed,
            "p50_in_burst_s": statistics.median(latencies) - burst if latencies else 0.0,
            "forged_refused": (refused, attacks) if adapter.forge is not None else None,
            "replays_not_answered": (attacks - max(answered_again, 0), attacks)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--attacks", type=int, default=20)
    parser.add_argument("--workers", type=int, default=0, help="answer worker processes (0: the server's threads)")
    args = parser.parse_args(argv)
    data_dir = tempfile.mkdtemp(prefix="tk-bench-channels-")
    advisor = Advisor.from_settings(Settings.from_env(environ={}, data_dir=data_dir, provider="offline"))
    advisor.ask(QUESTIONS[0])  # warm
    ok = True
    print(f"{'adapter':32} {'first reply':>11} {'replies/s':>9} {'burst':>7} {'forged refused':>15} {'replays ignored':>16}")
    for adapter in ADAPTERS:
        r = measure(adapter, advisor, data_dir, args.messages, args.attacks, args.workers)
        forged = "n/a (no request)" if r["forged_refused"] is None else f"{r['forged_refused'][0]}/{r['forged_refused'][1]}"
        replays = f"{r['replays_not_answered'][0]}/{r['replays_not_answered'][1]}"
        print(f"{adapter.name:32} {r['first_reply_s'] * 1000:9.0f}ms {r['replies_per_s']:9.1f} {r['burst_s']:6.1f}s "
              f"{forged:>15} {replays:>16}", flush=True)
        ok &= r["forged_refused"] is None or r["forged_refused"][0] == r["forged_refused"][1]
        ok &= r["replays_not_answered"][0] == r["replays_not_answered"][1]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
