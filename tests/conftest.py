"""Shared fixtures. Keep this file small and generic."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from openai_stub import OpenAIStub

from assistant.advisor import Advisor
from assistant.config import Settings
from assistant.kb.retrieve import Retriever, open_retriever
from assistant.store import Store


@pytest.fixture(scope="session")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    """One hybrid retriever over the repository's knowledge, indexed into a temporary data dir."""
    return open_retriever(Settings.from_env(environ={}, data_dir=tmp_path_factory.mktemp("kb-data")))


@pytest.fixture(scope="session")
def advisor(retriever: Retriever, tmp_path_factory: pytest.TempPathFactory) -> Advisor:
    """The offline Advisor on the shared retriever, with its own temporary store."""
    settings = Settings.from_env(environ={}, data_dir=tmp_path_factory.mktemp("advisor-data"))
    return Advisor(settings, retriever, Store(settings.sqlite_path))


@pytest.fixture
def stub() -> Iterator[OpenAIStub]:
    """A local server speaking OpenAI's protocol, replaying the replies a test enqueues."""
    with OpenAIStub() as server:
        yield server
