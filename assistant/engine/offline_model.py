"""The offline engine as a LangChain chat model, so the agent loop drives it as it drives an LLM."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from assistant.engine.offline import OfflineEngine


class OfflineModel(BaseChatModel):
    """Drives the same agent loop, tools and grounding as an LLM, with no network and no weights."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    engine: OfflineEngine

    @property
    def _llm_type(self) -> str:
        return "tk-advisor-offline"

    def bind_tools(self, tools: Any, **kwargs: Any) -> OfflineModel:
        """The plan names its tools itself; binding changes nothing."""
        return self

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.engine.respond(messages))])

    def _stream(
        self, messages: list[BaseMessage], stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        message = self.engine.respond(messages)
        if message.tool_calls:
            chunks = [{"name": c["name"], "args": json.dumps(c["args"], ensure_ascii=False), "id": c["id"], "index": i}
                      for i, c in enumerate(message.tool_calls)]
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=chunks,
                                                             additional_kwargs=message.additional_kwargs))
            return
        for i, piece in enumerate(re.split(r"(?<=\n)", message.text)):
            chunk = ChatGenerationChunk(message=AIMessageChunk(
                content=piece, additional_kwargs=message.additional_kwargs if i == 0 else {}))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
