"""Run every benchmark once, back to back on this machine, and write docs/benchmarks.md.

    nox -s bench                      # what CI never runs: installs wrk and Prism if needed
    python -m bench --prism PATH      # the same, in an environment that has everything

Absolute numbers depend on the machine and on what else it runs; the ratios are measured
back to back in one run and are what the targets are about.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.growth import BookPoint, book_point, tick_costs
from bench.load import DEMO_HEADERS, Load, LoadResult, order_body
from bench.sdk import CallCost, ParseCost, page_body, parse_cost, sdk_call_costs
from bench.targets import CACHE, MOCK_ORDER_RATE, MOCK_START, ROOT, Server, free_port, mock_command

__all__ = ["main"]

OUTPUT = ROOT / "docs" / "benchmarks.md"
STREAMS = ROOT / "bench" / "streams.py"
COMMAND = "nox -s bench"
ENDPOINTS = (
    ("GET /positions", "/positions"),
    ("GET /orders (page of 50)", "/orders?limit=50"),
    ("POST /orders", None),
)
# Positions the comparison's mock holds, so GET /positions answers a real list.
HOLDINGS = (("AAPL", "10"), ("MSFT", "5"), ("SPY", "3"))
RESTING_FOR_PAGE = 60
MOCK, FRESH, PRISM, BARE = "mock", "mock, no answer cache", "Prism", "bare Starlette"
# `serve --no-speedups`: stock uvicorn, the standard JSON parse, no interning or GC tuning.
STOCK = "mock, speedups off"


@dataclass(frozen=True, slots=True)
class Row:
    endpoint: str
    target: str
    result: LoadResult


def _check(response: httpx.Response, what: str) -> httpx.Response:
    if not response.is_success:
        raise RuntimeError(f"{what}: {response.status_code} {response.text[:300]}")
    return response


def _prepare_mock(base_url: str) -> dict[str, str]:
    """Give the mock positions and a full page of open orders; return the three bodies."""
    with httpx.Client(base_url=base_url, headers=DEMO_HEADERS, timeout=30) as http:
        for number, (symbol, qty) in enumerate(HOLDINGS):
            body = {
                **order_body(f"hold-{number}"),
                "symbol": symbol,
                "order_type": "MKT",
                "order_qty": qty,
            }
            del body["order_limit_price"]
            placed = _check(http.post("/orders", json=body), f"buying {symbol}").json()
            if placed["status"] != "filled":
                raise RuntimeError(f"the {symbol} market order did not fill: {placed}")
        for number in range(RESTING_FOR_PAGE):
            _check(http.post("/orders", json=order_body(f"rest-{number}")), "a resting order")
        placed_body = _check(http.post("/orders", json=order_body("sample")), "sample").text
        return {
            "positions": _check(http.get("/positions"), "GET /positions").text,
            "orders": _check(http.get("/orders?limit=50"), "GET /orders").text,
            "placed": placed_body,
        }


def _verify(base_url: str, name: str) -> None:
    """Every benchmarked request answers 2xx on this target before it is measured."""
    with httpx.Client(base_url=base_url, headers=DEMO_HEADERS, timeout=30) as http:
        _check(http.get("/positions"), f"{name} GET /positions")
        page = _check(http.get("/orders?limit=50"), f"{name} GET /orders").json()
        if not isinstance(page, dict) or "orders" not in page:
            raise RuntimeError(f"{name} GET /orders did not answer a page")
        cl_order_id = "verify-" + re.sub(r"[^A-Za-z0-9]+", "-", name)
        _check(http.post("/orders", json=order_body(cl_order_id)), f"{name} POST /orders")


def _prism_server(prism: Path) -> Server:
    port = free_port()
    spec = str(ROOT / "openapi" / "openapi.json")
    command = [str(prism), "mock", spec, "-h", "127.0.0.1", "-p", str(port)]
    return Server("prism", [*command, "--verboseLevel", "warn"], port)


def compare(load: Load, prism: Path | None) -> tuple[list[Row], dict[str, int]]:
    """The mock, Prism and the bare endpoint, call by call, back to back."""
    rows: list[Row] = []
    with contextlib.ExitStack() as servers:
        mock_port = free_port()
        mock = servers.enter_context(
            Server("mock", mock_command(mock_port), mock_port, "/_mock/state")
        )
        bodies = _prepare_mock(mock.base_url)
        sizes = {name: len(body.encode()) for name, body in bodies.items()}
        fresh_port = free_port()
        fresh = servers.enter_context(
            Server(FRESH, mock_command(fresh_port, answer_cache=False), fresh_port, "/_mock/state")
        )
        _prepare_mock(fresh.base_url)  # the same books (its clock started a moment later)
        stock_port = free_port()
        stock = servers.enter_context(
            Server(STOCK, mock_command(stock_port, speedups=False), stock_port, "/_mock/state")
        )
        _prepare_mock(stock.base_url)
        bodies_file = CACHE / "bare-bodies.json"
        bodies_file.write_text(json.dumps(bodies))
        bare_port = free_port()
        bare_command = [sys.executable, "-m", "bench.bare_app", "--port", str(bare_port)]
        bare = servers.enter_context(
            Server("bare", [*bare_command, "--bodies", str(bodies_file)], bare_port)
        )
        targets = [(MOCK, mock), (FRESH, fresh), (STOCK, stock)]
        if prism is not None:
            targets.append((PRISM, servers.enter_context(_prism_server(prism))))
        targets.append((BARE, bare))
        for name, server in targets:
            _verify(server.base_url, name)
        for endpoint, path in ENDPOINTS:
            for name, server in targets:
                url, cpu = server.base_url, server.cpu_seconds
                if name == FRESH and path is None:
                    continue  # nothing is cached for a placement: the same as the mock
                if path is None:
                    result = load.place(url, f"c{len(rows)}", cpu)
                else:
                    result = load.get(url, path, cpu)
                rows.append(Row(endpoint, name, result))
                print(f"  {endpoint:<26} {name:<15} {result.per_second:8.0f} req/s", flush=True)
    return rows, sizes


def sdk_costs() -> tuple[list[CallCost], ParseCost]:
    """SDK against raw calls, then the parse benchmark, on a fresh mock."""
    port = free_port()
    with Server("mock-sdk", mock_command(port), port, "/_mock/state") as mock:
        _prepare_mock(mock.base_url)
        calls = sdk_call_costs(mock.base_url)
        body = page_body(mock.base_url)
    return calls, parse_cost(body)


def _tool_version(command: Sequence[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)  # noqa: S603
    except OSError:
        return "not found"
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _server_stack() -> str:
    """The uvicorn stack every server here runs on (the mock's ``server_config``)."""
    parts = []
    for name in ("uvicorn", "uvloop", "httptools", "starlette"):
        try:
            parts.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name} not installed")
    return ", ".join(parts)


def _load_average() -> str:
    try:
        return " / ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:.0f}"


def _speedup(cost: dict[str, float | None], slower: str, faster: str, *, times: bool = True) -> str:
    """How many answers ``faster`` gives for one of ``slower`` at equal CPU."""
    numerator, denominator = cost.get(slower), cost.get(faster)
    if not numerator or not denominator:
        return "n/a"
    ratio = numerator / denominator
    return f"{ratio:.1f}x" if times else f"{ratio:.2f}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _variants(rows: list[Row]) -> list[tuple[str, str | None, str]]:
    """(call, path, mock variant) for every mock variant measured on each call."""
    measured = {(row.endpoint, row.target) for row in rows}
    return [
        (endpoint, path, variant)
        for endpoint, path in ENDPOINTS
        for variant in (MOCK, FRESH, STOCK)
        if (endpoint, variant) in measured
    ]


def _label(endpoint: str, variant: str) -> str:
    if variant == STOCK:
        return f"{endpoint}, speedups off"
    return endpoint if variant == MOCK else f"{endpoint}, answer cache off"


def render(
    *,
    load: Load,
    rows: list[Row],
    sizes: dict[str, int],
    points: list[BookPoint],
    ticks: dict[int, float],
    calls: list[CallCost],
    parsed: ParseCost,
    codegen_seconds: float | None,
    machine: dict[str, str],
    prism_version: str,
) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Reproduce with `{COMMAND}` (from the repository root; not part of CI's default set).",
        "",
        f"Measured {machine['date']} on {machine['cpu']} ({machine['cores']} cores), "
        f"{machine['os']}, Python {machine['python']}; load average before / after the run: "
        f"{machine['load_before']} → {machine['load_after']}. Other work shared the machine, "
        "so absolute numbers are noisy; the ratios were measured back to back in one run.",
        "",
        f"Load generator: {machine['wrk']}, `-t{load.threads} -c{load.connections}`, "
        f"{load.seconds} s per point after a {load.warmup_seconds} s warm-up, every server in "
        "its own process on loopback. The mock runs as `connecttrade-mock serve --start "
        f"{MOCK_START} --order-rate {MOCK_ORDER_RATE} --log-level warning`: real clock, full "
        "request and response validation, state in memory; the order rate limit is lifted so "
        "that it does not answer 429. A read's encoded answer is given again while nothing it "
        "shows changed (the store's version, pinned quotes, the clock's second: "
        "`connecttrade_mock/http/answers.py`); the rows *mock, no answer cache* run the "
        "same with `--no-answer-cache`, every answer worked out afresh, and the rows *mock, "
        "speedups off* with `--no-speedups` (stock uvicorn, the standard JSON parse, no "
        "interning or collector tuning: what `MockServer` and the pytest plugin run). Prism: "
        f"`@stoplight/prism-cli` {prism_version} "
        "(`prism mock openapi/openapi.json --verboseLevel warn`), which also validates "
        "requests and answers the contract's examples. Bare: Starlette answering the mock's "
        "own bytes for each call (`bench/bare_app.py`), served with the mock's own uvicorn "
        "configuration (`connecttrade_mock.testing.server_config`: uvloop, and uvicorn's "
        "httptools protocol sending what each turn of the loop wrote at its end, one write "
        "per connection, "
        "`connecttrade_mock/fast/http_protocol.py`), so the ceiling gains what the mock's server "
        f"gains. Server stack: {machine['server']}.",
        "",
        "## Mock broker against Prism and the bare ceiling",
        "",
        "| call | server | req/s | p50 ms | p99 ms | non-2xx | bytes/answer "
        "| server CPU µs/answer |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        r = row.result
        cpu = f"{r.cpu_us_per_answer:.0f}" if r.cpu_us_per_answer is not None else "—"
        lines.append(
            f"| {row.endpoint} | {row.target} | {r.per_second:.0f} | {r.p50_ms:.2f} | "
            f"{r.p99_ms:.2f} | {r.status_errors + r.socket_errors} | {r.bytes_per_answer:.0f} "
            f"| {cpu} |"
        )
    lines += [
        "",
        "| call | mock ÷ Prism (req/s) | target | mock ÷ bare (req/s) | target "
        "| bare ÷ Prism (the ceiling) |",
        "| --- | ---: | --- | ---: | --- | ---: |",
    ]
    for endpoint, path, variant in _variants(rows):
        by = {row.target: row.result.per_second for row in rows if row.endpoint == endpoint}
        read = path is not None
        vs_prism = by[variant] / by[PRISM] if by.get(PRISM) else None
        vs_bare = by[variant] / by[BARE]
        wanted = 5.0 if read else 3.0
        # The targets are for what `serve` runs by default: speedups on.
        judged = variant != STOCK
        prism_cell = (
            f"{vs_prism:.1f}x | "
            + (f"≥ {wanted:g}x: {_verdict(vs_prism >= wanted)}" if judged else "reported only")
            if vs_prism is not None
            else "n/a | Prism not run"
        )
        bare_cell = f"{vs_bare:.2f} | " + (
            f"≥ 0.5: {_verdict(vs_bare >= 0.5)}" if read and judged else "—"
        )
        ceiling = by[BARE] / by[PRISM] if by.get(PRISM) else None
        ceiling_cell = f"{ceiling:.1f}x" if ceiling is not None else "n/a"
        label = _label(endpoint, variant)
        lines.append(f"| {label} | {prism_cell} | {bare_cell} | {ceiling_cell} |")
    lines += [
        "",
        "The same ratios from the servers' CPU time per answer (user + system seconds of "
        "each server's processes over the measured run, divided by its answers): what one "
        "dedicated core would give, far less swayed by other work on the machine than req/s.",
        "",
        "| call | mock ÷ Prism (by CPU) | mock ÷ bare (by CPU) | bare ÷ Prism (by CPU) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for endpoint, _, variant in _variants(rows):
        cost = {
            row.target: row.result.cpu_us_per_answer for row in rows if row.endpoint == endpoint
        }
        lines.append(
            f"| {_label(endpoint, variant)} | {_speedup(cost, PRISM, variant)} | "
            f"{_speedup(cost, BARE, variant, times=False)} | "
            f"{_speedup(cost, PRISM, BARE)} |"
        )
    lines += [
        "",
        f"The mock's bodies: GET /positions {sizes['positions']} bytes ({len(HOLDINGS)} "
        f"positions), GET /orders {sizes['orders']} bytes (50 orders), POST /orders "
        f"{sizes['placed']} bytes. Prism answers its one-item examples whatever is asked.",
        "",
        "## Cost as the books grow",
        "",
        "A mock started with N resting limit orders already placed through the engine "
        "(`bench/seeded_mock.py`), without its answer cache so that every page is worked out "
        "afresh, then the same wrk runs; the engine tick is one simulated second with N open "
        "orders, in process on a manual clock.",
        "",
        "| orders on the books | GET /orders req/s | p50 ms | p99 ms | POST /orders req/s "
        "| p50 ms | p99 ms | non-2xx | engine tick ms |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for point in points:
        page, place = point.page, point.place
        errors = page.status_errors + page.socket_errors + place.status_errors
        errors += place.socket_errors
        tick = _ms(ticks[point.orders]) if point.orders in ticks else "—"
        lines.append(
            f"| {point.orders:,} | {page.per_second:.0f} | {page.p50_ms:.2f} | "
            f"{page.p99_ms:.2f} | {place.per_second:.0f} | {place.p50_ms:.2f} | "
            f"{place.p99_ms:.2f} | {errors} | {tick} |"
        )
    lines += [
        "",
        "## SDK overhead",
        "",
        "The same call through `connecttrade.Client` and through a raw `httpx.Client` (same "
        "headers, the absolute URL as text, `response.json()`), interleaved blocks against "
        "one running mock; medians of single calls. The SDK builds its order on every call "
        "and keeps each path's parsed URL. Its order pacing is off "
        "(`order_rate_per_second=None`).",
        "",
        "| call | raw httpx µs | connecttrade.Client µs | ratio | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for call in calls:
        lines.append(
            f"| {call.call} | {_us(call.raw)} | {_us(call.sdk)} | {call.ratio:.2f} | "
            f"≤ 1.15: {_verdict(call.ratio <= 1.15)} |"
        )
    lines += [
        "",
        f"| parsing a {parsed.orders}-order page | ms |",
        "| --- | ---: |",
        f"| `json.loads` alone | {_ms(parsed.json_loads)} |",
        f"| SDK: JSON with Decimal numbers into typed `Order` values | {_ms(parsed.sdk)} |",
        f"| ratio | {parsed.ratio:.1f}x |",
        "",
        "## Codegen",
        "",
        "| step | seconds |",
        "| --- | ---: |",
        "| regenerate `generated_client/` (openapi-python-client with its ruff hooks, as "
        "`nox -s codegen` runs it) | "
        + (f"{codegen_seconds:.1f}" if codegen_seconds is not None else "not measured")
        + " |",
        "",
    ]
    return "\n".join(lines)


def _streams_section() -> str:
    """bench/streams.py's markdown, when that benchmark exists."""
    if not STREAMS.exists():
        return ""
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(STREAMS)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return done.stdout.strip() + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prism", type=Path, default=None, help="the prism executable")
    parser.add_argument("--prism-version", default="not run")
    parser.add_argument("--codegen-seconds", type=float, default=None)
    parser.add_argument("--seconds", type=int, default=10, help="wrk seconds per point")
    parser.add_argument("--books", default="1000,10000,100000", help="book sizes to measure")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    CACHE.mkdir(parents=True, exist_ok=True)
    load = Load(seconds=args.seconds)
    sizes_to_measure = [int(size) for size in args.books.split(",")]
    machine = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "wrk": _tool_version(["wrk", "--version"]).split(" Copyright")[0],
        "load_before": _load_average(),
        "server": _server_stack(),
    }
    print("mock, Prism and bare, back to back:", flush=True)
    rows, sizes = compare(load, args.prism)
    points = []
    for size in sizes_to_measure:
        print(f"a book of {size:,} orders ...", flush=True)
        points.append(book_point(load, size))
    print("engine ticks ...", flush=True)
    ticks = tick_costs(sizes_to_measure)
    print("SDK overhead ...", flush=True)
    calls, parsed = sdk_costs()
    machine["load_after"] = _load_average()
    text = render(
        load=load,
        rows=rows,
        sizes=sizes,
        points=points,
        ticks=ticks,
        calls=calls,
        parsed=parsed,
        codegen_seconds=args.codegen_seconds,
        machine=machine,
        prism_version=args.prism_version,
    )
    text += _streams_section()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)
