"""What an operator sees: request ids, access logs (JSON on request, quiet probes, no session
hashes), Prometheus metrics, and a Grafana dashboard whose every query names a metric served."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from service_support import serving

from assistant.service.logs import redacted

DASHBOARD = Path(__file__).resolve().parents[1] / "deploy" / "grafana-dashboard.json"
KEY = "observability-key-0123456789"


def test_every_response_carries_a_request_id_the_proxys_when_sane() -> None:
    with serving() as url:
        made = httpx.get(url + "/healthz").headers["X-Request-Id"]
        assert re.fullmatch(r"[0-9a-f]{32}", made)
        assert httpx.get(url + "/v1/models", headers={"X-Request-Id": "caddy-1234"}).headers["X-Request-Id"] == "caddy-1234"
        forged = httpx.get(url + "/nothing", headers={"X-Request-Id": "a b\tc" * 40}).headers["X-Request-Id"]
        assert re.fullmatch(r"[0-9a-f]{32}", forged), "an id that is not an id is replaced"


def test_session_hashes_never_reach_the_log() -> None:
    assert redacted("/gradio_api/queue/data", "session_hash=abc123&x=1") == "/gradio_api/queue/data?session_hash=…&x=1"
    assert redacted("/gradio_api/heartbeat/abc123") == "/gradio_api/heartbeat/…"


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in the Prometheus text format (0 when absent)."""
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            sample, value = line.rsplit(" ", 1)
            if all(f'{k}="{v}"' in sample for k, v in labels.items()):
                return float(value)
    return 0.0


def test_metrics_count_answers_errors_refusals_and_dependencies() -> None:
    with serving(api_keys=(KEY,), rate_limit_per_minute=6, rate_limit_burst=3) as url:
        headers = {"Authorization": f"Bearer {KEY}"}
        before = httpx.get(url + "/metrics").text
        assert httpx.post(url + "/api/ask", json={"question": "我的视频20万播放, GPM 12, 能卖多少?"}, headers=headers).status_code == 200
        assert httpx.post(url + "/api/ask", json={"question": " "}, headers=headers).status_code == 400
        codes = [httpx.get(url + "/v1/models", headers=headers).status_code for _ in range(3)]
        assert 429 in codes
        after = httpx.get(url + "/metrics").text
    assert metric(after, "tk_answers_total", surface="api", outcome="ok") == metric(before, "tk_answers_total", surface="api", outcome="ok") + 1
    assert metric(after, "tk_answers_total", surface="api", outcome="invalid") >= 1
    assert metric(after, "tk_errors_total", status="429", code="rate_limit_exceeded") >= 1
    assert metric(after, "tk_rate_limited_total") >= 1
    assert metric(after, "tk_dependency_up", dependency="store") == 1
    assert metric(after, "tk_answer_duration_seconds_count", surface="api") >= 1
    assert metric(after, "tk_http_requests_total", route="/api/ask", method="POST", status="200") >= 1
    assert "tk_answer_workers" in after and "tk_answers_running" in after


def test_the_grafana_dashboard_queries_only_metrics_the_server_serves() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    queries = [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]
    assert len(queries) >= 6
    with serving() as url:
        httpx.post(url + "/api/ask", json={"question": "AI生成的视频GPM比原创低多少？"})
        served = {line.split("{")[0].split(" ")[0] for line in httpx.get(url + "/metrics").text.splitlines() if line[:1] not in ("#", "")}
    named = {m for q in queries for m in re.findall(r"\b(tk_[a-z_]+)\b", q)}
    assert named and named <= served, named - served


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    """A stand-in OpenTelemetry collector: records the spans of every OTLP/HTTP export it receives."""

    def __init__(self) -> None:
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

        self.spans: list[Any] = []
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                request = ExportTraceServiceRequest()
                request.ParseFromString(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                collector.spans += [span for rs in request.resource_spans for ss in rs.scope_spans for span in ss.spans]
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def test_json_logs_request_ids_quiet_probes_and_traces_of_an_answer(tmp_path: Path) -> None:
    port = free_port()
    collector = Collector()
    env = {**os.environ, "TK_DATA_DIR": str(tmp_path), "TK_PROVIDER": "offline", "TK_ANSWER_WORKERS": "1", "TK_LOG_FORMAT": "json",
           "TK_OTLP_ENDPOINT": collector.url, "OTEL_BSP_SCHEDULE_DELAY": "200"}
    server = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
            try:
                if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        for _ in range(5):
            httpx.get(url + "/healthz")
            httpx.get(url + "/readyz")
        asked = httpx.post(url + "/api/ask", json={"question": "我的视频20万播放, GPM 12, 能卖多少?"},
                           headers={"X-Request-Id": "req-abc-1", "traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"})
        assert asked.status_code == 200 and asked.headers["X-Request-Id"] == "req-abc-1"
        try:  # an event stream: read its start, then leave
            with httpx.stream("GET", url + "/gradio_api/queue/data?session_hash=secret-tab-hash", timeout=3) as events:
                next(events.iter_bytes(), b"")
        except httpx.HTTPError:
            pass
        deadline = time.monotonic() + 30
        while not any(span.name == "answer" for span in collector.spans) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        output = server.communicate(timeout=60)[0].decode()
    lines = [line for line in output.splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    assert records and all({"time", "level", "logger", "request_id", "message"} <= set(r) for r in records)
    about_ask = [r for r in records if r["request_id"] == "req-abc-1"]
    assert any("POST /api/ask" in r["message"] and " 200 " in r["message"] for r in about_ask)
    assert any(r["logger"] == "assistant.service.json_api" for r in about_ask), "the answer's own line carries the id too"
    assert not [r for r in records if "/healthz" in r["message"] or "/readyz" in r["message"]], "probes are quiet"
    assert "secret-tab-hash" not in output

    answer = next(span for span in collector.spans if span.name == "answer")
    assert answer.trace_id.hex() == TRACE_ID and answer.parent_span_id.hex() == "00f067aa0ba902b7", "the caller's trace goes on"
    beneath = [span.name for span in collector.spans if span.parent_span_id == answer.span_id]
    assert any(name.startswith("model ") for name in beneath), beneath
    assert "tool search_knowledge" in beneath and any(name.startswith("tool ") and "search" not in name for name in beneath), beneath
    collector.server.shutdown()
