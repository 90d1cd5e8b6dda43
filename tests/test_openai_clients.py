"""OpenAI compatibility, proven with the clients teams use: each drives the real server on loopback.

The `openai` Python client, LangChain's ChatOpenAI, the `llm` command-line tool and the `openai`
package for Node (installed by `.ci/run` into tests/node) each ask plain and streamed, and each
checks the answer text, `usage` and the finish reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langchain_openai import ChatOpenAI
from service_support import serving

KEY = "sk-client-compat-0123456789"
QUESTION = "我的视频20万播放, GPM 12, 能卖多少?"
NODE_DIR = Path(__file__).parent / "node"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serving(api_keys=(KEY,), rate_limit_per_minute=60_000, rate_limit_burst=10_000) as base:
        yield base


@pytest.fixture(scope="module")
def client(url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{url}/v1", api_key=KEY, max_retries=0, timeout=60)


def _usage_ok(usage: object) -> None:
    prompt, completion, total = (getattr(usage, k) if not isinstance(usage, dict) else usage[k]
                                 for k in ("prompt_tokens", "completion_tokens", "total_tokens"))
    assert prompt > 0 and completion > 0 and total == prompt + completion


def test_openai_python_plain(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(model="tk-advisor", messages=[{"role": "user", "content": QUESTION}],
                                                temperature=0.2, max_tokens=500, seed=7, n=1, top_p=1,
                                                response_format={"type": "text"}, metadata={"team": "ops"})
    assert "2,400" in completion.choices[0].message.content and completion.choices[0].finish_reason == "stop"
    _usage_ok(completion.usage)


@pytest.mark.parametrize("include_usage", [False, True])
def test_openai_python_stream(client: openai.OpenAI, include_usage: bool) -> None:
    stream = client.chat.completions.create(model="tk-advisor", messages=[{"role": "user", "content": QUESTION}],
                                            stream=True, stream_options={"include_usage": include_usage})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert "2,400" in text and finishes == ["stop"]
    usages = [c.usage for c in chunks if c.usage]
    if include_usage:
        assert len(usages) == 1 and not chunks[-1].choices
        _usage_ok(usages[0])
    else:
        assert usages == []


def test_openai_python_models(client: openai.OpenAI) -> None:
    assert client.models.retrieve("tk-advisor").id == "tk-advisor"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-9")


def test_client_tools_are_declined_clearly(url: str) -> None:
    body = {"model": "tk-advisor", "messages": [{"role": "user", "content": "hi"}],
            "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}], "future_field": 1}
    response = httpx.post(f"{url}/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "tools_not_supported"
    wrong = httpx.post(f"{url}/v1/chat/completions", headers={"Authorization": f"Bearer {KEY}"},
                       json={**body, "tools": None, "temperature": "hot"})
    assert wrong.status_code == 422 and set(wrong.json()) == {"error"}


def test_langchain_invoke_stream_and_three_turns(url: str) -> None:
    chat = ChatOpenAI(base_url=f"{url}/v1", api_key=KEY, model="tk-advisor", max_retries=0, timeout=60,
                      stream_usage=True)
    reply = chat.invoke(QUESTION)
    assert "2,400" in reply.text and reply.usage_metadata["total_tokens"] > 0
    assert reply.response_metadata["finish_reason"] == "stop"
    streamed = list(chat.stream(QUESTION))
    assert "2,400" in "".join(c.text for c in streamed)
    assert sum(c.usage_metadata["total_tokens"] for c in streamed if c.usage_metadata) > 0
    assert [c.response_metadata["finish_reason"] for c in streamed if c.response_metadata.get("finish_reason")] == ["stop"]
    history = [HumanMessage(QUESTION), AIMessage(reply.text), HumanMessage("那如果GPM是8呢?")]
    second = chat.invoke(history)
    assert "1,600" in second.text  # 200,000 × 8 / 1,000, recomputed from the history the client sent
    history += [AIMessage(second.text), HumanMessage("那如果GPM是20呢?")]
    assert "4,000" in chat.invoke(history).text


def _llm(args: list[str], home: Path, url: str) -> str:
    env = {**os.environ, "LLM_USER_PATH": str(home), "TK_KEY": KEY}
    done = subprocess.run([sys.executable, "-m", "llm", *args], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("streamed", [False, True])
def test_llm_command_line_tool(url: str, tmp_path: Path, streamed: bool) -> None:
    (tmp_path / "extra-openai-models.yaml").write_text(
        f"- model_id: tk\n  model_name: tk-advisor\n  api_base: {url}/v1\n  api_key_name: tk\n", encoding="utf-8")
    (tmp_path / "keys.json").write_text(json.dumps({"tk": KEY}), encoding="utf-8")
    out = _llm(["-m", "tk", *([] if streamed else ["--no-stream"]), QUESTION], tmp_path, url)
    assert "2,400" in out
    logged = _llm(["logs", "list", "--json", "-n", "1"], tmp_path, url)
    record = json.loads(logged)[0]
    assert record["input_tokens"] and record["output_tokens"]
    response = record["response_json"]  # the completion as sent, or llm's merge of the streamed chunks
    finish = response["finish_reason"] if streamed else response["choices"][0]["finish_reason"]
    assert finish == "stop"


@pytest.mark.parametrize("mode", ["plain", "stream"])
def test_openai_package_for_node(url: str, mode: str) -> None:
    node = shutil.which("node")
    assert node and (NODE_DIR / "node_modules" / "openai").is_dir(), "run .ci/run (npm ci --prefix tests/node)"
    done = subprocess.run([node, str(NODE_DIR / "chat.mjs"), f"{url}/v1", KEY, mode, QUESTION],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert "2,400" in result["text"] and result["finish"] == "stop"
    _usage_ok(result["usage"])
