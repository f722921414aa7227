"""One seed, one market: the mock served on different wall-clock dates and in different
time zones gives byte-identical answers to the same requests.

Each run is a real ``connecttrade-mock serve`` process under libfaketime, which moves the
process's wall clock (``time.time``, ``datetime.now``: everything that reads the system
clock) to another date, while the machine's time zone comes from ``TZ``. The monotonic
clock is left alone, so the server's own timeouts behave.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import libfaketime
import pytest
from websockets.sync.client import connect

from connecttrade_mock.cli import build_parser, settings_from
from connecttrade_mock.clock import DEFAULT_START, NEW_YORK
from connecttrade_mock.simulator import Simulator

DEMO = {
    "client-id": "demo-client",
    "client-secret": "demo-secret",
    "user-id": "demo-user",
    "user-secret": "demo-user-secret",
}


@dataclass(frozen=True, slots=True)
class Wall:
    """A machine as the mock process sees it: its local date and time, and its time zone."""

    label: str
    local_time: str | None
    """``YYYY-MM-DD HH:MM:SS`` in ``tz``; ``None`` leaves the real clock."""
    tz: str


# A DST change in New York, a half-hour time zone on a Sunday, a far-future date across
# the date line, and the real clock in UTC.
WALLS = [
    Wall("dst-change-new-york", "2027-03-14 01:59:30", "America/New_York"),
    Wall("sunday-kolkata", "2029-09-30 23:45:00", "Asia/Kolkata"),
    Wall("far-future-auckland", "2031-07-19 11:30:00", "Pacific/Auckland"),
    Wall("real-clock-utc", None, "UTC"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(wall: Wall) -> dict[str, str]:
    env = {**os.environ, "TZ": wall.tz}
    if wall.local_time is not None:
        _, additions = libfaketime.get_reload_information()
        # "@" starts the faked clock at that moment and lets it run on at its own pace.
        env |= additions | {"FAKETIME": f"@{wall.local_time}"}
    return env


def _mock_command() -> str:
    found = shutil.which("connecttrade-mock", path=str(Path(sys.executable).parent))
    assert found is not None, "connecttrade-mock is not installed beside this interpreter"
    return found


@contextmanager
def _served(wall: Wall, *extra: str) -> Iterator[str]:
    """``connecttrade-mock serve --seed 42 --clock manual`` on ``wall``; yields its URL."""
    port = _free_port()
    command = [_mock_command(), "serve", "--port", str(port), "--seed", "42"]
    command += ["--clock", "manual", "--order-rate", "1000", "--log-level", "warning", *extra]
    server = subprocess.Popen(command, env=_environment(wall))  # noqa: S603 - our own CLI
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base_url}/_mock/state", timeout=1).raise_for_status()
                break
            except httpx.TransportError:
                assert server.poll() is None, f"the mock exited with {server.returncode}"
                assert time.monotonic() < deadline, "the mock did not start within 60 s"
                time.sleep(0.1)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _order(number: int, symbol: str, side: str, order_type: str, **more: str) -> dict[str, str]:
    return {
        "account_id": "acc_demo_margin",
        "broker": "ALPACA",
        "cl_order_id": f"same-seed-{number}",
        "symbol": symbol,
        "side": side,
        "order_type": order_type,
        "order_tif": "DAY",
        **more,
    }


def _market_data(base_url: str, token: str) -> list[Any]:
    """The market-data session's answers to a fixed set of subscriptions (their snapshots)."""
    frames: list[Any] = []
    url = base_url.replace("http://", "ws://") + "/streams/market-data"
    with connect(url, open_timeout=10) as stream:
        frames.append(json.loads(stream.recv(timeout=10)))
        requests: list[dict[str, Any]] = [
            {"action": "authenticate", "token": token},
            {"action": "subscribe", "channel": "quotes", "symbols": ["AAPL", "SPY"]},
            {"action": "subscribe", "channel": "depth", "symbols": ["MSFT"], "levels": 5},
            {"action": "subscribe", "channel": "bars", "symbols": ["NVDA"], "interval": "1m"}
            | {"backfill": 5},
        ]
        for request in requests:
            stream.send(json.dumps(request))
            # The answer, then any snapshot it brings; pushes come a minute apart (below),
            # so every frame here answers a request.
            frames.append(json.loads(stream.recv(timeout=10)))
        while True:
            try:
                frames.append(json.loads(stream.recv(timeout=0.5)))
            except TimeoutError:
                break
    return frames


def _transcript(base_url: str) -> list[Any]:
    """Every answer (status and exact body bytes) to one fixed session of requests."""
    answers: list[Any] = []
    with httpx.Client(base_url=base_url, headers=DEMO, timeout=30) as http:

        def call(method: str, path: str, **kwargs: Any) -> httpx.Response:
            response = http.request(method, path, **kwargs)
            answers.append([method, path, response.status_code, response.text])
            return response

        call(
            "PUT",
            "/_mock/streams/settings",
            json={"market_data_interval_ms": 60000, "heartbeat_seconds": 3600},
        )
        call("GET", "/_mock/state")
        for path in ("/accounts", "/balances", "/positions"):
            call("GET", path)
        call("POST", "/orders", json=_order(1, "AAPL", "BUY", "MKT", order_qty="10"))
        call("POST", "/orders", json=_order(2, "MSFT", "BUY", "MKT", order_qty="3"))
        call("POST", "/orders", json=_order(3, "SPY", "SELL", "MKT", order_qty="2"))
        working = call(
            "POST",
            "/orders",
            json=_order(4, "NVDA", "BUY", "LMT", order_qty="7") | {"order_limit_price": "1.00"},
        )
        call("POST", "/_mock/clock/advance", json={"seconds": 3 * 3600})
        if working.status_code == 201:
            order_id = working.json()["order_id"]
            call("DELETE", f"/accounts/acc_demo_margin/orders/{order_id}")
        call("POST", "/users", json={"user_id": "second-user"})
        for path in ("/orders?status=all", "/positions", "/balances", "/transactions"):
            call("GET", path)
        token = call("GET", "/connections/conn_demo_alpaca/token").json()["token"]
        answers.append(_market_data(base_url, token))
        call("POST", "/_mock/clock/advance", json={"seconds": 8 * 3600})
        call("GET", "/_mock/state")
        call("GET", "/balances")
    return answers


@pytest.fixture(scope="module")
def transcripts() -> dict[str, list[Any]]:
    """The same session of requests, answered by a mock on each machine of ``WALLS``."""
    found: dict[str, list[Any]] = {}
    for wall in WALLS:
        with _served(wall) as base_url:
            found[wall.label] = _transcript(base_url)
    return found


@pytest.mark.timeout(300)
def test_the_same_seed_answers_byte_for_byte_alike_on_every_date_and_time_zone(
    transcripts: dict[str, list[Any]],
) -> None:
    """Prices, fills, books, bars, ids and timestamps agree on every machine of WALLS."""
    reference = transcripts[WALLS[0].label]
    for label, transcript in transcripts.items():
        assert len(transcript) == len(reference), label
        for expected, got in zip(reference, transcript, strict=True):
            assert got == expected, f"{label} differs from {WALLS[0].label}"


@pytest.mark.timeout(300)
def test_the_transcript_is_real_trading_at_the_documented_start(
    transcripts: dict[str, list[Any]],
) -> None:
    """The compared session did real work: it started at DEFAULT_START, orders filled and
    the market-data stream sent its snapshots (so equal transcripts mean something)."""
    transcript = transcripts[WALLS[0].label]
    state = json.loads(transcript[1][3])
    assert state["now"].startswith(DEFAULT_START.isoformat().removesuffix("+00:00"))
    placed = [json.loads(a[3]) for a in transcript if a[:2] == ["POST", "/orders"]]
    assert [o["status"] for o in placed[:3]] == ["filled", "filled", "filled"]
    frames = next(a for a in transcript if isinstance(a[0], dict))
    assert frames[0]["type"] == "welcome"
    kinds = {frame["type"] for frame in frames}
    assert {"authenticated", "subscribed", "quote", "depth", "bar"} <= kinds


@pytest.mark.timeout(120)
def test_the_faked_wall_clock_reaches_the_mock() -> None:
    """The control run: with ``--start today`` the mock's date follows the faked wall clock,
    so the machines of WALLS really do differ (and equal transcripts are no accident)."""
    seen = {}
    for wall in WALLS[1:3]:
        with _served(wall, "--start", "today") as base_url:
            seen[wall.label] = httpx.get(f"{base_url}/_mock/state").json()["now"]
    kolkata = seen["sunday-kolkata"]
    auckland = seen["far-future-auckland"]
    # Sunday 30 Sep 2029 in Kolkata is still Sunday in New York: the latest weekday is Friday.
    assert kolkata.startswith("2029-09-28T14:00:00"), kolkata
    # Saturday 19 Jul 2031 11:30 in Auckland is Friday 18 Jul 19:30 in New York.
    assert auckland.startswith("2031-07-18T14:00:00"), auckland


def test_serve_without_start_uses_the_fixed_default() -> None:
    """``connecttrade-mock serve`` with no ``--start`` starts its clock at DEFAULT_START."""
    args = build_parser().parse_args(["serve"])
    settings = settings_from(args)
    assert settings.clock_start is None
    assert Simulator(settings).clock.start == DEFAULT_START


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-06T15:55:00-05:00", datetime(2026, 3, 6, 20, 55, tzinfo=UTC)),
        ("2026-03-06T20:55:00Z", datetime(2026, 3, 6, 20, 55, tzinfo=UTC)),
        ("2026-07-01T09:30:00+09:00", datetime(2026, 7, 1, 0, 30, tzinfo=UTC)),
    ],
    ids=["new-york-offset", "zulu", "tokyo-offset"],
)
def test_serve_start_takes_an_iso_time_with_its_offset(text: str, expected: datetime) -> None:
    """``--start`` is the moment given, whatever zone its offset names."""
    start = settings_from(build_parser().parse_args(["serve", "--start", text])).clock_start
    assert start == expected


def test_serve_start_today_is_the_opt_in_for_the_machines_date() -> None:
    """``--start today`` is 10:00 New York on the latest weekday (today_start)."""
    start = settings_from(build_parser().parse_args(["serve", "--start", "today"])).clock_start
    assert start is not None
    local = start.astimezone(NEW_YORK)
    assert (local.hour, local.minute, local.weekday() < 5) == (10, 0, True)


@pytest.mark.parametrize(
    "text", ["2026-03-06T15:55:00", "yesterday", ""], ids=["naive", "word", "empty"]
)
def test_serve_refuses_a_start_without_offset_as_a_usage_error(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A naive or unreadable ``--start`` is a usage error naming what to give, not a crash."""
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["serve", "--start", text])
    assert stopped.value.code == 2
    assert "ISO 8601 time with an offset" in capsys.readouterr().err
