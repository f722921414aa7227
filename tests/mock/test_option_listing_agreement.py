"""The options chain, the quote stream and POST /orders agree on what is listed, over a
real socket: every contract a chain shows can be quoted and ordered, and a contract off
the grid is unknown to the stream and rejected by the broker."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from stream_client import Rest, StreamClient, authenticated_market_data

from connecttrade_mock.market.instrument import OptionContract
from connecttrade_mock.testing import MockServer

_FRAME_SYMBOLS = 100  # the most symbols one subscribe frame may name


@pytest.fixture
def server(shared_server: MockServer) -> MockServer:
    """The module's mock, reset, pushing market data every 20 ms."""
    assert shared_server.control is not None
    shared_server.control.reset()
    shared_server.control.stream_settings(market_data_interval_ms=20)
    return shared_server


@pytest.fixture
def session(server: MockServer, rest: Rest) -> Iterator[StreamClient]:
    with authenticated_market_data(server, rest.token()) as client:
        yield client


def _chain(session: StreamClient, underlying: str, **params: Any) -> dict[str, Any]:
    frame = {"action": "subscribe", "channel": "options_chain", "symbols": [underlying]}
    answer = session.request({**frame, "strikes": 50, **params}, "subscribed", "error")
    assert answer["type"] == "subscribed", answer
    chain = session.next_of("options_chain")
    session.request(
        {"action": "unsubscribe", "channel": "options_chain", "symbols": [underlying]},
        "unsubscribed",
    )
    return chain


def _quotes(session: StreamClient, symbols: list[str]) -> tuple[list[str], dict[str, Any] | None]:
    """The symbols a quotes subscribe accepts, and its error frame if any."""
    frame = {"action": "subscribe", "channel": "quotes", "symbols": symbols}
    first = session.request(frame, "subscribed", "error")
    if first["type"] == "error":
        return session.next_of("subscribed")["symbols"], first
    return first["symbols"], None


def _order(rest: Rest, symbol: str) -> dict[str, Any]:
    return rest.place(
        instrument="OPT",
        symbol=symbol,
        side="BUY_TO_OPEN",
        order_type="LMT",
        order_limit_price="0.50",
        order_qty="1",
    )


def _off_grid(symbol: str, step: Decimal) -> str:
    contract = OptionContract.parse(symbol)
    assert contract is not None
    return OptionContract(
        contract.root, contract.expiry, contract.right, contract.strike + step
    ).symbol


@pytest.mark.parametrize(
    ("underlying", "expiry", "half_step"),
    [("SPY", None, "0.5"), ("SPY", "2026-12-18", "0.5"), ("AAPL", None, "0.25"),
     ("KO", "2027-01-15", "0.25")],
    ids=["spy-nearest", "spy-december", "aapl-nearest", "ko-leaps"],
)  # fmt: skip
def test_chain_rest_and_stream_agree(
    session: StreamClient, rest: Rest, underlying: str, expiry: str | None, half_step: str
) -> None:
    """Every contract of a 50-strike chain is accepted by a quotes subscription and by
    POST /orders; the same contracts half a step off the grid are unknown_symbol to the
    stream and rejected as not listed by the broker."""
    params = {"expiry": expiry} if expiry else {}
    chain = _chain(session, underlying, **params)
    symbols = [c["symbol"] for c in chain["contracts"]]
    assert len(symbols) >= 40
    for batch in range(0, len(symbols), _FRAME_SYMBOLS):
        accepted, error = _quotes(session, symbols[batch : batch + _FRAME_SYMBOLS])
        assert error is None
        assert accepted == symbols[batch : batch + _FRAME_SYMBOLS]
    for symbol in symbols[::9]:
        order = _order(rest, symbol)
        assert order["status"] != "rejected", order["reject_reason"]
    off = [_off_grid(s, Decimal(half_step)) for s in symbols[::9]]
    accepted, error = _quotes(session, off)
    assert accepted == []
    assert error is not None
    assert (error["code"], error["channel"], error["symbols"]) == ("unknown_symbol", "quotes", off)
    assert "is not listed" in error["message"]
    for symbol in off:
        order = _order(rest, symbol)
        assert order["status"] == "rejected"
        assert order["reject_reason"].startswith(f"option contract not found: {symbol}")


def test_a_quote_subscription_to_an_unlisted_contract_is_unknown_symbol(
    session: StreamClient,
) -> None:
    """A Sunday expiry, one in 2035 and a strike of $0.001 are refused by name with the
    stream's unknown_symbol error; the listed contract in the same frame streams."""
    listed = "SPY261120C00670000"
    unlisted = ["SPY261122C00670000", "SPY350119C00670000", "SPY261120C00000001"]
    accepted, error = _quotes(session, [*unlisted, listed])
    assert accepted == [listed]
    assert error is not None
    assert (error["code"], error["symbols"]) == ("unknown_symbol", unlisted)
    assert "SPY has no expiration on Sunday 2026-11-22" in error["message"]
    assert session.next_of("quote")["symbol"] == listed
