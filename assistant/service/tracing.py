"""OpenTelemetry traces (the official SDK, OTLP over HTTP) when `TK_OTLP_ENDPOINT` is set: one
`answer` span per answer, in whichever process computes it, with a span beneath it for every
model (provider) call and every tool call, retrieval included (`search_knowledge` is a tool).

The answer joins the caller's trace when the request carries a W3C `traceparent` (the server hands
it to the answer worker). The spans below the answer come from LangChain's callbacks, registered
once for every run of the process: the engine itself knows nothing of tracing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.tracers.context import register_configure_hook
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import Span, Status, StatusCode

from assistant.config import Settings

log = logging.getLogger(__name__)

incoming: ContextVar[dict[str, str]] = ContextVar("tk_trace_carrier", default={})
"""The request's `traceparent` (and `tracestate`), set per request; passed to the answer workers."""
_spans: ContextVar[SpanCallbacks | None] = ContextVar("tk_span_callbacks", default=None)
_enabled = False


def setup_tracing(settings: Settings) -> bool:
    """Export spans to `settings.otlp_endpoint` (once per process); False when none is configured."""
    global _enabled
    if not settings.otlp_endpoint or _enabled:
        return _enabled
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": "tk-advisor"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otlp_endpoint.rstrip("/") + "/v1/traces")))
    trace.set_tracer_provider(provider)
    register_configure_hook(_spans, inheritable=True)
    _enabled = True
    log.info("traces: OTLP to %s", settings.otlp_endpoint)
    return True


def carrier_of(headers: Any) -> dict[str, str]:
    """The W3C trace headers of a request, to continue its trace."""
    return {name: headers[name] for name in ("traceparent", "tracestate") if name in headers}


@contextmanager
def answer_span(surface: str, carrier: dict[str, str] | None = None) -> Iterator[None]:
    """The span of one answer, child of the caller's trace when `carrier` names one; model and tool
    calls made inside it become its children. Nothing when tracing is off."""
    if not _enabled:
        yield
        return
    tracer = trace.get_tracer("tk-advisor")
    parent = propagate.extract(carrier or incoming.get())
    with tracer.start_as_current_span("answer", context=parent, attributes={"tk.surface": surface}) as span:
        token = _spans.set(SpanCallbacks(span))
        try:
            yield
        finally:
            _spans.reset(token)


class SpanCallbacks(BaseCallbackHandler):
    """LangChain callbacks that open a span per model and tool call, beneath `root` (or their parent run)."""

    def __init__(self, root: Span):
        self.root = root
        self.open: dict[UUID, Span] = {}

    def _start(self, name: str, run_id: UUID, parent_run_id: UUID | None, **attributes: Any) -> None:
        parent = self.open.get(parent_run_id) if parent_run_id else None
        context = trace.set_span_in_context(parent or self.root, otel_context.Context())
        self.open[run_id] = trace.get_tracer("tk-advisor").start_span(name, context=context, attributes=attributes)

    def _end(self, run_id: UUID, error: BaseException | None = None) -> None:
        span = self.open.pop(run_id, None)
        if span is not None:
            if error is not None:
                span.set_status(Status(StatusCode.ERROR, type(error).__name__))
            span.end()

    def on_chat_model_start(self, serialized: dict[str, Any], messages: Any, *, run_id: UUID,
                            parent_run_id: UUID | None = None, **kwargs: Any) -> None:
        model = (kwargs.get("metadata") or {}).get("ls_model_name") or (serialized or {}).get("name") or "model"
        self._start(f"model {model}", run_id, parent_run_id, **{"tk.provider": str(model)})

    def on_llm_end(self, response: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self._end(run_id)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        self._end(run_id, error)

    def on_tool_start(self, serialized: dict[str, Any], input_str: str, *, run_id: UUID,
                      parent_run_id: UUID | None = None, **kwargs: Any) -> None:
        name = (serialized or {}).get("name") or kwargs.get("name") or "tool"
        self._start(f"tool {name}", run_id, parent_run_id, **{"tk.tool": str(name)})

    def on_tool_end(self, output: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self._end(run_id)

    def on_tool_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        self._end(run_id, error)
