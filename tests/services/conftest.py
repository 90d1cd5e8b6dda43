"""Real PostgreSQL, Redis and Chroma servers for `pytest -m services`, started once per session on
free loopback ports and removed after. Without the Debian packages the tests skip, unless
`TK_REQUIRE_SERVICES=1` (set by `.ci/run`), where a missing package is a failure."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import Chroma, Postgres, Redis, Service, missing_binaries

pytestmark = pytest.mark.services


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/services/" in str(item.path):
            item.add_marker(pytest.mark.services)


@pytest.fixture(scope="session")
def services_dir() -> Iterator[Path]:
    if missing := missing_binaries():
        message = f"needs the Debian packages {', '.join(missing)} (`.ci/run` installs them)"
        if os.environ.get("TK_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    workdir = Path(tempfile.mkdtemp(prefix="tk-services-"))
    workdir.chmod(0o755)
    yield workdir
    shutil.rmtree(workdir, ignore_errors=True)


def _running(server: Service) -> Iterator[Service]:
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres(services_dir: Path) -> Iterator[Postgres]:
    yield from _running(Postgres(services_dir / "pg"))


@pytest.fixture(scope="session")
def redis(services_dir: Path) -> Iterator[Redis]:
    yield from _running(Redis(services_dir))


@pytest.fixture(scope="session")
def chroma(services_dir: Path) -> Iterator[Chroma]:
    yield from _running(Chroma(services_dir))
