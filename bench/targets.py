"""The servers under test, each in its own process on a loopback port.

- the mock broker, started the way a user starts it (``connecttrade-mock serve``);
- Stoplight Prism mocking the same ``openapi/openapi.json``;
- a bare Starlette endpoint on uvicorn answering the mock's own bytes (``bare_app.py``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

__all__ = ["CACHE", "MOCK_ORDER_RATE", "MOCK_START", "ROOT", "Server", "free_port", "mock_command"]

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"  # gitignored: Prism's install, server logs, profiles
# A Wednesday at 10:00 in New York: the market is open, so the run never depends on the
# day it is made (the mock's clock then runs in real time from there).
MOCK_START = "2026-11-18T10:00:00-05:00"
# The rate limiter (10 orders/s per user by default) would answer most placements 429.
MOCK_ORDER_RATE = "1000000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mock_command(port: int, *, answer_cache: bool = True, speedups: bool = True) -> list[str]:
    """``connecttrade-mock serve`` as a user runs it, with the order rate limit lifted
    (and, if asked, with ``--no-answer-cache`` or ``--no-speedups``)."""
    command = [
        str(Path(sys.executable).with_name("connecttrade-mock")),
        "serve",
        "--port",
        str(port),
        "--start",
        MOCK_START,
        "--order-rate",
        MOCK_ORDER_RATE,
        "--log-level",
        "warning",
    ]
    if not answer_cache:
        command.append("--no-answer-cache")
    if not speedups:
        command.append("--no-speedups")
    return command


@dataclass
class Server:
    """A server process; ``ready_path`` is polled until it answers anything."""

    name: str
    command: Sequence[str]
    port: int
    ready_path: str = "/"
    startup_seconds: float = 120.0
    env: dict[str, str] = field(default_factory=dict)
    _process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return CACHE / "logs" / f"{self.name.replace(' ', '-')}.log"

    def __enter__(self) -> Self:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(  # noqa: S603 - fixed commands of this package
                list(self.command),
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.startup_seconds
        while True:
            try:
                urllib.request.urlopen(self.base_url + self.ready_path, timeout=2)  # noqa: S310
                return self
            except urllib.error.HTTPError:
                return self  # it answered
            except OSError:
                if self._process.poll() is not None:
                    error = self.log_path.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"{self.name} did not start:\n{error}") from None
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"{self.name} did not answer within {self.startup_seconds} s"
                    ) from None
                time.sleep(0.2)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of the server's processes so far (its process group:
        Prism's node runs under a shell); Linux only, 0.0 elsewhere."""
        process = self._process
        if process is None:
            return 0.0
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            if int(fields[2]) == process.pid:  # the process group (fields after the name)
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """Stop the process and its children (Prism runs node under a shell)."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
