"""The load generator: wrk, driven by a generated Lua script that reports in JSON.

Every target gets the same wrk threads, connections, warm-up and run length. The script
sends the demo user's four credential headers; order placement sends a valid equity order
with a client order id unique per request (a prefix per run, the wrk thread, a counter).

Given the server's CPU clock (``cpu``: its processes' user + system seconds), a run also
reports the server's CPU time per answer over the measured seconds: on a machine other
work shares, requests per second swing with what else runs, CPU time per answer much less.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEMO_HEADERS", "WRK", "CpuClock", "Load", "LoadResult", "order_body"]

WRK = shutil.which("wrk") or "wrk"
CpuClock = Callable[[], float]

DEMO_HEADERS = {
    "client-id": "demo-client",
    "client-secret": "demo-secret",  # the documented demo tenant
    "user-id": "demo-user",
    "user-secret": "demo-user-secret",
}


def order_body(cl_order_id: str) -> dict[str, str]:
    """The order every placement benchmark sends: a small limit buy that rests."""
    return {
        "account_id": "acc_demo_margin",
        "cl_order_id": cl_order_id,
        "broker": "ALPACA",
        "symbol": "AAPL",
        "side": "BUY",
        "order_type": "LMT",
        "order_tif": "DAY",
        "order_qty": "0.01",
        "order_limit_price": "250.00",
    }


_REPORT = """
function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
    .. '"p50_us": %d, "p99_us": %d, "bytes": %d}\\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), summary.bytes))
end
"""

_PLACE = """
counter = 0
threads_made = 0
function setup(thread)
  threads_made = threads_made + 1
  thread:set("tid", threads_made)
end
function request()
  counter = counter + 1
  local id = string.format("%s-%d-%d", PREFIX, tid, counter)
  local body = string.gsub(TEMPLATE, "CLORDERID", id)
  return wrk.format("POST", "/orders", nil, body)
end
"""


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal here


@dataclass(frozen=True, slots=True)
class LoadResult:
    """One wrk run against one target."""

    requests: int
    seconds: float
    status_errors: int
    socket_errors: int
    p50_ms: float
    p99_ms: float
    bytes_per_answer: float
    cpu_us_per_answer: float | None = None

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class Load:
    """wrk settings shared by every run (threads, connections, seconds)."""

    threads: int = 1
    connections: int = 16
    seconds: int = 10
    warmup_seconds: int = 2

    def get(self, base_url: str, path: str, cpu: CpuClock | None = None) -> LoadResult:
        """GET ``path`` with the demo credentials, after a warm-up run."""
        script = self._headers() + "wrk.method = 'GET'\n" + _REPORT
        return self._measure(f"{base_url}{path}", script, cpu)

    def place(self, base_url: str, prefix: str, cpu: CpuClock | None = None) -> LoadResult:
        """POST /orders with a fresh client order id per request, after a warm-up run."""
        template = json.dumps(order_body("CLORDERID"), separators=(",", ":"))
        script = (
            self._headers()
            + "wrk.headers['content-type'] = 'application/json'\n"
            + f"TEMPLATE = {_lua_string(template)}\n"
            + f"PREFIX = {_lua_string(prefix)}\n"
            + _PLACE
            + _REPORT
        )
        warm = script.replace(
            f"PREFIX = {_lua_string(prefix)}", f"PREFIX = {_lua_string(prefix + 'w')}"
        )
        self._run(base_url, warm, self.warmup_seconds)
        return self._run(base_url, script, self.seconds, cpu)

    def _headers(self) -> str:
        return "".join(
            f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}\n" for k, v in DEMO_HEADERS.items()
        )

    def _measure(self, url: str, script: str, cpu: CpuClock | None) -> LoadResult:
        if self.warmup_seconds:
            self._run(url, script, self.warmup_seconds)
        return self._run(url, script, self.seconds, cpu)

    def _run(self, url: str, script: str, seconds: int, cpu: CpuClock | None = None) -> LoadResult:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.lua"
            path.write_text(script)
            cpu_before = cpu() if cpu is not None else 0.0
            done = subprocess.run(  # noqa: S603 - wrk with our own arguments
                [
                    WRK,
                    f"-t{self.threads}",
                    f"-c{self.connections}",
                    f"-d{seconds}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(path),
                    url,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            cpu_seconds = cpu() - cpu_before if cpu is not None else None
        report = json.loads(done.stdout.strip().splitlines()[-1])
        requests = int(report["requests"])
        return LoadResult(
            requests=requests,
            seconds=report["duration_us"] / 1e6,
            status_errors=int(report["status_errors"]),
            socket_errors=int(report["socket_errors"]),
            p50_ms=report["p50_us"] / 1000,
            p99_ms=report["p99_us"] / 1000,
            bytes_per_answer=report["bytes"] / requests if requests else 0.0,
            cpu_us_per_answer=(
                cpu_seconds / requests * 1e6 if cpu_seconds is not None and requests else None
            ),
        )
