"""Schemathesis against the live `/openapi.json`: no 5xx, and every response matches the spec."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import hypothesis
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from service_support import serving

KEY = "sk-schema-test-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
MAX_EXAMPLES = 15
CONFIG = SchemathesisConfig.from_str(
    "[checks.negative_data_rejection]\n"
    'expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5XX"]\n'
)
"""Schemathesis' rejection codes plus 413: a body over the limit is refused (documented) before its key is read."""


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving(api_keys=(KEY,), rate_limit_per_minute=60_000, rate_limit_burst=10_000) as url:
        yield url


@pytest.fixture(scope="module")
def api_schema(base_url: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{base_url}/openapi.json", config=CONFIG)


def test_spec_documents_every_endpoint_and_error(base_url: str) -> None:
    spec = httpx.get(f"{base_url}/openapi.json").json()
    assert set(spec["paths"]) == {"/healthz", "/readyz", "/api/ask", "/api/feedback", "/v1/models", "/v1/models/{model_id}",
                                  "/v1/chat/completions", "/api/sessions/{session_id}", "/api/conversations",
                                  "/api/conversations/{conversation_id}", "/api/messages/{message_id}/feedback",
                                  "/api/streams/{stream_id}/stop", "/metrics"}
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["type"] == "http"
    ask = spec["paths"]["/api/ask"]["post"]
    assert {"200", "400", "401", "413", "415", "422", "429"} <= set(ask["responses"])
    assert ask["responses"]["429"]["headers"]["Retry-After"]["required"] is True
    chat = spec["paths"]["/v1/chat/completions"]["post"]["responses"]["200"]["content"]
    assert set(chat) == {"application/json", "text/event-stream"}
    assert set(ask["responses"]["200"]["content"]) == {"application/json", "text/event-stream"}
    for path in ("/api/ask", "/api/conversations", "/api/messages/{message_id}/feedback", "/api/streams/{stream_id}/stop"):
        (operation,) = spec["paths"][path].values()
        assert operation["x-codeSamples"][0]["source"].startswith("curl "), path
    assert "security" not in spec["paths"]["/healthz"]["get"] and "security" not in spec["paths"]["/metrics"]["get"]


@pytest.mark.parametrize("stream", [False, True])
def test_a_real_answer_matches_the_documented_response(api_schema: schemathesis.BaseSchema, base_url: str, stream: bool) -> None:
    """Random inputs rarely reach a streamed 200, so validate one answer each way explicitly."""
    operation = api_schema["/v1/chat/completions"]["POST"]
    body = {"model": "tk-advisor", "stream": stream, "messages": [{"role": "user", "content": "AI视频的GPM比原创低多少？"}]}
    response = operation.Case(body=body, media_type="application/json").call_and_validate(base_url=base_url, headers=AUTH)
    assert response.status_code == 200


READS = [("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/v1/models"), ("GET", "/api/conversations"),
         ("GET", "/api/conversations/{conversation_id}")]
WRITES = [("POST", "/api/ask"), ("POST", "/api/feedback"), ("POST", "/v1/chat/completions"),
          ("POST", "/api/messages/{message_id}/feedback")]
CASES = [(*op, GenerationMode.POSITIVE) for op in READS + WRITES] + [(*op, GenerationMode.NEGATIVE) for op in WRITES]


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_api_conforms_to_its_schema(api_schema: schemathesis.BaseSchema, base_url: str, method: str, path: str,
                                    mode: GenerationMode) -> None:
    """Schema-valid and schema-invalid requests against every built-in check: status codes, content
    types, response schemas and headers, no 5xx, invalid data rejected, auth enforced.

    Not `positive_data_acceptance`: the advisor declines some schema-valid messages by their meaning
    (blank after normalisation, over 4,000 characters, no user turn) with the documented 400.
    """
    operation = api_schema[path][method]

    @hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def conforms(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=base_url, headers=AUTH, timeout=30, excluded_checks=[positive_data_acceptance])

    conforms()
