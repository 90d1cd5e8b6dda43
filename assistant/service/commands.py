"""`tk-advisor serve`: build and sync the index, then serve the web chat and the APIs."""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.config import Settings

_PROCESS_STARTED = time.time()


def register(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="serve the web chat, the JSON/OpenAI APIs and the chat-app webhooks")
    serve.add_argument("--host", help="interface to bind (default TK_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default TK_PORT or 7860)")
    serve.set_defaults(handler=_serve)


def _state(settings: Settings) -> str:
    """Where this instance keeps its state, for the start-up log (no password)."""
    from assistant.store.database import database_url

    database = database_url(settings.store_target).render_as_string(hide_password=True)
    limits = f"Redis {settings.redis_url.split('@')[-1]}" if settings.redis_url else "this process"
    index = f"the Chroma server {settings.chroma_url}" if settings.chroma_url else f"embedded Chroma ({settings.chroma_dir})"
    return f"{database}; rate limits in {limits}; index in {index}"


def _serve(args: argparse.Namespace) -> int:
    from assistant.advisor import Advisor
    from assistant.config import Settings
    from assistant.service.api import create_app
    from assistant.service.logs import configure_logging
    from assistant.service.tracing import setup_tracing
    from assistant.service.preflight import preflight
    from assistant.service.server import serve

    overrides = {name: value for name, value in (("host", args.host), ("port", args.port)) if value is not None}
    Settings.from_env()  # the environment is checked whole, even where a flag overrides a variable
    settings = Settings.from_env(**overrides)
    problems = preflight(settings)
    for problem in problems:
        print(f"tk-advisor: {problem}", file=sys.stderr)
    if problems:
        return 2
    configure_logging(settings.log_format)
    setup_tracing(settings)
    print("tk-advisor: starting: loading the knowledge base, the models and the web chat…", flush=True)
    advisor = Advisor.from_settings(settings)
    workers = settings.answer_processes
    where = f"{workers} worker processes" if workers else "the server's threads"
    print(f"tk-advisor: state in {_state(settings)}; API answers on {where}", flush=True)
    url = f"http://{'127.0.0.1' if settings.host in ('0.0.0.0', '::') else settings.host}:{settings.port}"
    threading.Thread(target=_announce_ready, args=(url,), name="announce-ready", daemon=True).start()
    serve(create_app(advisor, settings), settings.host, settings.port, settings.trusted_proxies)
    return 0


def _announce_ready(url: str, seconds: float = 600) -> None:
    """Say "ready" once the web chat's page answers (not when the process starts), with how long
    the start took: since `make run` began when it says so (TK_RUN_STARTED), else since this process began."""
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/", timeout=5).status_code < 500:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    else:
        return
    began = os.environ.get("TK_RUN_STARTED")
    since = f"{time.time() - float(began):.0f} s since `make run` began" if began and began.isdigit() else \
        f"{time.time() - _PROCESS_STARTED:.0f} s since this process began"
    print(f"tk-advisor: ready: open {url}  (API docs at {url}/docs; started in {since})", flush=True)
