"""A raw WebSocket client written from ``openapi/asyncapi.json`` alone (no SDK, no helper
that knows the mock): what a client author relies on holds on the wire.

The URLs come from the document's local server entries, the frame limits from its text,
the answers from its request/reply operations; every frame received is checked against
the document's one type rule (server frames carry only strings, booleans and null).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from stream_client import Rest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from connecttrade_mock.testing import MockServer

DOC: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "openapi" / "asyncapi.json").read_text()
)
WAIT = 10.0


def _stated_bytes(pattern: str) -> int:
    """A size limit as the document states it in words (``over 65536 bytes``)."""
    found = re.search(pattern, DOC["info"]["description"])
    assert found, f"asyncapi.json does not state {pattern!r}"
    return int(found.group(1))


ERROR_LIMIT = _stated_bytes(r"over (\d+) bytes \(64 KiB, UTF-8\) is answered by an")
CLOSE_LIMIT = _stated_bytes(r"one over (\d+) bytes \(1 MiB\) is closed with 1009")


def _url(server_name: str, port: int) -> str:
    """The URL of one of the document's servers, its ``{port}`` variable filled in."""
    entry = DOC["servers"][server_name]
    host = entry["host"].replace("{port}", str(port))
    return f"{entry['protocol']}://{host}{entry.get('pathname', '')}"


def _leaves(value: object) -> Iterator[object]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


class Raw:
    """One socket: JSON text frames out, JSON frames in, each checked against the rule."""

    def __init__(self, url: str) -> None:
        # legacy=True: this websockets release's way to connect outside a `with` block.
        self.socket: ClientConnection = connect(
            url, open_timeout=WAIT, close_timeout=2, max_size=None, legacy=True
        )

    def send(self, frame: dict[str, Any]) -> None:
        self.socket.send(json.dumps(frame))

    def recv(self) -> dict[str, Any]:
        frame = json.loads(self.socket.recv(timeout=WAIT))
        assert isinstance(frame, dict)
        odd = [v for v in _leaves(frame) if v is not None and not isinstance(v, str | bool)]
        assert not odd, f"a server frame carries non-string values {odd}: {frame}"
        return frame

    def answers(self, frame: dict[str, Any], last: str) -> list[dict[str, Any]]:
        """Send ``frame``; every frame up to its last answer of type ``last`` (pushed data
        and heartbeats skipped: they never carry a request_id)."""
        self.send(frame)
        got: list[dict[str, Any]] = []
        while True:
            answer = self.recv()
            if answer["type"] in ("heartbeat", "quote", "trade", "bar", "depth"):
                continue
            got.append(answer)
            if answer["type"] == last:
                return got

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def server(shared_server: MockServer) -> MockServer:
    assert shared_server.control is not None
    shared_server.control.reset()
    return shared_server


@pytest.fixture
def brokerage(server: MockServer) -> Iterator[Raw]:
    raw = Raw(_url("mockBrokerage", server.port))
    assert raw.recv()["type"] == "welcome"
    yield raw
    raw.close()


@pytest.fixture
def market_data(server: MockServer, rest: Rest) -> Iterator[Raw]:
    token = rest.token()
    raw = Raw(_url("mockMarketData", server.port))
    welcome = raw.recv()
    assert welcome["type"] == "welcome"
    answers = raw.answers(
        {"action": "authenticate", "token": token, "request_id": "auth-1"}, "authenticated"
    )
    assert [a["type"] for a in answers] == ["authenticated"]
    assert answers[0]["request_id"] == "auth-1"
    yield raw
    raw.close()


def test_the_documents_local_servers_are_the_mocks_paths(server: MockServer) -> None:
    assert _url("mockBrokerage", server.port) == server.brokerage_stream_url
    assert _url("mockMarketData", server.port) == server.market_data_stream_url


def test_every_brokerage_request_id_is_echoed_on_its_answers_and_errors(brokerage: Raw) -> None:
    """authenticate, subscribe and unsubscribe repeat the frame's request_id, errors
    included, so a client matches each answer to its request."""
    credentials = {"client_id": "demo-client", "client_secret": "demo-secret"}
    (authenticated,) = brokerage.answers(
        {"action": "authenticate", **credentials, "request_id": "a1"}, "authenticated"
    )
    assert authenticated["request_id"] == "a1"
    (subscribed,) = brokerage.answers(
        {"action": "subscribe", "topics": ["orders"], "request_id": "s1"}, "subscribed"
    )
    assert (subscribed["topics"], subscribed["request_id"]) == (["orders"], "s1")
    (refused,) = brokerage.answers(
        {"action": "subscribe", "topics": ["trades"], "request_id": "s2"}, "error"
    )
    assert (refused["code"], refused["request_id"]) == ("invalid_message", "s2")


def test_a_brokerage_unsubscribe_is_topic_by_topic(brokerage: Raw) -> None:
    """Unsubscribing a held and an unheld topic removes the held one, names the other in a
    not_subscribed error, then answers with the topics still held."""
    credentials = {"client_id": "demo-client", "client_secret": "demo-secret"}
    brokerage.answers({"action": "authenticate", **credentials}, "authenticated")
    brokerage.answers({"action": "subscribe", "topics": ["orders", "positions"]}, "subscribed")
    error, subscribed = brokerage.answers(
        {"action": "unsubscribe", "topics": ["positions", "balances"], "request_id": "u1"},
        "subscribed",
    )
    assert (error["code"], error["topics"], error["request_id"]) == (
        "not_subscribed",
        ["balances"],
        "u1",
    )
    assert (subscribed["topics"], subscribed["request_id"]) == (["orders"], "u1")


def test_a_frame_before_authentication_is_refused_with_its_request_id(
    server: MockServer, rest: Rest
) -> None:
    """Before authenticate, any other valid frame gets not_authenticated and the session
    stays open: authenticating afterwards works."""
    raw = Raw(_url("mockMarketData", server.port))
    try:
        raw.recv()
        (error,) = raw.answers({"action": "list_subscriptions", "request_id": "early"}, "error")
        assert (error["code"], error["request_id"]) == ("not_authenticated", "early")
        token = rest.token()
        (ok,) = raw.answers({"action": "authenticate", "token": token}, "authenticated")
        assert "request_id" not in ok
    finally:
        raw.close()


def test_a_market_data_unsubscribe_is_symbol_by_symbol(market_data: Raw) -> None:
    """Unsubscribing a held and an unheld symbol removes the held one: the unheld one is
    named in a not_subscribed error, then `unsubscribed` lists what was removed."""
    market_data.answers(
        {"action": "subscribe", "channel": "quotes", "symbols": ["AAPL"], "request_id": "s1"},
        "subscribed",
    )
    error, unsubscribed = market_data.answers(
        {
            "action": "unsubscribe",
            "channel": "quotes",
            "symbols": ["AAPL", "MSFT"],
            "request_id": "u1",
        },
        "unsubscribed",
    )
    assert (error["code"], error["channel"], error["symbols"], error["request_id"]) == (
        "not_subscribed",
        "quotes",
        ["MSFT"],
        "u1",
    )
    assert (unsubscribed["symbols"], unsubscribed["request_id"]) == (["AAPL"], "u1")
    (listing,) = market_data.answers(
        {"action": "list_subscriptions", "request_id": "l1"}, "subscriptions"
    )
    assert (listing["subscriptions"], listing["request_id"]) == ([], "l1")
    none, nothing = market_data.answers(
        {"action": "unsubscribe", "channel": "quotes", "symbols": ["AAPL"]}, "unsubscribed"
    )
    assert (none["code"], none["symbols"]) == ("not_subscribed", ["AAPL"])
    assert nothing == {"type": "unsubscribed", "channel": "quotes", "symbols": []}


def test_subscription_defaults_are_the_documented_ones(market_data: Raw) -> None:
    """trades default to session all; options chains to 5 strikes, no greeks, the nearest
    expiry; counters are digit strings."""
    market_data.answers(
        {"action": "subscribe", "channel": "trades", "symbols": ["AAPL"]}, "subscribed"
    )
    market_data.answers(
        {"action": "subscribe", "channel": "options_chain", "symbols": ["SPY"]}, "subscribed"
    )
    market_data.answers(
        {"action": "subscribe", "channel": "depth", "symbols": ["MSFT"], "levels": 3}, "subscribed"
    )
    (listing,) = market_data.answers({"action": "list_subscriptions"}, "subscriptions")
    assert listing["subscriptions"] == [
        {"channel": "depth", "symbol": "MSFT", "levels": "3"},
        {
            "channel": "options_chain",
            "symbol": "SPY",
            "greeks": False,
            "expiry": None,
            "strikes": "5",
        },
        {"channel": "trades", "symbol": "AAPL", "session": "all"},
    ]


def test_a_frame_over_the_error_limit_is_refused_and_the_session_stays_open(
    market_data: Raw,
) -> None:
    """Above 64 KiB a frame is answered by invalid_message, unread, with no request_id
    (nothing was read); a frame at the limit is read (and here refused for its schema)."""
    frame = {"action": "list_subscriptions", "request_id": "big", "pad": ""}
    base = len(json.dumps(frame))
    at_limit = {**frame, "pad": "x" * (ERROR_LIMIT - base)}
    assert len(json.dumps(at_limit)) == ERROR_LIMIT
    (read,) = market_data.answers(at_limit, "error")
    assert (read["code"], read["request_id"]) == ("invalid_message", "big")
    assert "limit" not in read["message"]
    over = {**frame, "pad": "x" * (ERROR_LIMIT - base + 1)}
    (unread,) = market_data.answers(over, "error")
    assert unread["code"] == "invalid_message"
    assert f"{ERROR_LIMIT}-byte limit" in unread["message"]
    assert "request_id" not in unread
    (listing,) = market_data.answers({"action": "list_subscriptions"}, "subscriptions")
    assert listing["subscriptions"] == []


def test_a_frame_over_the_close_limit_is_closed_with_1009(market_data: Raw) -> None:
    """Above 1 MiB the WebSocket layer closes the connection, unread and unanswered."""
    market_data.socket.send("x" * (CLOSE_LIMIT + 1))
    with pytest.raises(ConnectionClosed) as closed:
        market_data.socket.recv(timeout=WAIT)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009


def test_a_binary_frame_is_an_error_then_close_4000(market_data: Raw) -> None:
    """Binary frames are not part of the protocol, even holding JSON."""
    market_data.socket.send(b'{"action": "list_subscriptions"}')
    error = market_data.recv()
    assert error["code"] == "invalid_message"
    with pytest.raises(ConnectionClosed) as closed:
        market_data.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4000


def _chain(raw: Raw) -> dict[str, Any]:
    while True:
        frame = raw.recv()
        if frame["type"] == "options_chain":
            return frame


def test_an_options_chain_without_expiry_serves_the_nearest_and_rolls(
    server: MockServer, rest: Rest
) -> None:
    """Without `expiry` a chain is of one expiry, the nearest listed one; once that one
    expires, the same subscription's chain moves to the next listed expiry."""
    assert server.control is not None
    # Friday 2026-11-20 20:00 UTC: an hour before that day's options expire (16:00 New York).
    server.control.advance(53 * 3600)
    token = rest.token()
    raw = Raw(_url("mockMarketData", server.port))
    try:
        raw.recv()
        raw.answers({"action": "authenticate", "token": token}, "authenticated")
        subscribe = {"action": "subscribe", "channel": "options_chain", "strikes": 1}
        raw.answers({**subscribe, "symbols": ["SPY"]}, "subscribed")
        (nearest,) = {contract["expiry"] for contract in _chain(raw)["contracts"]}
        assert nearest == "2026-11-20"  # that Friday: the nearest listed expiry
        server.control.advance(2 * 3600)
        while True:
            chain = _chain(raw)
            (rolled,) = {contract["expiry"] for contract in chain["contracts"]}
            if rolled != nearest:
                break
        assert rolled == "2026-11-23"  # the next listed expiry: SPY lists every weekday
    finally:
        raw.close()


@pytest.mark.parametrize(("interval", "seconds"), [("1h", 3600), ("1d", 86400)])
def test_bars_are_aligned_to_the_documented_grid(
    market_data: Raw, interval: str, seconds: int
) -> None:
    """A bar's `start` is a whole number of intervals from 1970-01-01T05:00:00Z, as the
    document states (so daily bars start at 05:00 UTC)."""
    market_data.answers(
        {
            "action": "subscribe",
            "channel": "bars",
            "symbols": ["AAPL"],
            "interval": interval,
            "backfill": 2,
        },
        "subscribed",
    )
    grid = datetime(1970, 1, 1, 5, tzinfo=UTC)
    starts: list[datetime] = []
    while len(starts) < 2:
        frame = market_data.recv()
        if frame["type"] == "bar" and frame["backfill"]:
            starts.append(datetime.fromisoformat(frame["start"]))
    assert all((start - grid).total_seconds() % seconds == 0 for start in starts), starts
