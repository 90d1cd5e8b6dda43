"""Settings from the environment (TK_* and OPENAI_*), validated once at start."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
MAX_INPUT_CHARS = 4000
MAX_INPUT_NUMBERS = 40
"""Numbers one message may carry (real questions hold up to ~16); more is refused before any work."""
MIN_KEY_CHARS = 16
MIN_PASSWORD_CHARS = 12


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


HANDOFF_TARGET = r"^(S[A-Z0-9]+|U[A-Z0-9]+|W[A-Z0-9]+|here|channel)$"


class ChannelPolicy(BaseModel):
    """How the bot behaves in one chat-app channel or group (`TK_SLACK_CHANNELS`, `TK_FEISHU_CHANNELS`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    answer_untagged: bool = False
    """Answer every new message in the channel, not only those that mention the bot."""
    require_source: bool = False
    """Stay silent unless the answer cites a source from the knowledge base."""
    handoff: str | None = None
    """Who "Talk to a person" mentions here (overrides TK_SLACK_HANDOFF / TK_FEISHU_HANDOFF)."""


class Settings(BaseModel):
    """Everything tk-advisor reads from its environment. Build it with `Settings.from_env()`."""

    model_config = ConfigDict(frozen=True)

    data_dir: Path = Field(Path(".data"), json_schema_extra={"env": "TK_DATA_DIR"})
    database_url: str | None = Field(None, pattern=r"^(postgres|postgresql|postgresql\+psycopg|sqlite)://",
                                     json_schema_extra={"env": "TK_DATABASE_URL"})
    """Conversations, feedback and seen webhook events; unset: a SQLite file under TK_DATA_DIR."""
    redis_url: str | None = Field(None, pattern=r"^rediss?://", json_schema_extra={"env": "TK_REDIS_URL"})
    """Rate limits shared by every instance; unset: kept in this process."""
    chroma_url: str | None = Field(None, pattern=r"^https?://[^/:]+(:\d+)?/?$", json_schema_extra={"env": "TK_CHROMA_URL"})
    """A Chroma server (`chroma run`) holding the shared index; unset: embedded Chroma under TK_DATA_DIR."""
    knowledge_dir: Path = Field(PACKAGE_ROOT / "knowledge", json_schema_extra={"env": "TK_KNOWLEDGE_DIR"})
    provider: Literal["auto", "offline", "openai"] = Field("auto", json_schema_extra={"env": "TK_PROVIDER"})
    openai_api_key: str | None = Field(None, json_schema_extra={"env": "OPENAI_API_KEY"})
    llm_base_url: str | None = Field(None, pattern=r"^https?://", json_schema_extra={"env": "TK_LLM_BASE_URL"})
    llm_model: str = Field("gpt-4o-mini", min_length=1, json_schema_extra={"env": "TK_LLM_MODEL"})
    llm_timeout: float = Field(30.0, gt=0, le=600, json_schema_extra={"env": "TK_LLM_TIMEOUT"})
    llm_max_retries: int = Field(2, ge=0, le=10, json_schema_extra={"env": "TK_LLM_MAX_RETRIES"})
    embeddings: Literal["offline", "openai"] = Field("offline", json_schema_extra={"env": "TK_EMBEDDINGS"})
    embedding_model: str = Field("text-embedding-3-small", json_schema_extra={"env": "TK_EMBEDDING_MODEL"})
    host: str = Field("127.0.0.1", json_schema_extra={"env": "TK_HOST"})
    port: int = Field(7860, ge=1, le=65535, json_schema_extra={"env": "TK_PORT"})
    api_keys: tuple[str, ...] = Field((), json_schema_extra={"env": "TK_API_KEYS"})
    web_users: tuple[str, ...] = Field((), json_schema_extra={"env": "TK_WEB_USERS"})
    """`user:password` pairs that may sign in to the web chat (with `TK_API_KEYS` set)."""
    web_public: bool = Field(False, json_schema_extra={"env": "TK_WEB_PUBLIC"})
    """With `TK_API_KEYS` set, serve the web chat without a login anyway."""
    web_secret: str | None = Field(None, min_length=16, json_schema_extra={"env": "TK_WEB_SECRET"})
    """Signs the web chat's browser cookie; set the same value on every instance behind one site."""
    rate_limit_per_minute: float = Field(600.0, gt=0, json_schema_extra={"env": "TK_RATE_LIMIT_PER_MINUTE"})
    rate_limit_burst: int = Field(60, ge=1, json_schema_extra={"env": "TK_RATE_LIMIT_BURST"})
    answer_workers: Annotated[int, Field(ge=0, le=64)] | Literal["auto"] = Field("auto", json_schema_extra={"env": "TK_ANSWER_WORKERS"})
    """API answers in this many worker processes (0: threads of the server process); `auto`: one
    per CPU for the offline engine, which is CPU-bound, and 0 with an LLM, which waits on the network."""
    answer_timeout: float = Field(20.0, gt=0, le=600, json_schema_extra={"env": "TK_ANSWER_TIMEOUT"})
    """Seconds an API answer may take before the client gets a 503 (its work is then stopped, nothing stored)."""
    client_concurrency: int = Field(4, ge=1, le=256, json_schema_extra={"env": "TK_CLIENT_CONCURRENCY"})
    """Answers one client (API key, address) may have computing at once on an instance; the rest wait their turn."""
    otlp_endpoint: str | None = Field(None, pattern=r"^https?://", json_schema_extra={"env": "TK_OTLP_ENDPOINT"})
    """OpenTelemetry traces go to this OTLP/HTTP endpoint (`http://collector:4318`); unset: none are made."""
    log_format: Literal["text", "json"] = Field("text", json_schema_extra={"env": "TK_LOG_FORMAT"})
    """`serve`'s logs: plain lines, or one JSON object a line (with the request id either way)."""
    max_body_bytes: int = Field(64 * 1024, ge=1024, json_schema_extra={"env": "TK_MAX_BODY_BYTES"})
    usd_cny: float | None = Field(None, gt=0, le=100, json_schema_extra={"env": "TK_USD_CNY"})
    """Yuan per US dollar for converting a seller's ¥ amounts beside $ ones; unset: the dated rate in the knowledge base."""
    retention_days: float | None = Field(None, gt=0, json_schema_extra={"env": "TK_RETENTION_DAYS"})
    """Conversations untouched this long are deleted (on start and daily); unset: kept."""
    trusted_proxies: tuple[str, ...] = Field((), json_schema_extra={"env": "TK_TRUSTED_PROXIES"})
    """Addresses of reverse proxies whose X-Forwarded-For is believed; by default none is."""
    cors_origins: tuple[str, ...] = Field((), json_schema_extra={"env": "TK_CORS_ORIGINS"})
    slack_signing_secret: str | None = Field(None, json_schema_extra={"env": "TK_SLACK_SIGNING_SECRET"})
    slack_bot_token: str | None = Field(None, pattern=r"^xox[a-z]-", json_schema_extra={"env": "TK_SLACK_BOT_TOKEN"})
    slack_app_token: str | None = Field(None, pattern=r"^xapp-", json_schema_extra={"env": "TK_SLACK_APP_TOKEN"})
    """An app-level token: Slack connects over Socket Mode (no public URL needed)."""
    slack_handoff: str | None = Field(None, pattern=HANDOFF_TARGET, json_schema_extra={"env": "TK_SLACK_HANDOFF"})
    """Who "Talk to a person" mentions: a user group (S...), a user (U...), or `here`."""
    slack_channels: dict[str, ChannelPolicy] = Field(default_factory=dict, json_schema_extra={"env": "TK_SLACK_CHANNELS"})
    """Per-channel settings as JSON, by channel id (`*` for every other channel)."""
    slack_api_base: str = Field("https://slack.com/api", pattern=r"^https?://", json_schema_extra={"env": "TK_SLACK_API_BASE"})
    feishu_app_id: str | None = Field(None, json_schema_extra={"env": "TK_FEISHU_APP_ID"})
    feishu_app_secret: str | None = Field(None, json_schema_extra={"env": "TK_FEISHU_APP_SECRET"})
    feishu_verification_token: str | None = Field(None, json_schema_extra={"env": "TK_FEISHU_VERIFICATION_TOKEN"})
    feishu_encrypt_key: str | None = Field(None, json_schema_extra={"env": "TK_FEISHU_ENCRYPT_KEY"})
    feishu_connection: Literal["webhook", "long"] = Field("webhook", json_schema_extra={"env": "TK_FEISHU_CONNECTION"})
    """`long`: the app opens a long connection to Feishu (no public URL needed); `webhook`: Feishu posts events."""
    feishu_handoff: str | None = Field(None, pattern=r"^(all|ou_[A-Za-z0-9_-]+)$", json_schema_extra={"env": "TK_FEISHU_HANDOFF"})
    """Who "Talk to a person" mentions: a user's open_id (ou_...) or `all`."""
    feishu_channels: dict[str, ChannelPolicy] = Field(default_factory=dict, json_schema_extra={"env": "TK_FEISHU_CHANNELS"})
    """Per-chat settings as JSON, by chat id (`*` for every other chat)."""
    feishu_domain: str = Field("https://open.feishu.cn", pattern=r"^https?://[^/]+/?$", json_schema_extra={"env": "TK_FEISHU_DOMAIN"})
    """`https://open.larksuite.com` for Lark."""
    wecom_corp_id: str | None = Field(None, json_schema_extra={"env": "TK_WECOM_CORP_ID"})
    wecom_agent_id: int | None = Field(None, json_schema_extra={"env": "TK_WECOM_AGENT_ID"})
    wecom_secret: str | None = Field(None, json_schema_extra={"env": "TK_WECOM_SECRET"})
    wecom_token: str | None = Field(None, json_schema_extra={"env": "TK_WECOM_TOKEN"})
    wecom_aes_key: str | None = Field(None, pattern=r"^[A-Za-z0-9+/]{43}$", json_schema_extra={"env": "TK_WECOM_AES_KEY"})
    """The callback's EncodingAESKey (43 characters)."""
    wecom_handoff: str | None = Field(None, pattern=r"^[A-Za-z0-9_.@-]+(\|[A-Za-z0-9_.@-]+)*$", json_schema_extra={"env": "TK_WECOM_HANDOFF"})
    """WeCom user ids (`a|b`) told when someone replies 转人工 / human."""
    wecom_api_base: str = Field("https://qyapi.weixin.qq.com/cgi-bin", pattern=r"^https?://", json_schema_extra={"env": "TK_WECOM_API_BASE"})

    @field_validator("slack_channels", "feishu_channels", mode="before")
    @classmethod
    def _channels_json(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_api_key or self.llm_base_url)

    @property
    def use_llm(self) -> bool:
        """True when an OpenAI-compatible model drives the agent."""
        return self.provider == "openai" or (self.provider == "auto" and self.llm_configured)

    @property
    def answer_processes(self) -> int:
        if self.answer_workers != "auto":
            return self.answer_workers
        cpus = os.cpu_count() or 1
        return cpus if cpus > 1 and not self.use_llm else 0

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "tk-advisor.sqlite3"

    @property
    def store_target(self) -> str | Path:
        """What `Store` opens: `TK_DATABASE_URL`, else the SQLite file."""
        return self.database_url or self.sqlite_path

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read the environment; raise `ConfigError` naming the variable that is wrong."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for name, field in cls.model_fields.items():
            var = (field.json_schema_extra or {})["env"]
            raw = env.get(var, "").strip()
            if name == "llm_base_url" and not raw:
                raw = env.get("OPENAI_BASE_URL", "").strip()
            if name == "otlp_endpoint" and not raw:
                raw = env.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip()
            if raw:
                values[name] = tuple(p.strip() for p in raw.split(",") if p.strip()) if field.annotation == tuple[str, ...] else raw
        if env.get("TK_API_KEYS", "").strip() and not values.get("api_keys"):
            raise ConfigError("TK_API_KEYS: set but holds no key (only commas or spaces); unset it to turn keys off")
        values.update(overrides)
        try:
            settings = cls(**values)
        except ValidationError as exc:
            err = exc.errors()[0]
            name = str(err["loc"][0])
            var = (cls.model_fields[name].json_schema_extra or {})["env"] if name in cls.model_fields else name
            raise ConfigError(f"{var}: {err['msg']} (got {values.get(name)!r})") from None
        short = [k for k in settings.api_keys if len(k) < MIN_KEY_CHARS]
        if short:
            raise ConfigError(f"TK_API_KEYS: {len(short)} key(s) shorter than {MIN_KEY_CHARS} characters; use long random keys")
        malformed = [pair for pair in settings.web_users if not all(part.strip() for part in pair.partition(":")[::2])]
        if malformed:
            raise ConfigError(f"TK_WEB_USERS: each entry is user:password (got {len(malformed)} without both)")
        weak = [pair.partition(":")[0] for pair in settings.web_users
                if len(pair.partition(":")[2]) < MIN_PASSWORD_CHARS or pair.partition(":")[2] == pair.partition(":")[0]]
        if weak:
            raise ConfigError(f"TK_WEB_USERS: the password of {', '.join(weak)} is weak: use {MIN_PASSWORD_CHARS}+ characters, "
                              "not the user name (e.g. `openssl rand -base64 18`)")
        if settings.provider == "openai" and not settings.llm_configured:
            raise ConfigError("TK_PROVIDER=openai needs OPENAI_API_KEY or TK_LLM_BASE_URL")
        if settings.embeddings == "openai" and not settings.llm_configured:
            raise ConfigError("TK_EMBEDDINGS=openai needs OPENAI_API_KEY or TK_LLM_BASE_URL")
        return settings
