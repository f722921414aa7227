"""The market-data stream over a real socket: token authentication and revocation, one
session per user, every channel, subscriptions, snapshots and entitlement."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from mock_api import START
from stream_client import (
    Rest,
    StreamClient,
    authenticated_market_data,
    market_data_client,
)

from connecttrade_mock.testing import MockControl, MockServer


@pytest.fixture
def server(shared_server: MockServer) -> MockServer:
    """The module's mock, reset, pushing market data every 20 ms."""
    assert shared_server.control is not None
    shared_server.control.reset()
    shared_server.control.stream_settings(market_data_interval_ms=20)
    return shared_server


@pytest.fixture
def session(server: MockServer, rest: Rest) -> Iterator[StreamClient]:
    """An authenticated market-data session on the demo user's Alpaca connection."""
    with authenticated_market_data(server, rest.token()) as client:
        yield client


def _subscribe(client: StreamClient, **request: Any) -> dict[str, Any]:
    return client.request({"action": "subscribe", **request}, "subscribed", "error")


# -- authentication --------------------------------------------------------------------------
def test_the_connection_token_authenticates(server: MockServer, rest: Rest) -> None:
    """The token from GET /connections/{id}/token opens a session on that connection."""
    issued = rest.call("GET", "/connections/conn_demo_alpaca/token")
    with market_data_client(server) as client:
        assert client.recv()["type"] == "welcome"
        answer = client.request(
            {"action": "authenticate", "token": issued["token"]}, "authenticated"
        )
        assert answer == {
            "type": "authenticated",
            "connection_id": "conn_demo_alpaca",
            "broker": "ALPACA",
            "expires_at": issued["expires_at"],
        }


def test_an_invalid_token_is_refused_with_4003(server: MockServer) -> None:
    """A token that was never issued gets an invalid_token error, then close 4003."""
    with market_data_client(server) as client:
        client.recv()
        error = client.request({"action": "authenticate", "token": "mdt_not-a-token"})
        assert error["code"] == "invalid_token"
        assert client.until_closed().code == 4003


def test_an_expired_token_is_refused_with_4003(
    server: MockServer, rest: Rest, control: MockControl
) -> None:
    """A token older than 24 hours gets a token_expired error, then close 4003."""
    token = rest.token()
    control.advance(24 * 3600 + 1)
    with market_data_client(server) as client:
        client.recv()
        error = client.request({"action": "authenticate", "token": token})
        assert error["code"] == "token_expired"
        assert token not in error["message"]
        assert client.until_closed().code == 4003


@pytest.mark.parametrize("revoke", ["new-token", "deleted-connection"])
def test_a_revoked_token_closes_its_session_with_4010(
    session: StreamClient, rest: Rest, revoke: str
) -> None:
    """Issuing a new token, or deleting the connection, closes the live session with 4010."""
    if revoke == "new-token":
        rest.token()
    else:
        rest.call("DELETE", "/connections/conn_demo_alpaca")
    assert session.until_closed().code == 4010


@pytest.mark.parametrize("second", ["same-token", "other-connection"])
def test_a_users_second_session_replaces_the_first(
    server: MockServer, rest: Rest, second: str
) -> None:
    """One market-data session per user: a newer one (even through another connection)
    closes the older one with 4008."""
    token = rest.token()
    other = token if second == "same-token" else rest.token("conn_demo_tradier")
    with (
        authenticated_market_data(server, token) as first,
        authenticated_market_data(server, other) as newer,
    ):
        assert first.until_closed().code == 4008
        assert _subscribe(newer, channel="quotes", symbols=["AAPL"])["type"] == "subscribed"


# -- channels ---------------------------------------------------------------------------------
def test_quotes_come_at_once_and_on_every_change(
    session: StreamClient, control: MockControl
) -> None:
    """A quotes subscription sends the current quote, then the new one when it changes."""
    assert _subscribe(session, channel="quotes", symbols=["AAPL"])["symbols"] == ["AAPL"]
    first = session.next_of("quote")
    assert first["symbol"] == "AAPL"
    assert Decimal(first["bid"]) < Decimal(first["ask"])
    control.set_quote("AAPL", "150.00", "150.05", "150.02")
    pinned = session.next_of("quote")
    assert (pinned["bid"], pinned["ask"], pinned["last"]) == ("150.00", "150.05", "150.02")


def test_trades_follow_the_session_filter(session: StreamClient, control: MockControl) -> None:
    """Across the 16:00 close, a regular-hours subscription gets regular trades only and
    an extended-hours one after-hours trades only."""
    control.advance(5 * 3600 + 58 * 60)  # 15:58 in New York
    _subscribe(session, channel="trades", symbols=["AAPL"], session="regular")
    _subscribe(session, channel="trades", symbols=["MSFT"], session="extended")
    control.advance(300)
    seen: dict[str, set[str]] = {"AAPL": set(), "MSFT": set()}
    while not (seen["AAPL"] and seen["MSFT"]):
        trade = session.next_of("trade")
        seen[trade["symbol"]].add(trade["session"])
    assert seen == {"AAPL": {"regular"}, "MSFT": {"after_hours"}}
    closing = START + timedelta(hours=6)
    for trade in (f for f in session.received if f["type"] == "trade"):
        moment = datetime.fromisoformat(trade["time"])
        assert (moment < closing) == (trade["session"] == "regular")


def test_bars_backfill_then_stream_the_forming_bar(
    session: StreamClient, control: MockControl
) -> None:
    """Bars send the requested number of completed bars first, then the forming bar, and
    that bar again as final once its minute is over."""
    _subscribe(session, channel="bars", symbols=["AAPL"], interval="1m", backfill=5)
    backfill = [session.next_of("bar") for _ in range(5)]
    assert all(b["backfill"] and b["final"] for b in backfill)
    starts = [datetime.fromisoformat(b["start"]) for b in backfill]
    assert starts == [START - timedelta(minutes=5 - i) for i in range(5)]
    forming = session.next_of("bar")
    assert (forming["backfill"], forming["final"], forming["start"]) == (
        False,
        False,
        START.isoformat(),
    )
    control.advance(60)
    completed = session.next_of("bar")
    assert (completed["start"], completed["final"]) == (START.isoformat(), True)
    assert int(completed["volume"]) >= int(forming["volume"])
    following = session.next_of("bar")
    assert following["start"] == (START + timedelta(minutes=1)).isoformat()
    assert following["final"] is False


@pytest.mark.parametrize("levels", [1, 5, 50])
def test_depth_has_the_requested_levels(session: StreamClient, levels: int) -> None:
    """Depth sends ``levels`` per side, bids best first (falling), asks best first
    (rising), the best ones at the quote."""
    _subscribe(session, channel="depth", symbols=["SPY"], levels=levels)
    book = session.next_of("depth")
    _subscribe(session, channel="quotes", symbols=["SPY"])
    quote = session.next_of("quote")
    bids = [float(level["price"]) for level in book["bids"]]
    asks = [float(level["price"]) for level in book["asks"]]
    assert book["levels"] == str(levels)
    assert len(bids) == len(asks) == levels
    assert bids == sorted(bids, reverse=True)
    assert asks == sorted(asks)
    assert (book["bids"][0]["price"], book["asks"][0]["price"]) == (quote["bid"], quote["ask"])


@pytest.mark.parametrize("greeks", [True, False], ids=["with-greeks", "without-greeks"])
def test_options_chains_with_and_without_greeks(session: StreamClient, greeks: bool) -> None:
    """An options chain lists calls and puts at ``strikes`` strikes each side of the money,
    with greeks only when asked."""
    _subscribe(session, channel="options_chain", symbols=["SPY"], strikes=2, greeks=greeks)
    chain = session.next_of("options_chain")
    contracts = chain["contracts"]
    assert chain["underlying"] == "SPY"
    assert len(contracts) == 10
    assert {c["right"] for c in contracts} == {"C", "P"}
    assert len({c["strike"] for c in contracts}) == 5
    assert all((c["greeks"] is not None) == greeks for c in contracts)
    if greeks:
        call = min((c for c in contracts if c["right"] == "C"), key=lambda c: float(c["strike"]))
        assert 0 < float(call["greeks"]["delta"]) <= 1


def test_an_options_chain_of_one_expiry(session: StreamClient) -> None:
    """``expiry`` narrows a chain to a listed expiry; an unlisted one is refused."""
    error = _subscribe(
        session, channel="options_chain", symbols=["SPY"], expiry="2026-11-21", strikes=1
    )
    assert (error["code"], error["symbols"]) == ("invalid_message", ["SPY"])
    assert "2026-11-21" in error["message"]
    assert session.next_of("subscribed")["symbols"] == []
    _subscribe(session, channel="options_chain", symbols=["SPY"], expiry="2026-11-27", strikes=1)
    chain = session.next_of("options_chain")
    assert {c["expiry"] for c in chain["contracts"]} == {"2026-11-27"}


def test_list_and_unsubscribe(session: StreamClient) -> None:
    """list_subscriptions shows every (channel, symbol) with its parameters; unsubscribe
    removes some; unsubscribing what is not held is an error that changes nothing."""
    _subscribe(session, channel="quotes", symbols=["AAPL", "MSFT"])
    _subscribe(session, channel="trades", symbols=["SPY"], session="regular")
    _subscribe(session, channel="bars", symbols=["AAPL"], interval="5m")
    answer = session.request({"action": "list_subscriptions"}, "subscriptions")
    assert answer["subscriptions"] == [
        {"channel": "bars", "symbol": "AAPL", "interval": "5m"},
        {"channel": "quotes", "symbol": "AAPL"},
        {"channel": "quotes", "symbol": "MSFT"},
        {"channel": "trades", "symbol": "SPY", "session": "regular"},
    ]
    gone = session.request(
        {"action": "unsubscribe", "channel": "quotes", "symbols": ["MSFT"]}, "unsubscribed"
    )
    assert gone["symbols"] == ["MSFT"]
    error = session.request({"action": "unsubscribe", "channel": "quotes", "symbols": ["MSFT"]})
    assert (error["code"], error["channel"], error["symbols"]) == (
        "not_subscribed",
        "quotes",
        ["MSFT"],
    )
    assert session.next_of("unsubscribed")["symbols"] == []
    answer = session.request({"action": "list_subscriptions"}, "subscriptions")
    assert [(s["channel"], s["symbol"]) for s in answer["subscriptions"]] == [
        ("bars", "AAPL"),
        ("quotes", "AAPL"),
        ("trades", "SPY"),
    ]


def test_snapshot_answers_historical_bars(session: StreamClient) -> None:
    """snapshot answers the bars of a past range under its request_id, oldest first, at
    most ``limit`` of them."""
    request = {
        "action": "snapshot",
        "request_id": "snap-1",
        "symbol": "AAPL",
        "interval": "1m",
        "start": (START - timedelta(minutes=30)).isoformat(),
        "end": START.isoformat(),
    }
    answer = session.request(request, "snapshot")
    assert (answer["request_id"], answer["symbol"], answer["interval"]) == ("snap-1", "AAPL", "1m")
    starts = [datetime.fromisoformat(b["start"]) for b in answer["bars"]]
    assert starts == [START - timedelta(minutes=30 - i) for i in range(30)]
    limited = session.request({**request, "request_id": "snap-2", "limit": 7}, "snapshot")
    assert limited["bars"] == answer["bars"][:7]


@pytest.mark.parametrize(
    ("request_fields", "code"),
    [
        ({"symbol": "NOPE"}, "unknown_symbol"),
        ({"end": (START - timedelta(hours=1)).isoformat()}, "invalid_message"),
        ({"start": (START - timedelta(days=30)).isoformat()}, "limit_exceeded"),
    ],
    ids=["unknown-symbol", "end-before-start", "too-many-bars"],
)
def test_snapshot_errors_name_their_request(
    session: StreamClient, request_fields: dict[str, Any], code: str
) -> None:
    """A refused snapshot is an error frame carrying the request's request_id."""
    request = {
        "action": "snapshot",
        "request_id": "snap-bad",
        "symbol": "AAPL",
        "interval": "1m",
        "start": (START - timedelta(minutes=30)).isoformat(),
        "end": START.isoformat(),
        **request_fields,
    }
    error = session.request(request)
    assert (error["code"], error["request_id"]) == (code, "snap-bad")


@pytest.mark.parametrize(
    ("request_fields", "code"),
    [
        ({"channel": "quotes", "symbols": ["NOPE"]}, "unknown_symbol"),
        ({"channel": "options_chain", "symbols": ["BTC/USD"]}, "unknown_symbol"),
        ({"channel": "trades", "symbols": ["SPY261127C00500000"]}, "unknown_symbol"),
        ({"channel": "tape", "symbols": ["AAPL"]}, "unknown_channel"),
        ({"channel": "depth", "symbols": ["AAPL"]}, "invalid_message"),
        ({"channel": "quotes", "symbols": []}, "invalid_message"),
    ],
    ids=["unknown", "no-options", "option-trades", "channel", "no-levels", "no-symbols"],
)
def test_bad_subscriptions_are_errors_and_change_nothing(
    session: StreamClient, request_fields: dict[str, Any], code: str
) -> None:
    """A subscribe naming anything wrong is an error frame; the session keeps its
    subscriptions and stays open."""
    _subscribe(session, channel="quotes", symbols=["AAPL"])
    session.send_raw(json.dumps({"action": "subscribe", **request_fields}))  # maybe invalid
    error = session.next_of("error", "subscribed")
    assert error["code"] == code
    answer = session.request({"action": "list_subscriptions"}, "subscriptions")
    assert answer["subscriptions"] == [{"channel": "quotes", "symbol": "AAPL"}]


def test_entitlement_follows_the_brokers_capabilities(server: MockServer, rest: Rest) -> None:
    """Through Tradier (no crypto) a crypto symbol is not_entitled while equities stream."""
    with authenticated_market_data(server, rest.token("conn_demo_tradier")) as client:
        error = _subscribe(client, channel="quotes", symbols=["BTC/USD"])
        assert error["code"] == "not_entitled"
        assert _subscribe(client, channel="quotes", symbols=["AAPL"])["type"] == "subscribed"


def test_a_read_only_broker_streams_nothing(server: MockServer, rest: Rest) -> None:
    """A read-only (bank) connection authenticates, but every subscription is not_entitled."""
    request = rest.call(
        "POST",
        "/connections",
        json={
            "connection_type": "readonly",
            "broker": "SCHWAB",
            "redirect_url": "https://app.example.com/callback",
        },
    )
    page = urlsplit(request["connection_request_url"]).path
    answer = rest.http.post(
        page,
        data={"decision": "approve", "broker": "SCHWAB", "account": "live"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert "connection_id=" in answer.headers["location"], answer.headers["location"]
    connection_id = answer.headers["location"].split("connection_id=")[1].split("&")[0]
    with authenticated_market_data(server, rest.token(connection_id)) as client:
        error = _subscribe(client, channel="quotes", symbols=["AAPL", "MSFT"])
        assert (error["code"], error["symbols"]) == ("not_entitled", ["AAPL", "MSFT"])
        assert "read-only" in error["message"]
        assert client.next_of("subscribed")["symbols"] == []


# -- partial acceptance ------------------------------------------------------------------------
def _answers(client: StreamClient, request: dict[str, Any]) -> list[dict[str, Any]]:
    """Send a subscribe and return its answers: the errors, then the closing ``subscribed``."""
    client.send({"action": "subscribe", **request})
    answers = [client.next_of("error", "subscribed")]
    while answers[-1]["type"] != "subscribed":
        answers.append(client.next_of("error", "subscribed"))
    return answers


def test_an_unknown_symbol_is_refused_alone(session: StreamClient) -> None:
    """ZVZZT and the unknown QQQQX in one frame: QQQQX is refused by name (under the
    frame's request_id), ZVZZT is subscribed and quoted at once."""
    answers = _answers(
        session, {"channel": "quotes", "symbols": ["QQQQX", "ZVZZT"], "request_id": "sub-1"}
    )
    refusal, subscribed = answers
    assert {k: v for k, v in refusal.items() if k != "message"} == {
        "type": "error",
        "code": "unknown_symbol",
        "channel": "quotes",
        "symbols": ["QQQQX"],
        "request_id": "sub-1",
    }
    assert "'QQQQX'" in refusal["message"]
    assert subscribed == {
        "type": "subscribed",
        "channel": "quotes",
        "symbols": ["ZVZZT"],
        "request_id": "sub-1",
    }
    assert session.next_of("quote")["symbol"] == "ZVZZT"
    listed = session.request({"action": "list_subscriptions"}, "subscriptions")
    assert listed["subscriptions"] == [{"channel": "quotes", "symbol": "ZVZZT"}]


def test_each_refusal_code_gets_its_own_error_before_the_ack(
    server: MockServer, rest: Rest
) -> None:
    """Through Tradier (no crypto), one frame with an unknown symbol, two crypto pairs and
    an equity: one error per code naming its symbols, then the equity alone subscribed."""
    with authenticated_market_data(server, rest.token("conn_demo_tradier")) as client:
        answers = _answers(
            client,
            {"channel": "quotes", "symbols": ["NOPE", "BTC/USD", "AAPL", "ETH/USD"]},
        )
    assert [(a["type"], a.get("code"), a["symbols"]) for a in answers] == [
        ("error", "unknown_symbol", ["NOPE"]),
        ("error", "not_entitled", ["BTC/USD", "ETH/USD"]),
        ("subscribed", None, ["AAPL"]),
    ]
    assert all("request_id" not in answer for answer in answers)
    assert "crypto" in answers[1]["message"]


def test_a_frame_refused_whole_changes_nothing_and_names_its_request(
    session: StreamClient,
) -> None:
    """A subscribe that breaks its schema (depth without levels) gets one error carrying
    its request_id and no ``symbols``, no ``subscribed``, and subscribes nothing."""
    session.send_raw(
        json.dumps(
            {"action": "subscribe", "channel": "depth", "symbols": ["AAPL"], "request_id": "r9"}
        )
    )
    error = session.next_of("error", "subscribed")
    assert (error["type"], error["code"], error["request_id"]) == ("error", "invalid_message", "r9")
    assert "symbols" not in error
    listed = session.request({"action": "list_subscriptions"}, "subscriptions")
    assert listed["subscriptions"] == []
    assert not any(frame["type"] == "subscribed" for frame in session.received)


def test_symbols_beyond_the_session_limit_are_refused_the_rest_kept(
    session: StreamClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With room for two subscriptions, a frame adding two more symbols and repeating a
    held one keeps the held one, accepts the first new one and refuses the second with
    ``limit_exceeded``."""
    monkeypatch.setattr("connecttrade_mock.streams.market_data.MAX_SUBSCRIPTIONS", 2)
    assert _subscribe(session, channel="quotes", symbols=["AAPL"])["symbols"] == ["AAPL"]
    answers = _answers(session, {"channel": "quotes", "symbols": ["MSFT", "SPY", "AAPL"]})
    assert [(a["type"], a.get("code"), a["symbols"]) for a in answers] == [
        ("error", "limit_exceeded", ["SPY"]),
        ("subscribed", None, ["MSFT", "AAPL"]),
    ]
    listed = session.request({"action": "list_subscriptions"}, "subscriptions")
    assert [s["symbol"] for s in listed["subscriptions"]] == ["AAPL", "MSFT"]


def test_a_long_refusal_message_names_the_first_reasons_and_counts_the_rest(
    session: StreamClient,
) -> None:
    """Eight unknown symbols are all listed in ``symbols``; the message shows five of
    their reasons and says how many more there are."""
    unknown = [f"NOPE{i}" for i in range(8)]
    refusal, subscribed = _answers(session, {"channel": "quotes", "symbols": unknown})
    assert refusal["symbols"] == unknown
    assert refusal["message"].startswith("symbols: 'NOPE0' is not a symbol of the market")
    assert refusal["message"].endswith("; and 3 more")
    assert "NOPE5" not in refusal["message"]
    assert subscribed["symbols"] == []
