"""Start-up checks for `tk-advisor serve`: every problem in one clear line naming its variable,
before anything slow loads (the server then exits with status 2). Shared services that are
configured (database, Redis, Chroma server) must answer."""

from __future__ import annotations

import socket
import tempfile
from pathlib import Path

import httpx
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from assistant.config import Settings
from assistant.kb.loader import load_entries
from assistant.store.database import database_url

_CHANNELS = (
    ("Slack", ("slack_signing_secret", "TK_SLACK_SIGNING_SECRET"), ("slack_bot_token", "TK_SLACK_BOT_TOKEN")),
    ("Feishu", ("feishu_app_id", "TK_FEISHU_APP_ID"), ("feishu_app_secret", "TK_FEISHU_APP_SECRET"),
     ("feishu_verification_token", "TK_FEISHU_VERIFICATION_TOKEN")),
)


def _knowledge(directory: Path) -> list[str]:
    if not directory.is_dir():
        return [f"TK_KNOWLEDGE_DIR: {directory} is not a directory"]
    if not any(directory.rglob("*.yaml")):
        return [f"TK_KNOWLEDGE_DIR: {directory} holds no knowledge entries (*.yaml)"]
    loaded = load_entries(directory)
    return [f"TK_KNOWLEDGE_DIR: {error}" for error in loaded.errors]


def _data_dir(directory: Path) -> list[str]:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory):
            pass
    except OSError as exc:
        return [f"TK_DATA_DIR: {directory} is not writable ({exc.strerror or exc})"]
    return []


def _host(host: str) -> list[str]:
    try:
        socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return [f"TK_HOST: {host!r} is not an address or a name this machine can resolve"]
    return []


def _port(host: str, port: int) -> list[str]:
    """The port is free now, not found busy after the knowledge and models load (30 s later)."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError as exc:
        return [f"TK_PORT: {host}:{port} cannot be used ({exc.strerror or exc}); is another server on it?"]
    return []


def _channels(settings: Settings) -> list[str]:
    problems = []
    for name, *fields in _CHANNELS:
        given = [var for field, var in fields if getattr(settings, field)]
        missing = [var for field, var in fields if not getattr(settings, field)]
        if given and missing:
            problems.append(f"{', '.join(missing)}: needed by the {name} adapter ({', '.join(given)} is set); set it or unset the rest")
    return problems


def _shared_services(settings: Settings) -> list[str]:
    """Each shared service that is configured answers (within a few seconds)."""
    problems = []
    if settings.database_url:
        url = database_url(settings.database_url)
        try:
            engine = create_engine(url, connect_args={"connect_timeout": 3} if url.get_backend_name() == "postgresql" else {})
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            engine.dispose()
        except SQLAlchemyError as exc:
            problems.append(f"TK_DATABASE_URL: cannot connect to {url.render_as_string(hide_password=True)} "
                            f"({type(getattr(exc, 'orig', None) or exc).__name__}; percent-encode @ : / # ? in the password)")
    if settings.redis_url:
        try:
            redis.Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=2).ping()
        except redis.RedisError as exc:
            problems.append(f"TK_REDIS_URL: cannot reach Redis at {settings.redis_url.split('@')[-1]} ({type(exc).__name__})")
    if settings.chroma_url:
        try:
            httpx.get(settings.chroma_url.rstrip("/") + "/api/v2/heartbeat", timeout=3).raise_for_status()
        except httpx.HTTPError as exc:
            problems.append(f"TK_CHROMA_URL: cannot reach a Chroma server at {settings.chroma_url} ({type(exc).__name__})")
    return problems


def preflight(settings: Settings) -> list[str]:
    """Every start-up problem found, as lines naming the variable; empty when the server can start."""
    host = _host(settings.host)
    return [*_knowledge(settings.knowledge_dir), *_data_dir(settings.data_dir), *host,
            *(_port(settings.host, settings.port) if not host else []), *_channels(settings), *_shared_services(settings)]
