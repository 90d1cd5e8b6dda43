"""One error shape for every endpoint: OpenAI's `{"error": {message, type, param, code}}`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from assistant.answer import InvalidInput, SessionNotFound
from assistant.service import metrics
from assistant.store import StoreUnavailable

log = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None
    localized: dict[str, str] | None = None
    """The message in each language (`zh`, `en`) when the user can act on it."""


class ErrorResponse(BaseModel):
    error: ErrorDetail


class ApiError(Exception):
    """Raise anywhere in a request; rendered as `ErrorResponse` with `status`."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
        localized: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.detail = ErrorDetail(message=message, type=type, param=param, code=code, localized=localized)
        self.headers = headers

    @classmethod
    def from_invalid_input(cls, exc: InvalidInput, param: str) -> ApiError:
        return cls(400, exc.messages["en"], code=exc.code, param=param, localized=dict(exc.messages))

    def body(self) -> dict[str, Any]:
        """`{"error": {...}}`, without `localized` when there is none."""
        detail = self.detail.model_dump()
        if detail["localized"] is None:
            del detail["localized"]
        return {"error": detail}

    def response(self) -> JSONResponse:
        metrics.ERRORS.labels(str(self.status), self.detail.code or self.detail.type).inc()
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


_DESCRIPTIONS = {
    400: "Malformed JSON, or a message the advisor cannot answer (empty, too long)",
    401: "Missing or wrong API key (`Authorization: Bearer <key>`)",
    404: "No such session, conversation, message, stream or model for this caller (conversations belong to the key or client that started them)",
    413: "Request body larger than TK_MAX_BODY_BYTES (long conversations: send only the new message with a session id)",
    415: "Content-Type is not application/json",
    422: "The JSON does not match the request schema",
    429: "Rate limit exceeded; retry after `Retry-After` seconds",
    503: "No answer within TK_ANSWER_TIMEOUT seconds, or a dependency (database, Redis) is down; retry after `Retry-After`",
}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for these error statuses, all in the one error shape."""
    docs: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        docs[status] = {"model": ErrorResponse, "description": _DESCRIPTIONS[status]}
        if status == 429:
            docs[status]["headers"] = {
                "Retry-After": {"description": "Seconds until a request is allowed", "schema": {"type": "integer"}, "required": True}
            }
    return docs


_STATUS_CODES = {400: "invalid_body", 404: "not_found", 405: "method_not_allowed", 413: "request_too_large"}


def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    code = _STATUS_CODES.get(exc.status_code)
    kind = "server_error" if exc.status_code >= 500 else "invalid_request_error"
    return ApiError(exc.status_code, str(exc.detail), type=kind, code=code, headers=exc.headers).response()


def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0]
    if first.get("type") == "json_invalid":
        return ApiError(400, "The request body is not valid JSON.", code="invalid_json").response()
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body") or "body"
    return ApiError(422, f"{where}: {first.get('msg', 'invalid')}", code="invalid_request", param=where).response()


def _session_not_found(request: Request, exc: SessionNotFound) -> JSONResponse:
    return ApiError(404, "No such session for this API key or client.", code="session_not_found", param="session_id").response()


def _store_unavailable(request: Request, exc: StoreUnavailable) -> JSONResponse:
    log.warning("%s %s: %s", request.method, request.url.path, exc)
    return ApiError(503, "The database is unavailable; try again shortly.", type="server_error",
                    code="dependency_unavailable", headers={"Retry-After": "5"}).response()


def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return ApiError(500, "Internal error; the event was logged.", type="server_error").response()


def install_error_handlers(app: FastAPI) -> None:
    """Render every error, including framework ones, in the one shape."""
    app.add_exception_handler(ApiError, lambda request, exc: exc.response())
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(SessionNotFound, _session_not_found)
    app.add_exception_handler(StoreUnavailable, _store_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)
