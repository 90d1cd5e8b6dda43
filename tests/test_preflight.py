"""`tk-advisor serve` refuses a broken configuration at once: one line naming the variable, exit 2."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import PACKAGE_ROOT


def serve(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "TK_DATA_DIR": str(tmp_path / "data"), "TK_PROVIDER": "offline", "TK_PORT": str(free_port()), **env}
    return subprocess.run([sys.executable, "-m", "assistant.cli", "serve", *args], capture_output=True, text=True,
                          env=environ, timeout=60)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def broken_knowledge(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(PACKAGE_ROOT / "knowledge", copy)
    bad = copy / "claims" / "aigc-gmv-share.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("title:", "title: [", 1), encoding="utf-8")
    return copy


@pytest.mark.parametrize(
    ("setup", "args", "needle"),
    [
        (lambda t: {"TK_KNOWLEDGE_DIR": str(broken_knowledge(t))}, (), "aigc-gmv-share.yaml:"),
        (lambda t: {"TK_KNOWLEDGE_DIR": str(t / "nowhere")}, (), "TK_KNOWLEDGE_DIR"),
        (lambda t: {"TK_KNOWLEDGE_DIR": str(t)}, (), "holds no knowledge entries"),
        (lambda t: {"TK_HOST": "no-such-host.invalid"}, (), "TK_HOST"),
        (lambda t: {"TK_PORT": "80a"}, ("--port", "9999"), "TK_PORT"),
        (lambda t: {"TK_SLACK_SIGNING_SECRET": "s3cret"}, (), "TK_SLACK_BOT_TOKEN"),
        (lambda t: {"TK_FEISHU_APP_ID": "cli_x"}, (), "TK_FEISHU_APP_SECRET"),
        (lambda t: {"TK_API_KEYS": " , ,"}, (), "TK_API_KEYS"),
    ],
)
def test_a_broken_setting_stops_the_start_with_one_clear_line(tmp_path: Path, setup, args: tuple[str, ...], needle: str) -> None:
    done = serve(tmp_path, *args, **setup(tmp_path))
    assert done.returncode == 2
    assert needle in done.stderr and "Traceback" not in done.stderr


def test_an_unusable_data_dir_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    done = serve(tmp_path, TK_DATA_DIR=str(blocker / "data"))
    assert done.returncode == 2 and "TK_DATA_DIR" in done.stderr and "Traceback" not in done.stderr


def test_shared_services_that_do_not_answer_are_named_without_the_password(tmp_path: Path) -> None:
    closed = free_port()  # nothing listens there
    done = serve(tmp_path, TK_DATABASE_URL=f"postgresql://tk:hunter2-secret@127.0.0.1:{closed}/tk",
                 TK_REDIS_URL=f"redis://127.0.0.1:{closed}/0", TK_CHROMA_URL=f"http://127.0.0.1:{closed}")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert [line.split(":")[1].strip() for line in lines] == ["TK_DATABASE_URL", "TK_REDIS_URL", "TK_CHROMA_URL"]
    assert "hunter2-secret" not in done.stderr and f"127.0.0.1:{closed}/tk" in done.stderr


def test_a_busy_port_is_named_before_anything_loads(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = serve(tmp_path, TK_PORT=str(taken.getsockname()[1]))
    assert done.returncode == 2 and "TK_PORT" in done.stderr and "in use" in done.stderr and "Traceback" not in done.stderr
    assert "loading the knowledge base" not in done.stdout, "refused by the start-up checks, before the knowledge and the models load"
