"""The pieces the engine's placement path leans on answer exactly what they replace.

The New York trading day answers sessions as ``session_at`` does; the resting-order book
finds exactly the orders a touch crosses, however many share a price; what a new order
may use is the figure the full balance shows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connecttrade_mock.broker import accounting
from connecttrade_mock.broker.resting import RestingOrders
from connecttrade_mock.broker.state import Account, Order, Position
from connecttrade_mock.clock import NEW_YORK, Session, TradingDay, session_at
from connecttrade_mock.lifecycle import OrderStatus

# Weekdays, a weekend and both 2026 daylight saving switches (8 March, 1 November).
DAYS = [date(2026, 3, 6), date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)]
DAYS += [date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 18)]


@pytest.mark.parametrize("day", DAYS, ids=[d.isoformat() for d in DAYS])
def test_a_trading_day_answers_sessions_as_session_at(day: date) -> None:
    """Every minute of the day (and the microseconds around each session change) falls in
    the session ``session_at`` gives, and within the day's bounds."""
    start = datetime.combine(day, datetime.min.time(), NEW_YORK).astimezone(UTC)
    trading_day = TradingDay.of(start)
    assert trading_day.date == day
    moment = start
    while moment.astimezone(NEW_YORK).date() == day:
        assert trading_day.holds(moment)
        for probe in (moment - timedelta(microseconds=1), moment):
            if trading_day.holds(probe):
                assert trading_day.session_at(probe) is session_at(probe), probe
        moment += timedelta(minutes=1)
    assert moment == trading_day.ends  # the first minute of the next day
    assert not trading_day.holds(trading_day.ends)
    assert trading_day.holds(trading_day.ends - timedelta(microseconds=1))
    assert TradingDay.of(trading_day.ends).starts == trading_day.ends


def test_a_weekend_day_is_closed_all_day() -> None:
    """Saturday has no sessions: closed from midnight to midnight."""
    saturday = TradingDay.of(datetime(2026, 11, 21, 15, tzinfo=UTC))
    assert saturday.changes == ()
    assert saturday.session_at(saturday.starts) is Session.CLOSED
    assert saturday.session_at(saturday.ends - timedelta(microseconds=1)) is Session.CLOSED


def crosses(order: Order, buying: bool, touch: Decimal) -> bool:
    """Whether the touch reaches the order's limit (buys at or above it, sells below)."""
    limit = order.order_limit_price
    assert limit is not None
    if (order.side == "BUY") != buying:
        return False
    return limit >= touch if buying else limit <= touch


def resting_order(number: int, price: str, side: str = "BUY") -> Order:
    moment = datetime(2026, 11, 18, 15, tzinfo=UTC)
    return Order(
        order_id=f"ord_{number}",
        seq=number,
        account_id="acc",
        client_id="c",
        user_id="u",
        cl_order_id=f"c{number}",
        broker="ALPACA",
        instrument="STK",
        symbol="AAPL",
        side=side,
        order_type="LMT",
        order_tif="GTC",
        order_qty=Decimal(1),
        order_notional=None,
        order_limit_price=Decimal(price),
        stop_price=None,
        legs=(),
        status=OrderStatus.WORKING,
        created_at=moment,
        updated_at=moment,
        trading_day=moment.date(),
        expires_at=None,
    )


@given(
    prices=st.lists(st.sampled_from(["99.00", "99.50", "99.5", "100.00", "100.25"]), max_size=30),
    removed=st.sets(st.integers(0, 29)),
    touch=st.sampled_from(["98.00", "99.50", "100.00", "100.10", "101.00"]),
)
def test_the_book_finds_exactly_the_orders_a_touch_crosses(
    prices: list[str], removed: set[int], touch: str
) -> None:
    """Buys at or above the ask and sells at or below the bid are found, each once, after
    any orders at shared prices left the book; no other order is."""
    book = RestingOrders()
    orders = [resting_order(n, price, "BUY" if n % 2 else "SELL") for n, price in enumerate(prices)]
    for order in orders:
        book.add(order)
    left = [o for n, o in enumerate(orders) if n not in removed]
    for n in removed:
        book.remove(f"ord_{n}")
    assert len(book) == len(left)
    price = Decimal(touch)
    for buying in (True, False):
        expected = {o.order_id for o in left if crosses(o, buying, price)}
        if ("AAPL", buying) in set(book.symbols()):
            found = [o.order_id for o in book.crossing("AAPL", buying, price)]
            everything = {o.order_id for o in book.everything("AAPL", buying)}
            assert everything == {o.order_id for o in left if (o.side == "BUY") == buying}
        else:
            found = []
        assert sorted(found) == sorted(expected)
        assert len(found) == len(set(found))


def an_account(kind: str, cash: str) -> Account:
    return Account("acc", "conn", "c", "u", "1", "ALPACA", kind, True, True, Decimal(cash))


@given(
    kind=st.sampled_from(["margin", "cash"]),
    cash=st.decimals("-50000", "500000", places=2),
    quantity=st.integers(-300, 300),
    last=st.decimals("0.01", "900", places=4),
    reserved=st.decimals("0", "90000", places=2),
)
def test_what_a_new_order_may_use_is_what_the_balance_shows(
    kind: str, cash: Decimal, quantity: int, last: Decimal, reserved: Decimal
) -> None:
    """A cash account's buying power, a margin account's equity less margin used: the
    admission check's figure equals the one the full balance computes."""
    account = an_account(kind, str(cash))
    position = Position("acc", "AAPL", "STK", Decimal(1), quantity=Decimal(quantity))
    holdings = accounting.value_holdings(kind == "margin", [(position, last)], lambda _: None)
    figures = accounting.balance_of(account, holdings, reserved)
    expected = figures.buying_power if kind == "cash" else figures.equity - figures.margin_used
    assert accounting.available_for_orders(account, holdings, reserved) == expected
    via_balance = accounting.balance(account, [position], lambda _: last, lambda _: None, reserved)
    assert via_balance == figures
