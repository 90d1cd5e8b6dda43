"""Tool calls on one long-lived thread pool per process.

langgraph 1.2's `ToolNode` opens a new `ContextThreadPoolExecutor` for every tool step and shuts
it down after: a thread started and joined per tool call. For an offline answer (about 13 ms of
CPU) that churn costs about 1 ms, so the tool node here takes its threads from one shared pool.
The pool only ever runs tool calls, which never wait on the pool themselves, so its bound cannot
deadlock; it is large because a tool may wait on the network (OpenAI embeddings).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from langchain_core.runnables.config import ContextThreadPoolExecutor, get_executor_for_config
from langgraph.prebuilt import tool_node

log = logging.getLogger(__name__)

MAX_TOOL_THREADS = 64

_lock = threading.Lock()
_pool: ContextThreadPoolExecutor | None = None


def tool_threads() -> ContextThreadPoolExecutor:
    """The process's tool pool (threads start on demand and are then reused)."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ContextThreadPoolExecutor(max_workers=MAX_TOOL_THREADS, thread_name_prefix="tk-tool")
        return _pool


@contextmanager
def _shared_executor(config: Any) -> Iterator[ContextThreadPoolExecutor]:
    """Stands in for `get_executor_for_config` in the tool node: the shared pool, never shut down."""
    yield tool_threads()


def reuse_tool_threads() -> bool:
    """Point langgraph's tool node at the shared pool; False (and a warning) if this langgraph
    no longer builds its executor the way this expects, in which case nothing is changed."""
    current = getattr(tool_node, "get_executor_for_config", None)
    if current is _shared_executor:
        return True
    if current is not get_executor_for_config:
        log.warning("langgraph's ToolNode no longer uses get_executor_for_config; tool threads are not shared")
        return False
    tool_node.get_executor_for_config = _shared_executor  # type: ignore[assignment]
    return True
