"""Stream benchmarks (a nox session, not a test): order-update latency, market-data
fan-out, and a slow consumer's memory over time, against the mock on loopback.

Run standalone with the installed packages::

    python bench/streams.py [--quick]

It starts the mock broker in a subprocess (so the SDK and the server do not share a GIL),
prints markdown tables and writes them to ``docs/benchmarks-streams.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

import connecttrade
from connecttrade_mock.testing import MockControl

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "benchmarks-streams.md"
CLIENT_ID, CLIENT_SECRET = "demo-client", "demo-secret"
DEMO_USER = {"user_id": "demo-user", "user_secret": "demo-user-secret"}


def _async_client(base_url: str, user_id: str, user_secret: str) -> connecttrade.AsyncClient:
    return connecttrade.AsyncClient(
        base_url=base_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        user_id=user_id,
        user_secret=user_secret,
        order_rate_per_second=None,
    )


MD_SYMBOLS = [
    "AAPL",
    "MSFT",
    "TSLA",
    "NVDA",
    "AMZN",
    "GOOGL",
    "META",
    "SPY",
    "QQQ",
    "IWM",
    "IBM",
    "JPM",
    "BAC",
    "XOM",
    "KO",
    "DIS",
    "NFLX",
    "AMD",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class MockProcess:
    base_url: str
    pid: int

    def rss_mb(self) -> float:
        """The server process's resident memory, from /proc."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")


@contextmanager
def mock_process(clock: str = "real") -> Iterator[MockProcess]:
    """The mock broker in its own process (``clock``: real or fast, 60x)."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "connecttrade_mock.cli",
        "serve",
        "--port",
        str(port),
        "--clock",
        clock,
        "--order-rate",
        "100000",
        "--no-validate-responses",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command)  # noqa: S603 - our own interpreter and module
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base_url}/_mock/state", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the mock broker did not start") from None
                time.sleep(0.1)
        yield MockProcess(base_url, process.pid)
    finally:
        process.terminate()
        process.wait(10)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def order_latency(base_url: str, orders: int) -> list[str]:
    """REST answer -> stream event of the same order version, on loopback."""
    seen: dict[tuple[str, int], float] = {}

    def record(event: connecttrade.BrokerageEvent) -> None:
        if isinstance(event, connecttrade.OrderUpdate):
            seen.setdefault((event.order.order_id, event.version), time.perf_counter())

    async with _async_client(base_url, **DEMO_USER) as ct:
        stream = connecttrade.BrokerageStream.from_client(ct, topics=["orders"])
        stream.add_listener(record)
        async with stream:
            await stream.wait_live(10)
            answers: list[tuple[str, int, float, float]] = []
            for n in range(orders):
                symbol = ("ZVZZT", "ZAZZT")[n % 2]  # fills at once / rests
                sent = time.perf_counter()
                handle = await ct.orders.place(
                    connecttrade.market(symbol, 1, side="BUY"), account_id="acc_demo_margin"
                )
                answered = time.perf_counter()
                answers.append((handle.order.order_id, handle.order.version, sent, answered))
            await asyncio.sleep(1.0)
    after_answer = [
        (seen[(oid, v)] - answered) * 1000 for oid, v, _, answered in answers if (oid, v) in seen
    ]
    after_send = [(seen[(oid, v)] - sent) * 1000 for oid, v, sent, _ in answers if (oid, v) in seen]
    early = sum(1 for x in after_answer if x < 0)
    return [
        "## Order-update latency (REST answer -> stream event)",
        "",
        f"{len(after_answer)} of {orders} orders (market BUY 1, ZVZZT fills / ZAZZT rests), "
        "the stream event carrying the same order version as the REST answer. Negative: the "
        "stream delivered it before the REST answer arrived.",
        "",
        "| measure | p50 (ms) | p99 (ms) |",
        "|---|---|---|",
        f"| REST answer -> stream event | {_percentile(after_answer, 0.5):.2f} | "
        f"{_percentile(after_answer, 0.99):.2f} |",
        f"| request sent -> stream event | {_percentile(after_send, 0.5):.2f} | "
        f"{_percentile(after_send, 0.99):.2f} |",
        "",
        f"Stream event before the REST answer: {early} of {len(after_answer)}.",
        "",
    ]


def _users(base_url: str, count: int) -> list[dict[str, str]]:
    """``count`` users with an ALPACA connection each (the demo user first), via REST."""
    logins = [dict(DEMO_USER, connection_id="conn_demo_alpaca")]
    with (
        connecttrade.Client(
            base_url=base_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        ) as platform_client,
        httpx.Client(base_url=base_url) as browser,
    ):
        for n in range(1, count):
            created = platform_client.users.create(f"bench-user-{n}-{os.getpid()}")
            login = {"user_id": created.user_id, "user_secret": created.user_secret.reveal()}
            user = platform_client.for_user(login["user_id"], login["user_secret"])
            request = user.connections.create("ALPACA", "https://app.example.com/callback")
            browser.post(
                urlsplit(request.url).path,
                data={"decision": "approve", "broker": "ALPACA"},
                follow_redirects=False,
            )
            login["connection_id"] = user.connections.list()[0].connection_id
            logins.append(login)
    return logins


async def md_fanout(
    base_url: str, logins: list[dict[str, str]], seconds: float
) -> tuple[float, float, int]:
    """Quotes delivered per second to ``len(logins)`` users (one session each), and how
    many sessions the mock cut off as slow consumers (4009) meanwhile."""
    subscribers = len(logins)
    counts = [0] * subscribers
    cut_off: list[int] = []
    clients = [_async_client(base_url, login["user_id"], login["user_secret"]) for login in logins]
    streams = [
        connecttrade.MarketDataStream.from_client(client, login["connection_id"])
        for client, login in zip(clients, logins, strict=True)
    ]

    def watch(event: connecttrade.MarketDataEvent) -> None:
        if isinstance(event, connecttrade.StateChanged) and event.close_code == 4009:
            cut_off.append(1)

    async def consume(index: int, stream: connecttrade.MarketDataStream) -> None:
        async for event in stream:
            if isinstance(event, connecttrade.Quote):
                counts[index] += 1

    try:
        for stream in streams:
            stream.add_listener(watch)
            await stream.start()
            await stream.subscribe_quotes(MD_SYMBOLS)
        await asyncio.gather(*(stream.wait_live(60) for stream in streams))
        tasks = [asyncio.create_task(consume(i, s)) for i, s in enumerate(streams)]
        await asyncio.sleep(1.0)  # warm up
        start_counts, start_cut, started = sum(counts), len(cut_off), time.perf_counter()
        await asyncio.sleep(seconds)
        total = (sum(counts) - start_counts) / (time.perf_counter() - started)
        drops = len(cut_off) - start_cut
        for task in tasks:
            task.cancel()
    finally:
        for stream in streams:
            await stream.close()
        for client in clients:
            await client.aclose()
    return total, total / subscribers, drops


async def slow_consumer(mock: MockProcess, seconds: int) -> list[str]:
    """A consumer reading 5 events/s while market data arrives far faster: memory over time."""
    base_url = mock.base_url
    control = MockControl(base_url)
    control.stream_settings(market_data_interval_ms=5, queue_limit=500)
    rows: list[str] = []
    closes: list[int | None] = []
    tracemalloc.start()
    async with _async_client(base_url, **DEMO_USER) as ct:
        md = connecttrade.MarketDataStream.from_client(ct, "conn_demo_alpaca")
        md.add_listener(
            lambda e: (
                closes.append(e.close_code)
                if isinstance(e, connecttrade.StateChanged)
                and e.state is connecttrade.StreamState.RECONNECTING
                else None
            )
        )
        queue = md.events(max_pending=200)

        async def read_slowly() -> None:
            while True:
                await queue.get()
                await asyncio.sleep(0.2)

        async with md:
            await md.subscribe_quotes(MD_SYMBOLS)
            await md.subscribe_trades(MD_SYMBOLS)
            await md.subscribe_depth(MD_SYMBOLS, levels=10)
            reader = asyncio.create_task(read_slowly())
            for second in range(1, seconds + 1):
                await asyncio.sleep(1.0)
                current, _ = tracemalloc.get_traced_memory()
                server = [s for s in control.streams()["sessions"] if s["stream"] == "market_data"]
                queued = server[0]["queued"] if server else 0
                rows.append(
                    f"| {second} | {current / 1e6:.2f} | {len(queue)} | {queued} | "
                    f"{mock.rss_mb():.1f} | {sum(c == 4009 for c in closes)} |"
                )
            reader.cancel()
    tracemalloc.stop()
    control.stream_settings(market_data_interval_ms=250, queue_limit=10_000)
    control.close()
    return [
        "## Slow consumer: memory over time",
        "",
        f"Quotes, trades and 10-level depth of {len(MD_SYMBOLS)} symbols pushed every 5 ms "
        "by a mock on its fast (60x) clock; "
        "the consumer reads one event per 200 ms through an iterator with `max_pending=200`; "
        "the mock's queue limit is 500 frames. Memory is what the SDK process allocated "
        "(tracemalloc). The iterator's queue stays bounded; the backlog moves to socket "
        "buffers and the server's queue, and when that overflows the server drops the "
        "session (4009) and the stream reconnects.",
        "",
        "| second | SDK memory (MB) | SDK queue | server queue | server RSS (MB) | "
        "4009 drops so far |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
    ]


async def run(quick: bool) -> str:
    lines = [
        "# Stream benchmarks",
        "",
        f"Loopback, mock broker in a subprocess; Python {platform.python_version()} on "
        f"{platform.machine()} ({os.cpu_count()} CPUs). Produced by `bench/streams.py`.",
        "",
    ]
    with mock_process() as mock:
        lines += await order_latency(mock.base_url, 100 if quick else 400)
    # On the fast clock every symbol's quote moves between pushes, so what is measured is
    # what the mock and the SDK can deliver, not how often the market moves.
    with mock_process(clock="fast") as mock:
        base_url = mock.base_url
        MockControl(base_url).stream_settings(market_data_interval_ms=50, queue_limit=2000)
        fan = [
            "## Market data delivered to many subscribers",
            "",
            f"One market-data session per user (one connection token each), each subscribed "
            f"to quotes of {len(MD_SYMBOLS)} symbols; the mock runs its fast (60x) clock, so "
            "every quote moves between pushes, and pushes every 50 ms: about "
            f"{len(MD_SYMBOLS) * 20} quotes/s offered to each subscriber. Delivered: quotes "
            "that reached the consumers' iterators, in the SDK process. The mock and every "
            "consumer share the machine's two CPUs, so the rate per subscriber falls once "
            "they are saturated; a subscriber that falls 2,000 frames behind is cut off "
            "(4009) and reconnects.",
            "",
            "| subscribers | quotes/s delivered (all) | per subscriber | 4009 cut-offs |",
            "|---|---|---|---|",
        ]
        logins = _users(base_url, 100)
        for subscribers in (1, 10, 100):
            window = 3.0 if quick else 5.0
            total, each, drops = await md_fanout(base_url, logins[:subscribers], window)
            fan.append(f"| {subscribers} | {total:,.0f} | {each:,.1f} | {drops} |")
        lines += [*fan, ""]
        lines += await slow_consumer(mock, 6 if quick else 20)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer orders, shorter windows")
    args = parser.parse_args()
    report = asyncio.run(run(args.quick))
    print(report)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(report + "\n")


if __name__ == "__main__":
    main()
