"""What the SDK costs on top of raw HTTP: calls against a live mock, and answer parsing.

Calls: ``connecttrade.Client`` and a raw ``httpx.Client`` make the same call against the
same mock, in interleaved blocks so that drift in the machine's load hits both alike; the
ratio is of the median call times. To be fair the raw client gets what the SDK gets: the
four credential headers and ``accept`` set once on its pool, an absolute URL (merging a
relative path into ``base_url`` costs httpx more than the request line itself),
connection reuse, ``response.json()`` for the answer. The raw client gives its URL as
text, as httpx callers write it; the SDK keeps each path's parsed ``httpx.URL`` (httpx
parses a text URL on every request), which is part of what it brings. The SDK's order
pacing is turned off, as the mock's limiter is.

Parsing: one 500-order page body, ``json.loads`` alone against the SDK's decoding into
typed ``Order`` values (Decimal numbers, enums, datetimes).

In process (``python -m bench.sdk``): the same calls against canned answers of the mock
served by ``httpx.MockTransport``, so that the SDK's own work is measured without the
server's or the machine's noise, and optionally pyinstrument profiles of both call paths
and of the page parse (``--profile``, written to ``bench/.cache/profiles/``)::

    python -m bench.sdk [--profile]
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

import connecttrade
from bench.load import DEMO_HEADERS, order_body
from bench.targets import CACHE, Server, free_port, mock_command
from connecttrade._wire import parse
from connecttrade._wire.fields import decode_json

__all__ = [
    "CallCost",
    "CannedAnswers",
    "ParseCost",
    "canned_answers",
    "in_process_costs",
    "main",
    "page_body",
    "parse_cost",
    "sdk_call_costs",
]

_BLOCKS = 30
_CALLS_PER_BLOCK = 40
_PARSE_REPEATS = 40
_ACCOUNT = "acc_demo_margin"
# Orders placed before the page is read, so that it holds 500.
_PAGE_ORDERS = 520


@dataclass(frozen=True, slots=True)
class CallCost:
    """Median seconds per call, raw and through the SDK."""

    call: str
    raw: float
    sdk: float

    @property
    def ratio(self) -> float:
        return self.sdk / self.raw


@dataclass(frozen=True, slots=True)
class ParseCost:
    """Median seconds to turn one page body into Python values."""

    orders: int
    json_loads: float
    sdk: float

    @property
    def ratio(self) -> float:
        return self.sdk / self.json_loads


@dataclass(frozen=True, slots=True)
class CannedAnswers:
    """The mock's answers to the benchmarked calls, to replay in process."""

    positions: bytes
    placed: bytes
    page: bytes


def _interleaved(
    raw: Callable[[], object], sdk: Callable[[], object], blocks: int = _BLOCKS
) -> tuple[float, float]:
    raw_times: list[float] = []
    sdk_times: list[float] = []
    for block in range(blocks):
        # Alternate which goes first, so neither always runs on a warmer server.
        pairs = [(raw, raw_times), (sdk, sdk_times)]
        for call, times in pairs if block % 2 == 0 else reversed(pairs):
            for _ in range(_CALLS_PER_BLOCK):
                started = time.perf_counter()
                call()
                times.append(time.perf_counter() - started)
    return statistics.median(raw_times), statistics.median(sdk_times)


def _sdk_client(base_url: str) -> connecttrade.Client:
    return connecttrade.Client(
        base_url=base_url,
        client_id=DEMO_HEADERS["client-id"],
        client_secret=DEMO_HEADERS["client-secret"],
        user_id=DEMO_HEADERS["user-id"],
        user_secret=DEMO_HEADERS["user-secret"],
        order_rate_per_second=None,
    )


def _compare(
    base_url: str,
    http: httpx.Client,
    client: connecttrade.Client,
    blocks: int,
    *,
    order_built_once: bool = False,
) -> list[CallCost]:
    """GET /positions and POST /orders, raw against SDK, on the clients given.

    The SDK builds its order for every call, as a caller would; ``order_built_once``
    reuses one (each placement still gets its own client order id) to show the cost of
    the request path alone.
    """
    numbers = itertools.count()
    built = connecttrade.limit("AAPL", "0.01", "250.00", side="BUY")
    positions_url, orders_url = f"{base_url}/positions", f"{base_url}/orders"

    def raw_positions() -> object:
        response = http.get(positions_url)
        response.raise_for_status()
        return response.json()

    def raw_place() -> object:
        response = http.post(orders_url, json=order_body(f"raw-{next(numbers)}"))
        response.raise_for_status()
        return response.json()

    def sdk_place() -> object:
        order = (
            built if order_built_once else connecttrade.limit("AAPL", "0.01", "250.00", side="BUY")
        )
        return client.orders.place(order, account_id=_ACCOUNT, broker="ALPACA")

    calls: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        ("POST /orders", raw_place, sdk_place)
    ]
    if not order_built_once:
        calls.insert(0, ("GET /positions", raw_positions, client.positions.list))
    results = []
    for name, raw, sdk in calls:
        raw(), sdk()  # connections open, caches warm
        raw_median, sdk_median = _interleaved(raw, sdk, blocks)
        results.append(CallCost(name, raw_median, sdk_median))
    return results


def _raw_headers() -> dict[str, str]:
    return {**DEMO_HEADERS, "accept": "application/json"}


def sdk_call_costs(base_url: str) -> list[CallCost]:
    """GET /positions and POST /orders, raw against SDK, against the mock at ``base_url``."""
    with (
        httpx.Client(headers=_raw_headers()) as http,
        _sdk_client(base_url) as client,
    ):
        return _compare(base_url, http, client, _BLOCKS)


def canned_answers(base_url: str) -> CannedAnswers:
    """The mock's answers to the benchmarked calls, once it holds positions and 500 orders."""
    with httpx.Client(base_url=base_url, headers=DEMO_HEADERS, timeout=30) as http:
        for number, symbol in enumerate(("AAPL", "MSFT", "SPY")):
            body = {**order_body(f"canned-hold-{number}"), "symbol": symbol, "order_type": "MKT"}
            del body["order_limit_price"]
            http.post("/orders", json=body).raise_for_status()
        for number in range(_PAGE_ORDERS):
            http.post("/orders", json=order_body(f"canned-{number}")).raise_for_status()
        placed = http.post("/orders", json=order_body("canned-sample"))
        placed.raise_for_status()
        positions = http.get("/positions")
        positions.raise_for_status()
    return CannedAnswers(positions.content, placed.content, page_body(base_url))


def _replay(answers: CannedAnswers) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            body, status = answers.placed, 201
        else:
            body, status = answers.positions, 200
        headers = {"content-type": "application/json", "x-request-id": "req_canned"}
        return httpx.Response(status, content=body, headers=headers)

    return httpx.MockTransport(answer)


def in_process_costs(
    answers: CannedAnswers, blocks: int = 4 * _BLOCKS, *, order_built_once: bool = False
) -> list[CallCost]:
    """The comparison of :func:`sdk_call_costs` against canned answers, with no server."""
    base_url = "http://mock.invalid"
    transport = _replay(answers)
    with (
        httpx.Client(headers=_raw_headers(), transport=transport) as http,
        _sdk_client(base_url) as client,
    ):
        # The client's own pool, as users get it (it carries the credentials), with its
        # transport swapped for the replay: the one way to reach a pool the client makes.
        client._driver.http._transport = transport
        return _compare(base_url, http, client, blocks, order_built_once=order_built_once)


def page_body(base_url: str, size: int = 500) -> bytes:
    """A page of ``size`` orders as the mock sends it (status=all, newest first)."""
    response = httpx.get(
        f"{base_url}/orders",
        params={"status": "all", "limit": str(size)},
        headers=DEMO_HEADERS,
        timeout=30,
    )
    response.raise_for_status()
    return response.content


def parse_cost(body: bytes) -> ParseCost:
    """json.loads against the SDK's typed parsing of the same page body."""
    orders = len(json.loads(body)["orders"])
    loads_times: list[float] = []
    sdk_times: list[float] = []
    for _ in range(_PARSE_REPEATS):
        started = time.perf_counter()
        json.loads(body)
        loads_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        parse.page(parse.order, decode_json(body), "orders")
        sdk_times.append(time.perf_counter() - started)
    return ParseCost(orders, statistics.median(loads_times), statistics.median(sdk_times))


def _profile(answers: CannedAnswers, calls: int) -> None:
    """pyinstrument profiles of the SDK's call paths (in process) and of the page parse."""
    from pyinstrument import Profiler  # noqa: PLC0415 -- the bench group's tool, only here

    out = CACHE / "profiles"
    out.mkdir(parents=True, exist_ok=True)
    transport = _replay(answers)
    with _sdk_client("http://mock.invalid") as client:
        client._driver.http._transport = transport
        order = connecttrade.limit("AAPL", "0.01", "250.00", side="BUY")
        work: dict[str, Callable[[], object]] = {
            "sdk-inproc-get-positions": client.positions.list,
            "sdk-inproc-post-orders": lambda: client.orders.place(
                order, account_id=_ACCOUNT, broker="ALPACA"
            ),
            "sdk-parse-500-order-page": lambda: parse.page(
                parse.order, decode_json(answers.page), "orders"
            ),
        }
        for name, call in work.items():
            call()
            repeats = calls if "parse" not in name else max(1, calls // 50)
            profiler = Profiler(interval=0.0001)
            with profiler:
                for _ in range(repeats):
                    call()
            options = {"show_regex": r".*(connecttrade|httpx|stamina).*"}
            tree = profiler.output_text(show_all=False, processor_options=options)
            (out / f"{name}.txt").write_text(tree)
            print(f"  profile: {out / (name + '.txt')}")


def _print_calls(title: str, costs: Sequence[CallCost]) -> None:
    print(title)
    for cost in costs:
        print(
            f"  {cost.call:<16} raw {cost.raw * 1e6:7.1f} us  sdk {cost.sdk * 1e6:7.1f} us  "
            f"overhead {(cost.sdk - cost.raw) * 1e6:6.1f} us  ratio {cost.ratio:.3f}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", action="store_true", help="write pyinstrument profiles")
    parser.add_argument("--calls", type=int, default=2000, help="calls per profile")
    args = parser.parse_args(argv)
    port = free_port()
    with Server("mock-sdk", mock_command(port), port, "/_mock/state") as mock:
        answers = canned_answers(mock.base_url)
        _print_calls("against the mock (live, loopback):", sdk_call_costs(mock.base_url))
    _print_calls("in process (canned answers, httpx.MockTransport):", in_process_costs(answers))
    _print_calls(
        "in process, the SDK's order built once:",
        in_process_costs(answers, order_built_once=True),
    )
    parsed = parse_cost(answers.page)
    print(
        f"parsing a {parsed.orders}-order page: json.loads {parsed.json_loads * 1e3:.2f} ms, "
        f"SDK {parsed.sdk * 1e3:.2f} ms, ratio {parsed.ratio:.2f}x"
    )
    if args.profile:
        _profile(answers, args.calls)


if __name__ == "__main__":
    main()
