"""Tests for the documented workflows: VWAP, total unrealized P&L, the daily summary."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sdk_fakes import FakeApi, balance_json, position_json

import connecttrade
from connecttrade import Fill
from connecttrade._wire import parse
from connecttrade.types.workflows import daily_summary, total_unrealized_pl

NOW = parse.fill(
    {"fill_id": "f", "time": "2026-11-20T15:04:05Z", "quantity": "1", "price": "1"}
).time


def _fill(qty: str, price: str) -> Fill:
    return Fill(fill_id="f", time=NOW, quantity=Decimal(qty), price=Decimal(price))


@pytest.mark.parametrize(
    ("fills", "expected"),
    [
        pytest.param([("4", "171.20")], "171.20", id="one-fill"),
        pytest.param([("4", "171.20"), ("6", "171.30")], "171.26", id="two-fills"),
        pytest.param([("0.5", "0.000000001"), ("0.5", "0.000000003")], "0.000000002", id="tiny"),
        pytest.param([("1", "0.1"), ("1", "0.2")], "0.15", id="float-trap"),
    ],
)
def test_vwap_is_exact(fills: list[tuple[str, str]], expected: str) -> None:
    """vwap is sum(qty x price) / sum(qty) in Decimal, with no float rounding."""
    assert connecttrade.vwap(_fill(q, p) for q, p in fills) == Decimal(expected)


def test_vwap_of_nothing_is_an_error() -> None:
    """There is no average price of no fills."""
    with pytest.raises(ValueError, match="vwap"):
        connecttrade.vwap([])


def test_total_unrealized_pl_skips_nulls() -> None:
    """Positions whose broker reports no unrealized P&L are left out of the sum."""
    positions = [
        parse.position(position_json(symbol="A", unrealized_pl="10.10")),
        parse.position(position_json(symbol="B", unrealized_pl=None)),
        parse.position(position_json(symbol="C", unrealized_pl="-0.05")),
    ]
    assert total_unrealized_pl(positions) == Decimal("10.05")


def test_daily_summary_combines_balance_and_positions() -> None:
    """The summary has cash, buying power, each symbol's daily P&L and their sum."""
    balance = parse.balance(balance_json(cash="1000.01", buying_power="2000.02"))
    positions = [
        parse.position(position_json(symbol="AAPL", daily_pl="32.75")),
        parse.position(position_json(symbol="MSFT", daily_pl=None)),
        parse.position(position_json(symbol="TSLA", daily_pl="-2.70")),
        parse.position(position_json(account_id="acc_other", symbol="NVDA", daily_pl="99")),
    ]
    summary = daily_summary(balance, positions)
    assert (summary.cash, summary.buying_power) == (Decimal("1000.01"), Decimal("2000.02"))
    assert dict(summary.daily_pl_by_symbol) == {
        "AAPL": Decimal("32.75"),
        "MSFT": None,
        "TSLA": Decimal("-2.70"),
    }
    assert summary.total_daily_pl == Decimal("30.05")


def test_portfolio_one_liners_on_the_client() -> None:
    """client.portfolio answers total unrealized P&L and the daily summary in one call each."""
    api = FakeApi()
    api.positions = [
        position_json(symbol="AAPL", unrealized_pl="110.50"),
        position_json(symbol="MSFT", unrealized_pl=None, daily_pl="-1.25"),
    ]
    with api.client() as client:
        assert client.portfolio.total_unrealized_pl() == Decimal("110.50")
        summary = client.portfolio.daily_summary("acc_demo_margin")
    assert summary.total_daily_pl == Decimal("31.50")
    assert summary.cash == Decimal("98250.75")
