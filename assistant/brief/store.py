"""Shared briefs in the store's database: created by the answer's owner, opened by anyone with the
token, revoked by the owner (or with the conversation they came from)."""

from __future__ import annotations

import re
import secrets
import time

from sqlalchemy import select, update

from assistant.brief.content import Brief
from assistant.store import Store
from assistant.store import tables

TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
"""What a token looks like: 24 random bytes, URL-safe base64 (192 bits)."""


class Briefs:
    """The briefs table, through a Store's engine."""

    def __init__(self, store: Store):
        self.store = store

    def share(self, brief: Brief, *, owner: str, session_id: str, message_id: str) -> str:
        """Save the brief; its new token."""
        token = secrets.token_urlsafe(24)
        with self.store.engine.begin() as db:
            db.execute(tables.briefs.insert().values(token=token, owner=owner, session_id=session_id, message_id=message_id,
                                                     created_at=time.time(), content=brief.model_dump_json()))
        return token

    def open(self, token: str) -> Brief | None:
        """The brief behind a live token; None when unknown, malformed or revoked."""
        if not TOKEN.fullmatch(token or ""):
            return None
        b = tables.briefs
        with self.store.engine.connect() as db:
            row = db.execute(select(b.c.content).where(b.c.token == token, b.c.revoked_at.is_(None))).first()
        return Brief.model_validate_json(row.content) if row else None

    def revoke(self, token: str, owner: str) -> bool:
        """Stop sharing: the link opens nothing from now on. False when not `owner`'s live token."""
        b = tables.briefs
        with self.store.engine.begin() as db:
            done = db.execute(update(b).where(b.c.token == token, b.c.owner == owner, b.c.revoked_at.is_(None))
                              .values(revoked_at=time.time())).rowcount
        return done == 1

    def revoke_conversation(self, session_id: str, owner: str) -> int:
        """Revoke every brief shared from a conversation (it is being deleted)."""
        b = tables.briefs
        with self.store.engine.begin() as db:
            return db.execute(update(b).where(b.c.session_id == session_id, b.c.owner == owner, b.c.revoked_at.is_(None))
                              .values(revoked_at=time.time())).rowcount
