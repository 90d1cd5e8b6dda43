"""Throwaway PostgreSQL, Redis and Chroma servers on free loopback ports, and `tk-advisor serve`
instances that share them. Each can be stopped and started again on the same port (outage tests)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

from assistant.service.answering import START_TIMEOUT

PG_BIN = Path("/usr/lib/postgresql")
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(ready: Callable[[], bool], what: str, seconds: float = 60.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if ready():
                return
        except Exception:
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not become ready in {seconds:g} s")
        time.sleep(0.1)


def missing_binaries() -> list[str]:
    """The Debian packages these tests need that are not installed."""
    missing = []
    if not sorted(PG_BIN.glob("*/bin/postgres")):
        missing.append("postgresql")
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    if shutil.which("caddy") is None:
        missing.append("caddy")
    return missing


def children_of(parents: list[int]) -> list[int]:
    """The processes whose parent is one of `parents`, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) in parents:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


class Service:
    """A server process that can be stopped and started again on the same port."""

    name = "service"
    start_seconds = 60.0
    """How long `start` waits for the server to answer (it stops waiting at once if the process exits)."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = workdir / f"{self.name}.log"

    def command(self) -> Sequence[str]:
        raise NotImplementedError

    def ready(self) -> bool:
        raise NotImplementedError

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                            **self.popen_options())
        wait_for(self.ready, self.name, self.start_seconds, process=self.process)

    def popen_options(self) -> dict:
        return {}

    def stop(self) -> None:
        """SIGINT to the process group (a fast, clean shutdown for each of these servers)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


class Postgres(Service):
    name = "postgres"

    def __init__(self, workdir: Path):
        workdir.mkdir()
        super().__init__(workdir)
        self.bin = sorted(PG_BIN.glob("*/bin"))[-1]
        self.data = workdir / "pgdata"
        self.data.mkdir()
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(workdir, "postgres")
            shutil.chown(self.data, "postgres")
            self.log.touch()
            shutil.chown(self.log, "postgres")
        self._as_owner([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                        "--no-sync"])
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_owner(self, argv: list[str]) -> None:
        subprocess.run(self._owner_prefix() + argv, check=True, capture_output=True)

    @staticmethod
    def _owner_prefix() -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def command(self) -> Sequence[str]:
        return [*self._owner_prefix(), str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port),
                "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.workdir}", "-c", "max_connections=200"]

    def ready(self) -> bool:
        return subprocess.run([str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                              capture_output=True).returncode == 0

    def stop(self) -> None:
        super().stop()
        wait_for(lambda: not self.ready(), "postgres shutdown", seconds=20)

    def processes(self) -> list[int]:
        """The postmaster and its children (each backend runs in a session of its own)."""
        assert self.process is not None
        top = [self.process.pid, *children_of([self.process.pid])]  # runuser, when root, then postgres
        postmasters = [pid for pid in top if Path(f"/proc/{pid}/comm").read_text().strip() == "postgres"]
        return postmasters + children_of(postmasters)

    def signal_all(self, signum: int) -> None:
        """Send `signum` to the postmaster and every backend (SIGSTOP: a server that hangs, not one that stopped)."""
        for pid in self.processes():
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass


class Redis(Service):
    name = "redis"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> Sequence[str]:
        return ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(self.workdir)]

    def ready(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")


class Chroma(Service):
    name = "chroma"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> Sequence[str]:
        return [str(BIN / "chroma"), "run", "--path", str(self.workdir / "chroma"), "--host", "127.0.0.1", "--port", str(self.port)]

    def popen_options(self) -> dict:
        return {"env": {**os.environ, "ANONYMIZED_TELEMETRY": "False"}}

    def ready(self) -> bool:
        return httpx.get(self.url + "/api/v2/heartbeat", timeout=1).status_code == 200


class Instance(Service):
    """One `tk-advisor serve` process with its own data dir, on the shared services of `env`."""

    name = "instance"
    start_seconds = START_TIMEOUT
    """A start loads the knowledge, then the answer workers: 23-56 s on an idle machine, minutes on a
    loaded one (a restart that gave up after 60 s left the instance down for the tests after it)."""

    def __init__(self, workdir: Path, env: dict[str, str], label: str):
        self.name = f"instance-{label}"
        workdir.mkdir(parents=True, exist_ok=True)
        super().__init__(workdir)
        self.env = {**os.environ, **env, "TK_PORT": str(self.port), "TK_DATA_DIR": str(workdir / "data"),
                    "TK_PROVIDER": "offline", "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> Sequence[str]:
        return [str(BIN / "tk-advisor"), "serve"]

    def popen_options(self) -> dict:
        return {"env": self.env}

    def ready(self) -> bool:
        return httpx.get(self.url + "/healthz", timeout=1).status_code == 200

    def kill(self) -> None:
        """`kill -9`: no shutdown, no flushing."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None


DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


class Caddy(Service):
    """The shipped `deploy/Caddyfile`, unchanged, in front of `upstreams` (its environment variables)."""

    name = "caddy"

    def __init__(self, workdir: Path, upstreams: Sequence[str]):
        workdir.mkdir(parents=True, exist_ok=True)
        super().__init__(workdir)
        self.env = {**os.environ, "TK_PROXY_ADDRESS": f":{self.port}", "TK_UPSTREAMS": " ".join(upstreams),
                    "TK_PROXY_SECRET": "proxy-test-secret", "CADDY_ADMIN": f"127.0.0.1:{free_port()}",
                    "HOME": str(workdir), "XDG_CONFIG_HOME": str(workdir / "config"), "XDG_DATA_HOME": str(workdir / "data")}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> Sequence[str]:
        return ["caddy", "run", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"]

    def popen_options(self) -> dict:
        return {"env": self.env}

    def ready(self) -> bool:
        return httpx.get(self.url + "/healthz", timeout=1).status_code == 200
