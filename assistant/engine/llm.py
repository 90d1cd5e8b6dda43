"""The OpenAI-compatible chat model, built only when one is configured."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from assistant.config import Settings


def build_llm(settings: Settings) -> BaseChatModel:
    """ChatOpenAI for OpenAI's API or any compatible server (vLLM, Ollama, llama.cpp)."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.llm_model,
        api_key=settings.openai_api_key or "not-needed",
        base_url=settings.llm_base_url,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        temperature=0,
        # One whole response per call, also when the agent streams: a model's text is held until it is
        # grounded anyway, and a streamed tool call cut short would be completed by the partial-JSON
        # parser (a missing argument silently defaulted) instead of being reported as unreadable.
        disable_streaming=True,
    )
