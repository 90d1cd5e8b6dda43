"""A tool as plain data: its name, description, argument schema and the function that runs it.

The agent loop gets each as a LangChain tool (`as_tool`); a one-shot offline answer runs it directly
(`message`) and gets the ToolMessage the agent's tool node would have made, without importing
LangChain's tool machinery (and the tracing it loads)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_core.messages import ToolMessage
    from langchain_core.tools import StructuredTool, ToolException


class ToolError(Exception):
    """Arguments a tool cannot run with: `payload` (`{"tool", "error": {"zh", "en"}, "fields"}`) says what to fix."""

    def __init__(self, payload: Any) -> None:
        super().__init__(payload)
        self.payload = payload


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    schema: dict[str, Any]
    """The arguments' JSON schema, whole (numbers may be text); `call` validates them itself."""
    call: Callable[[dict[str, Any]], Any]
    """Runs the tool on the arguments as given: a JSON-ready result, or `ToolError`."""

    def as_tool(self) -> StructuredTool:
        """The LangChain tool: a bad argument comes back as the error payload, in a ToolMessage with status "error"."""
        from langchain_core.tools import StructuredTool, ToolException

        def run(**kwargs: Any) -> Any:
            try:
                return self.call(kwargs)
            except ToolError as exc:
                raise ToolException(exc.payload) from None

        return StructuredTool.from_function(func=run, name=self.name, description=self.description, args_schema=self.schema,
                                            handle_tool_error=_payload_of)

    def message(self, call: dict[str, Any]) -> ToolMessage:
        """The ToolMessage answering a tool call `{"name", "args", "id"}`, as `as_tool()` gives it."""
        from langchain_core.messages import ToolMessage

        try:
            result, status = self.call(call["args"]), "success"
        except ToolError as exc:
            result, status = exc.payload, "error"
        return ToolMessage(message_content(result), tool_call_id=call["id"], name=self.name, status=status)


def _payload_of(exc: ToolException) -> Any:
    return exc.args[0]


def message_content(result: Any) -> str | list[Any]:
    """A result as a ToolMessage carries it, as LangChain formats these tools' results: text as it is,
    an empty list (no passages) as a list, anything else (a dict, a list of passages) as JSON."""
    if isinstance(result, str) or result == []:
        return result
    return json.dumps(result, ensure_ascii=False)
