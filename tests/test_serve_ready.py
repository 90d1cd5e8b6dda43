"""`make run` says "ready" only once the web chat's page answers, with how long the start took (issue 26:
it used to print "serving on http://…" 20-38 s before the port accepted connections)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from test_preflight import free_port


def test_ready_is_said_once_the_page_answers_with_the_time_since_make_run_began(tmp_path: Path) -> None:
    port = free_port()
    began = int(time.time()) - 5  # `make run` began 5 s before the server process (setup and index)
    env = {**os.environ, "TK_DATA_DIR": str(tmp_path), "TK_PROVIDER": "offline", "TK_ANSWER_WORKERS": "0",
           "TK_RUN_STARTED": str(began)}
    server = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    try:
        assert server.stdout is not None
        for line in server.stdout:  # blocks until the server prints; the test's timeout bounds it
            lines.append(line)
            if "ready:" in line:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
                break
        else:
            raise AssertionError("the server ended without saying ready:\n" + "".join(lines[-20:]))
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert f"open http://127.0.0.1:{port}" in line
    seconds = int(re.search(r"started in (\d+) s since `make run` began", line).group(1))
    assert seconds >= 5
    assert not any("ready:" in earlier for earlier in lines[:-1]), "ready is said once, at the end"
