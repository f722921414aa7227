"""Tests of parsing stream frames into typed values."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import connecttrade
from connecttrade.streams._protocol.frames import (
    Authenticated,
    Heartbeat,
    UnknownFrame,
    Welcome,
    parse_brokerage,
    parse_market_data,
)

from .stream_samples import TIME, balance_update, order_update, position_update


def test_order_update_carries_the_rest_order_shape() -> None:
    """An order update parses its order with the REST parser: exact decimals, enums."""
    frame = parse_brokerage(order_update(seq=3, version=2, status="filled"))
    assert isinstance(frame, connecttrade.OrderUpdate)
    assert (frame.seq, frame.version, frame.user_id) == (3, 2, "u1")
    assert frame.order.limit_price == Decimal("171.25")
    assert frame.order.status is connecttrade.OrderStatus.FILLED


def test_position_and_balance_updates_parse() -> None:
    """Position and balance updates carry their entities as exact values."""
    position = parse_brokerage(position_update(seq=1, version=7))
    balance = parse_brokerage(balance_update(seq=2, version=12))
    assert isinstance(position, connecttrade.PositionUpdate)
    assert position.position.quantity == Decimal(25)
    assert isinstance(balance, connecttrade.BalanceUpdate)
    assert balance.balance.cash == Decimal("98250.75")


def test_control_frames_parse() -> None:
    """Welcome, authenticated and heartbeat frames become the internal control values;
    counters arrive as digit strings (the vendor's every-field-a-string rule)."""
    welcome = parse_brokerage(
        json.dumps(
            {
                "type": "welcome",
                "session_id": "bs_1",
                "server_time": TIME,
                "auth_timeout_seconds": "0.5",
            }
        )
    )
    beat = parse_brokerage(
        json.dumps({"type": "heartbeat", "time": TIME, "last_seq": "4", "interval_seconds": "1"})
    )
    md_auth = parse_market_data(
        json.dumps(
            {"type": "authenticated", "connection_id": "c", "broker": "ALPACA", "expires_at": TIME}
        )
    )
    assert isinstance(welcome, Welcome)
    assert welcome.auth_timeout_seconds == Decimal("0.5")
    assert isinstance(beat, Heartbeat)
    assert (beat.interval_seconds, beat.last_seq) == (1, 4)
    assert isinstance(md_auth, Authenticated)
    assert md_auth.expires_at is not None


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            {
                "type": "quote",
                "symbol": "AAPL",
                "bid": "171.19",
                "ask": "171.21",
                "bid_size": "300",
                "ask_size": "200",
                "last": None,
                "time": TIME,
            },
            connecttrade.Quote,
        ),
        (
            {
                "type": "trade",
                "symbol": "AAPL",
                "price": "171.20",
                "size": "100",
                "session": "regular",
                "time": TIME,
            },
            connecttrade.Trade,
        ),
        (
            {
                "type": "bar",
                "symbol": "AAPL",
                "interval": "1m",
                "start": TIME,
                "open": "1",
                "high": "2",
                "low": "0.5",
                "close": "1.5",
                "volume": "10",
                "backfill": False,
                "final": True,
            },
            connecttrade.Bar,
        ),
        (
            {
                "type": "depth",
                "symbol": "AAPL",
                "levels": "1",
                "bids": [{"price": "171.19", "size": "300"}],
                "asks": [{"price": "171.21", "size": "200"}],
                "time": TIME,
            },
            connecttrade.Depth,
        ),
        (
            {
                "type": "options_chain",
                "underlying": "SPY",
                "underlying_price": "598.10",
                "time": TIME,
                "contracts": [
                    {
                        "symbol": "SPY261218C00600000",
                        "expiry": "2026-12-18",
                        "strike": "600",
                        "right": "C",
                        "bid": "12.40",
                        "ask": "12.55",
                        "last": None,
                        "greeks": None,
                    }
                ],
            },
            connecttrade.OptionsChain,
        ),
        (
            {
                "type": "snapshot",
                "request_id": "snap-1",
                "symbol": "AAPL",
                "interval": "1m",
                "bars": [
                    {
                        "start": TIME,
                        "open": "1",
                        "high": "1",
                        "low": "1",
                        "close": "1",
                        "volume": "1",
                    }
                ],
            },
            connecttrade.BarSnapshot,
        ),
        (
            {
                "type": "subscriptions",
                "subscriptions": [{"channel": "bars", "symbol": "AAPL", "interval": "1m"}],
            },
            connecttrade.SubscriptionList,
        ),
        (
            {"type": "error", "code": "unknown_symbol", "message": "no", "request_id": "s"},
            connecttrade.ErrorNotice,
        ),
    ],
    ids=["quote", "trade", "bar", "depth", "options-chain", "snapshot", "subscriptions", "error"],
)
def test_market_data_frames_parse(payload: dict[str, object], expected: type) -> None:
    """Every market-data frame type parses into its event class."""
    assert isinstance(parse_market_data(json.dumps(payload)), expected)


def test_unknown_frame_type_is_skipped_not_fatal() -> None:
    """A frame type from a newer server is recognised as unknown instead of failing."""
    assert parse_market_data('{"type": "news", "headline": "x"}') == UnknownFrame("news")


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[1, 2]",
        '{"no_type": 1}',
        '{"type": "quote", "symbol": "AAPL"}',
        '{"type": "order_update", "seq": 1}',
    ],
    ids=["not-json", "array", "no-type", "quote-missing-fields", "update-missing-order"],
)
def test_malformed_frames_raise_a_typed_error(text: str) -> None:
    """A frame that breaks the protocol raises StreamProtocolError naming the problem."""
    with pytest.raises(connecttrade.StreamProtocolError):
        parse_brokerage(text) if "order_update" in text else parse_market_data(text)


def test_protocol_errors_never_show_values() -> None:
    """A bad token-bearing field is named in the error, its value is not shown."""
    bad = json.dumps(
        {
            "type": "quote",
            "symbol": "AAPL",
            "bid": "s3cr3t-token",
            "ask": "1",
            "bid_size": "1",
            "ask_size": "1",
            "last": None,
            "time": TIME,
        }
    )
    with pytest.raises(connecttrade.StreamProtocolError) as caught:
        parse_market_data(bad)
    assert "bid" in str(caught.value)
    assert "s3cr3t" not in str(caught.value)
