"""Exact accounting: the pure fill booking, and the same rules seen through the REST API
after arbitrary sequences of fills."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mock_api import CALL_100, Api
from mock_api import settings as mock_settings
from starlette.testclient import TestClient

from connecttrade_mock.app import create_app
from connecttrade_mock.broker import accounting
from connecttrade_mock.broker.state import Account, Position

CENT = Decimal("0.01")


def account(cash: str = "1000000") -> Account:
    return Account(
        account_id="acc",
        connection_id="conn",
        client_id="c",
        user_id="u",
        account_number="1",
        broker="ALPACA",
        account_type="margin",
        is_paper=True,
        can_trade=True,
        cash=Decimal(cash),
    )


fill_steps = st.lists(
    st.tuples(
        st.integers(-500, 500).filter(bool),  # signed quantity
        st.integers(1, 100_000),  # price in cents
        st.integers(0, 500),  # fee in cents
    ),
    min_size=1,
    max_size=12,
)


@given(steps=fill_steps, multiplier=st.sampled_from([Decimal(1), Decimal(50), Decimal(100)]))
def test_realized_pnl_of_a_flat_position_is_exact(
    steps: list[tuple[int, int, int]], multiplier: Decimal
) -> None:
    """Whatever fills take a position through (partial closes, flips long/short), once it is
    flat again its realized P&L is exactly the cash it produced, all fees included, and no
    basis is left over."""
    acct = account()
    position = Position("acc", "X", "STK", multiplier)
    cash_before = acct.cash
    for quantity, cents, fee_cents in steps:
        accounting.apply_fill(acct, position, Decimal(quantity), cents * CENT, fee_cents * CENT)
    held = position.quantity
    if held:  # close what is left at the last price, without a fee
        accounting.apply_fill(acct, position, -held, steps[-1][1] * CENT, Decimal(0))
    assert position.quantity == 0
    assert position.basis == 0
    assert position.realized_pl == acct.cash - cash_before


@given(
    entry=st.integers(1, 100_000),
    exit_=st.integers(1, 100_000),
    quantity=st.integers(1, 1000),
    parts=st.integers(1, 7),
    fee=st.integers(0, 1000),
    short=st.booleans(),
)
def test_round_trip_realized_pnl_formula(
    entry: int, exit_: int, quantity: int, parts: int, fee: int, short: bool
) -> None:
    """A round trip opened in one fill and closed in several realizes exactly
    (exit - entry) x qty x multiplier - fees, for longs and shorts."""
    acct = account()
    multiplier = Decimal(100)
    position = Position("acc", "X", "OPT", multiplier)
    sign = -1 if short else 1
    fee_each = fee * CENT
    accounting.apply_fill(acct, position, Decimal(sign * quantity), entry * CENT, fee_each)
    left = quantity
    fees = fee_each
    for part in range(parts):
        size = left if part == parts - 1 else max(1, quantity // parts)
        size = min(size, left)
        if not size:
            break
        accounting.apply_fill(acct, position, Decimal(-sign * size), exit_ * CENT, fee_each)
        fees += fee_each
        left -= size
    if left:
        accounting.apply_fill(acct, position, Decimal(-sign * left), exit_ * CENT, fee_each)
        fees += fee_each
    expected = sign * (exit_ - entry) * CENT * quantity * multiplier - fees
    assert position.realized_pl == expected


@given(
    quantity=st.integers(-1000, 1000).filter(bool),
    cents=st.integers(1, 10_000_000),
    fee=st.integers(0, 10_000),
)
def test_cash_moves_by_cost_and_fee(quantity: int, cents: int, fee: int) -> None:
    """One fill moves cash by exactly -(signed quantity x price x multiplier) - fee."""
    acct = account()
    position = Position("acc", "X", "FUT", Decimal(50))
    effect = accounting.apply_fill(acct, position, Decimal(quantity), cents * CENT, fee * CENT)
    expected = -(Decimal(quantity) * cents * CENT * 50) - fee * CENT
    assert effect.cash_delta == expected
    assert acct.cash == Decimal(1_000_000) + expected


@pytest.mark.parametrize(
    ("instrument", "quantity", "price", "multiplier", "fee"),
    [
        ("STK", "100", "270.00", "1", "0"),
        ("OPT", "3", "4.10", "100", "1.95"),
        ("MLEG_OPT", "2", "1.00", "100", "1.30"),
        ("FUT", "2", "6900.25", "50", "4.50"),
        ("CRYPTO", "0.5", "95000.00", "1", "118.75"),
        ("CRYPTO", "0.00001", "95000.00", "1", "0.00"),
    ],
    ids=["equity-free", "option", "spread", "future", "crypto", "crypto-dust"],
)
def test_fee_schedule(
    instrument: str, quantity: str, price: str, multiplier: str, fee: str
) -> None:
    """Equities trade free; options 0.65 and futures 2.25 per contract; crypto 0.25% of
    notional, rounded to the cent."""
    charged = accounting.fee_for(instrument, Decimal(quantity), Decimal(price), Decimal(multiplier))
    assert charged == Decimal(fee)


# ---------------------------------------------------------------------- through the API


@dataclass(frozen=True)
class Market:
    """What a sequence of API fills trades: a symbol, its sides, sizes and fee schedule."""

    symbol: str
    instrument: str
    buy: str
    sell: str
    quantity: st.SearchStrategy[Decimal]
    low_cents: int
    high_cents: int
    multiplier: Decimal


MARKETS = {
    "equity": Market(
        "AAPL", "STK", "BUY", "SELL", st.integers(1, 99).map(Decimal), 9_000, 11_000, Decimal(1)
    ),
    "crypto": Market(
        "BTC/USD",
        "CRYPTO",
        "BUY",
        "SELL",
        st.integers(1, 10_000).map(lambda n: Decimal(n) / 100_000),
        5_000_000,
        6_000_000,
        Decimal(1),
    ),
    "option": Market(
        CALL_100,
        "OPT",
        "BUY_TO_OPEN",
        "SELL_TO_CLOSE",
        st.integers(1, 4).map(Decimal),
        200,
        900,
        Decimal(100),
    ),
}


@st.composite
def trades(draw: st.DrawFn, market: Market) -> list[tuple[bool, Decimal, Decimal]]:
    count = draw(st.integers(1, 6))
    return [
        (
            draw(st.booleans()),
            draw(market.quantity),
            draw(st.integers(market.low_cents, market.high_cents)) * CENT,
        )
        for _ in range(count)
    ]


@pytest.mark.parametrize("name", MARKETS, ids=MARKETS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fills_through_the_api_reconcile(name: str, data: st.DataObject) -> None:
    """After any sequence of buys and sells (stock shorts included): each fill moved cash by
    exactly its cost and fee, equity == cash + long - short market value, and the account's
    transactions (deposit, fills, fees) add up to its cash.

    A sell never sells more than a long position holds (brokers refuse an order that
    would cross from long to short), and only stock is sold short: crypto cannot be, and
    writing the call would need options level 4."""
    market = MARKETS[name]
    steps = data.draw(trades(market))
    with TestClient(create_app(mock_settings())) as client:
        api = Api(client)
        holding = Decimal(0)
        for index, (wants_to_buy, wanted, bid) in enumerate(steps):
            buying = wants_to_buy or (holding <= 0 and market.instrument != "STK")
            quantity = wanted if buying or holding <= 0 else min(wanted, holding)
            holding += quantity if buying else -quantity
            api.pin(market.symbol, str(bid), str(bid + CENT * 2))
            cash = api.cash()
            order = api.placed(
                instrument=market.instrument,
                symbol=market.symbol,
                side=market.buy if buying else market.sell,
                order_qty=str(quantity),
                order_tif="GTC",
                cl_order_id=f"h-{index}",
            )
            assert order["status"] == "filled", order["reject_reason"]
            price = Decimal(order["fills"][0]["price"])
            assert price == (bid + CENT * 2 if buying else bid)
            fee = accounting.fee_for(market.instrument, quantity, price, market.multiplier)
            signed = quantity if buying else -quantity
            assert api.cash() == cash - signed * price * market.multiplier - fee
        balance = api.balance()
        cash = Decimal(balance["cash"])
        long_mv, short_mv = (
            Decimal(balance["long_market_value"]),
            Decimal(balance["short_market_value"]),
        )
        assert Decimal(balance["equity"]) == cash + long_mv - short_mv
        held = api.positions()
        market_value = sum((Decimal(p["market_value"]) for p in held.values()), Decimal(0))
        assert market_value == long_mv - short_mv
        transactions = api.transactions()
        assert sum(Decimal(t["amount"]) for t in transactions) == cash
        kinds = {t["type"] for t in transactions}
        assert kinds <= {"deposit", "fill", "fee"}


@settings(max_examples=15, deadline=None)
@given(
    entry=st.integers(9_500, 10_500),
    exit_=st.integers(9_500, 10_500),
    quantity=st.integers(1, 200),
    short=st.booleans(),
)
def test_round_trip_through_the_api(entry: int, exit_: int, quantity: int, short: bool) -> None:
    """Opening at one price and closing at another realizes exactly
    (exit - entry) x qty for a long (the reverse for a short), shown in the balance, and
    leaves cash changed by exactly that."""
    with TestClient(create_app(mock_settings())) as client:
        api = Api(client)
        cash = api.cash()
        api.pin("AAPL", str(entry * CENT), str(entry * CENT + CENT))
        opened = api.placed(side="SELL_SHORT" if short else "BUY", order_qty=str(quantity))
        api.pin("AAPL", str(exit_ * CENT), str(exit_ * CENT + CENT))
        closed = api.placed(side="BUY_TO_COVER" if short else "SELL", order_qty=str(quantity))
        entry_price = Decimal(opened["fills"][0]["price"])
        exit_price = Decimal(closed["fills"][0]["price"])
        realized = (exit_price - entry_price) * quantity * (-1 if short else 1)
        assert Decimal(api.balance()["realized_pl"]) == realized
        assert api.cash() == cash + realized
        assert api.positions() == {}


def test_realized_and_daily_pnl_start_again_each_day(api: Api) -> None:
    """The balance's realized_pl is today's and daily_pl is measured from the previous
    close: the next morning, with the price unchanged since the close, both are zero, and
    the position's daily P&L follows the price from that close."""
    api.pin("AAPL", "100.00", "100.10", "100.05")
    api.placed(order_qty="10")
    api.placed(side="SELL", order_qty="5")
    day_one = api.balance()
    assert Decimal(day_one["realized_pl"]) == Decimal("-0.50")
    api.advance(24 * 3600)  # Thursday 10:00; the pin (last 100.05) held through the close
    day_two = api.balance()
    assert Decimal(day_two["realized_pl"]) == 0
    assert Decimal(day_two["daily_pl"]) == 0
    assert Decimal(api.positions()["AAPL"]["daily_pl"]) == 0
    api.pin("AAPL", "101.90", "102.10", "102.00")
    assert Decimal(api.positions()["AAPL"]["daily_pl"]) == Decimal("9.75")
    assert Decimal(api.balance()["daily_pl"]) == Decimal("9.75")
    assert Decimal(api.positions()["AAPL"]["realized_pl"]) == Decimal("-0.50")
