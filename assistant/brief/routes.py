"""The brief's public routes: `/brief/{token}` (the page) and `/brief/{token}.pdf`, read-only, no sign-in."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from assistant.brief.page import brief_page, gone_page
from assistant.brief.pdf import FontMissing, brief_pdf
from assistant.brief.store import Briefs

log = logging.getLogger(__name__)

HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer",
           "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'"}
"""Nothing cached (a revoked link stops at once), not indexed, no referrer to the source sites, no script."""


def add_brief_routes(app: FastAPI, briefs: Briefs, prefix: str = "") -> None:
    """Serve shared briefs under `prefix` (the web chat's mount path)."""

    @app.get(prefix + "/brief/{token}.pdf", include_in_schema=False)
    async def brief_as_pdf(token: str) -> Response:
        brief = await run_in_threadpool(briefs.open, token)
        if brief is None:
            return HTMLResponse(gone_page(), status_code=404, headers=HEADERS)
        try:
            pdf = await run_in_threadpool(brief_pdf, brief)
        except FontMissing as exc:
            log.error("brief PDF: %s", exc)
            return Response(str(exc), status_code=503, media_type="text/plain", headers=HEADERS)
        disposition = f'inline; filename="tk-advisor-brief-{brief.shared_on.isoformat()}.pdf"'
        return Response(pdf, media_type="application/pdf", headers={**HEADERS, "Content-Disposition": disposition})

    @app.get(prefix + "/brief/{token}", include_in_schema=False)
    async def brief_as_page(token: str) -> HTMLResponse:
        brief = await run_in_threadpool(briefs.open, token)
        if brief is None:
            return HTMLResponse(gone_page(), status_code=404, headers=HEADERS)
        return HTMLResponse(brief_page(brief, f"{token}.pdf"), headers=HEADERS)
