"""Instructions per POST /orders on the mock, counted by callgrind: repeatable under load.

Wall-clock and CPU figures swing with whatever else runs on the machine; the number of
instructions the mock spends on one placement does not. This drives the mock's ASGI app in
process (no sockets, a manual clock, a fixed hash seed, the benchmark's book: three filled
holdings, then resting AAPL limit buys as ``bench/load.py`` sends them) under
``valgrind --tool=callgrind`` twice, with a short and a long run, and prints the
difference divided by the extra placements: startup and warm-up cancel out.

    python -m bench.placement_instructions [--calls 2000] [--no-speedups] [--out DIR]

``--out`` keeps both callgrind files (``callgrind_annotate`` reads them). Needs valgrind.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.load import DEMO_HEADERS, order_body
from bench.run import HOLDINGS
from bench.targets import MOCK_START
from connecttrade_mock import speedups as switch
from connecttrade_mock.app import create_app
from connecttrade_mock.clock import ClockMode
from connecttrade_mock.simulator import DEMO, Settings

__all__ = ["main"]

WARM = 200  # placements before counting starts matter: caches, memos, the first book
_COLLECTED = re.compile(rb"Collected : (\d+)")


async def _drive(placements: int, speedups: bool) -> None:
    settings = Settings(
        clock_mode=ClockMode.MANUAL,
        clock_start=datetime.fromisoformat(MOCK_START),
        order_rate_per_second=1e9,
        speedups=speedups,
    )
    app = create_app(settings)
    if speedups:
        switch.before_serving()
    engine = app.state.broker.sim.engine
    for number, (symbol, qty) in enumerate(HOLDINGS):
        held = {**order_body(f"hold-{number}"), "symbol": symbol, "order_type": "MKT"}
        held["order_qty"] = qty
        del held["order_limit_price"]
        engine.place((DEMO.client_id, DEMO.user_id), held)
    headers = [(k.encode(), v.encode()) for k, v in DEMO_HEADERS.items()]
    headers += [(b"content-type", b"application/json"), (b"host", b"mock")]
    statuses: list[int] = []

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    # One body per placement, as wrk sends them: a template with a fresh client order id.
    template = json.dumps(order_body("CLORDERID"), separators=(",", ":")).encode()
    for number in range(placements):
        body = template.replace(b"CLORDERID", b"p-%d" % number)

        async def receive(body: bytes = body) -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/orders",
            "raw_path": b"/orders",
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "server": ("mock", 80),
            "client": ("127.0.0.1", 1),
        }
        await app(scope, receive, send)
    if any(status != 201 for status in statuses):
        raise SystemExit(f"a placement was not answered 201: {sorted(set(statuses))}")


def _count(placements: int, speedups: bool, out: Path) -> int:
    """Instructions of one whole driver run of ``placements`` under callgrind."""
    args = ["--drive", str(placements)] + ([] if speedups else ["--no-speedups"])
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}",
        sys.executable,
        "-m",
        "bench.placement_instructions",
        *args,
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, env=env, capture_output=True, check=False)  # noqa: S603 - our own argv
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(done.stderr.decode(errors="replace")[-2000:])
    return int(found.group(1))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000, help="placements counted")
    parser.add_argument("--no-speedups", dest="speedups", action="store_false")
    parser.add_argument("--out", type=Path, help="keep the callgrind files here")
    parser.add_argument("--drive", type=int, help=argparse.SUPPRESS)  # the counted run
    args = parser.parse_args(argv)
    if args.drive is not None:
        asyncio.run(_drive(args.drive, args.speedups))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(2) as pool:
        folder = args.out or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        runs = [(WARM, "short"), (WARM + args.calls, "long")]
        short, long = pool.map(
            lambda run: _count(run[0], args.speedups, folder / f"callgrind.{run[1]}.out"), runs
        )
    per = (long - short) / args.calls
    mode = "on" if args.speedups else "off"
    print(f"POST /orders, speedups {mode}: {per:,.0f} instructions per placement")


if __name__ == "__main__":
    main()
