"""deploy/: the compose file is valid against the Compose specification and wires what the
instances need. Docker cannot run on the test machine, so the files are checked, not started."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml

from assistant.config import Settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SPEC = Path(__file__).parent / "data" / "compose-spec.json"
"""The Compose specification's JSON schema, as shipped in docker-compose 1.29.2 (compose/config/compose_spec.json)."""
APPS = ("app-a", "app-b")


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_the_compose_file_follows_the_compose_specification() -> None:
    jsonschema.validate(_compose(), json.loads(SPEC.read_text()))


def test_instances_share_every_stateful_service_and_one_web_secret() -> None:
    compose = _compose()
    services = compose["services"]
    assert {"postgres", "redis", "chroma", "migrate", *APPS, "proxy"} <= services.keys()
    known = {(field.json_schema_extra or {})["env"] for field in Settings.model_fields.values()}
    for name in APPS:
        env = services[name]["environment"]
        assert set(env) - {"OPENAI_API_KEY"} <= known, "every variable is one tk-advisor reads"
        assert env["TK_DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["TK_DATABASE_URL"]
        assert env["TK_REDIS_URL"] == "redis://redis:6379/0" and env["TK_CHROMA_URL"] == "http://chroma:8000"
        assert env["TK_WEB_SECRET"].startswith("${TK_WEB_SECRET:?"), "one required secret, the same on every instance"
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    proxy_ip = services["proxy"]["networks"]["backend"]["ipv4_address"]
    assert services["app-a"]["environment"]["TK_TRUSTED_PROXIES"] == proxy_ip
    assert services["migrate"]["command"] == ["tk-advisor", "db", "upgrade"]


def test_images_are_pinned_and_chroma_matches_the_client() -> None:
    services = _compose()["services"]
    for name, service in services.items():
        if "image" in service:
            assert re.fullmatch(r"[\w./-]+:\d[\w.-]*", service["image"]), f"{name}: pin a version, not {service['image']}"
    pinned = re.search(r'"chromadb==([\d.]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    assert services["chroma"]["image"] == f"chromadb/chroma:{pinned}"


def test_the_proxy_keeps_browsers_on_one_instance_and_balances_by_readiness() -> None:
    """Checked here as text; tests/services/test_instances.py runs this Caddyfile in front of two instances."""
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    assert "reverse_proxy {$TK_UPSTREAMS:app-a:7860 app-b:7860}" in caddyfile and "health_uri /readyz" in caddyfile
    assert re.search(r"lb_policy cookie tk_upstream", caddyfile) and "lb_retries" in caddyfile and "max_fails" in caddyfile
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert 'CMD ["tk-advisor", "serve"]' in dockerfile and "/readyz" in dockerfile and "USER tk" in dockerfile
