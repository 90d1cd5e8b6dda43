"""Run the app under uvicorn: in the foreground (`tk-advisor serve`) or on a background thread."""

from __future__ import annotations

import threading
import time
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from assistant.service.answering import START_TIMEOUT


def config(
    app: FastAPI, host: str, port: int, *, log_level: str = "info", access_log: bool = True, graceful_seconds: float = 15,
    trusted_proxies: tuple[str, ...] = (),
) -> uvicorn.Config:
    """Uvicorn's settings; X-Forwarded-For is read only from `trusted_proxies` (TK_TRUSTED_PROXIES), else never."""
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=access_log, log_config=None,
                          timeout_graceful_shutdown=graceful_seconds, server_header=False,
                          proxy_headers=bool(trusted_proxies), forwarded_allow_ips=list(trusted_proxies) or None)


def serve(app: FastAPI, host: str, port: int, trusted_proxies: tuple[str, ...] = ()) -> None:
    """Serve until interrupted; the app logs each request itself (`logs.RequestLog`), with its id."""
    uvicorn.Server(config(app, host, port, access_log=False, trusted_proxies=trusted_proxies)).run()


class BackgroundServer:
    """`with BackgroundServer(app) as server:` serves on `server.url` (a free loopback port) until exit.

    Entering waits as long as the app's start-up may take (answer workers get `START_TIMEOUT` to load
    on a busy machine), and no longer than the server thread lives. On exit, open streams (a Gradio client's heartbeat) get `graceful_seconds` to finish.
    """

    def __init__(
        self, app: FastAPI, host: str = "127.0.0.1", port: int = 0, *, log_level: str = "warning", graceful_seconds: float = 1,
        trusted_proxies: tuple[str, ...] = (),
    ):
        self._server = uvicorn.Server(config(app, host, port, log_level=log_level, access_log=False,
                                             graceful_seconds=graceful_seconds, trusted_proxies=trusted_proxies))
        self._thread = threading.Thread(target=self._server.run, name="uvicorn", daemon=True)
        self.url = ""

    def __enter__(self) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT + 60
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        host, port = self._server.servers[0].sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}"
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
