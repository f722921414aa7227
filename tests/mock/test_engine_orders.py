"""Order types and times in force behave as their names say, against pinned quotes."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from mock_api import START, Api

TO_CLOSE = 6 * 3600  # START (10:00 New York) to the 16:00 close
TO_NEXT_OPEN = 23 * 3600 + 1800  # START to 09:30 the next morning


@pytest.fixture(autouse=True)
def aapl(api: Api) -> None:
    """AAPL pinned at 100.00 / 100.10, last 100.05."""
    api.pin("AAPL", "100.00", "100.10", "100.05")


def fills(order: dict[str, object]) -> list[tuple[Decimal, Decimal]]:
    items = order["fills"]
    assert isinstance(items, list)
    return [(Decimal(f["quantity"]), Decimal(f["price"])) for f in items]


@pytest.mark.parametrize(
    ("side", "price"), [("BUY", "100.10"), ("SELL_SHORT", "100.00")], ids=["buy-ask", "sell-bid"]
)
def test_market_order_fills_at_once_at_the_touch(api: Api, side: str, price: str) -> None:
    """A market order fills completely when placed: buys at the ask, sells at the bid."""
    order = api.placed(side=side, order_qty="3")
    assert order["status"] == "filled"
    assert fills(order) == [(Decimal(3), Decimal(price))]
    assert order["avg_fill_price"] == price
    assert order["remaining_qty"] == "0"


@pytest.mark.parametrize(
    ("side", "limit", "price"),
    [("BUY", "101.00", "100.10"), ("SELL_SHORT", "99.00", "100.00")],
    ids=["buy", "sell"],
)
def test_marketable_limit_fills_at_the_better_price(
    api: Api, side: str, limit: str, price: str
) -> None:
    """A marketable limit order fills at once at the touch, which is better than its limit."""
    order = api.placed(side=side, order_type="LMT", order_limit_price=limit)
    assert order["status"] == "filled"
    assert fills(order) == [(Decimal(1), Decimal(price))]


def test_resting_limit_fills_when_the_quote_crosses(api: Api) -> None:
    """A non-marketable limit rests as working and fills at the ask once the ask reaches it."""
    order = api.placed(order_type="LMT", order_limit_price="99.50")
    assert order["status"] == "working"
    api.advance(60)
    assert api.order(order)["status"] == "working"
    api.pin("AAPL", "99.30", "99.40", "99.35")
    api.advance(1)
    filled = api.order(order)
    assert filled["status"] == "filled"
    assert fills(filled) == [(Decimal(1), Decimal("99.40"))]


@pytest.mark.parametrize(
    ("side", "stop", "untriggered", "triggered", "price"),
    [
        ("BUY", "101.00", ("100.50", "100.60", "100.90"), ("101.00", "101.10", "101.05"), "101.10"),
        ("SELL_SHORT", "99.00", ("99.40", "99.50", "99.10"), ("98.90", "99.00", "98.95"), "98.90"),
    ],
    ids=["buy-stop", "sell-stop"],
)
def test_stop_triggers_on_the_last_price(
    api: Api,
    side: str,
    stop: str,
    untriggered: tuple[str, str, str],
    triggered: tuple[str, str, str],
    price: str,
) -> None:
    """A stop order waits until the simulated last trade reaches the stop, then fills as a
    market order at the touch."""
    order = api.placed(side=side, order_type="STP", stop_price=stop)
    assert order["status"] == "working"
    api.pin("AAPL", *untriggered)
    api.advance(1)
    assert api.order(order)["status"] == "working"
    api.pin("AAPL", *triggered)
    api.advance(1)
    done = api.order(order)
    assert done["status"] == "filled"
    assert fills(done) == [(Decimal(1), Decimal(price))]


def test_stop_ignores_the_quote_when_the_last_has_not_reached_it(api: Api) -> None:
    """The trigger is the last trade, not the bid or ask: an ask above a buy stop with the
    last below it leaves the stop untriggered."""
    order = api.placed(order_type="STP", stop_price="101.00")
    api.pin("AAPL", "101.00", "101.20", "100.95")
    api.advance(1)
    assert api.order(order)["status"] == "working"


def test_stop_limit_becomes_a_limit_order_when_triggered(api: Api) -> None:
    """A stop-limit order triggers on the last price and then fills only within its limit."""
    order = api.placed(order_type="STPLMT", stop_price="101.00", order_limit_price="101.20")
    api.pin("AAPL", "101.40", "101.50", "101.45")  # triggered, but the ask is above the limit
    api.advance(1)
    assert api.order(order)["status"] == "working"
    api.pin("AAPL", "101.10", "101.15", "101.10")  # still past the stop, ask within the limit
    api.advance(1)
    done = api.order(order)
    assert done["status"] == "filled"
    assert fills(done) == [(Decimal(1), Decimal("101.15"))]


def test_day_order_expires_at_the_new_york_close(api: Api) -> None:
    """A DAY order still resting at 16:00 New York expires then, not a second earlier."""
    order = api.placed(order_type="LMT", order_limit_price="95.00", order_tif="DAY")
    api.advance(TO_CLOSE - 1)
    assert api.order(order)["status"] == "working"
    api.advance(1)
    assert api.order(order)["status"] == "expired"


def test_day_order_placed_after_the_close_lives_until_the_next_close(api: Api) -> None:
    """A DAY order placed after hours works the next trading day and expires at its close."""
    api.advance(TO_CLOSE + 3600)  # 17:00 New York
    order = api.placed(order_type="LMT", order_limit_price="95.00", order_tif="DAY")
    api.advance(23 * 3600 - 1)  # 15:59:59 the next day
    assert api.order(order)["status"] == "working"
    api.advance(1)
    assert api.order(order)["status"] == "expired"


def test_gtc_order_persists_across_days(api: Api) -> None:
    """A GTC order survives closes and nights and fills on a later day."""
    order = api.placed(order_type="LMT", order_limit_price="95.00", order_tif="GTC")
    api.advance(2 * 24 * 3600)  # Friday 10:00
    assert api.order(order)["status"] == "working"
    api.pin("AAPL", "94.80", "94.90", "94.85")
    api.advance(1)
    assert api.order(order)["status"] == "filled"


def test_ioc_fills_what_it_can_and_cancels_the_rest(api: Api) -> None:
    """An IOC order larger than the top of book takes the displayed size and cancels the
    remainder at once."""
    size = Decimal(api.pin("AAPL", "100.00", "100.10", "100.05")["ask_size"])
    order = api.placed(
        order_type="LMT", order_limit_price="100.10", order_tif="IOC", order_qty=str(size + 50)
    )
    assert order["status"] == "cancelled"
    assert fills(order) == [(size, Decimal("100.10"))]
    assert order["filled_qty"] == str(size)


def test_ioc_that_cannot_trade_is_cancelled_without_fills(api: Api) -> None:
    """A non-marketable IOC limit order is cancelled at once with nothing filled."""
    order = api.placed(order_type="LMT", order_limit_price="99.00", order_tif="IOC")
    assert order["status"] == "cancelled"
    assert order["fills"] == []


@pytest.mark.parametrize(
    ("extra", "status", "filled"),
    [(-1, "filled", True), (0, "filled", True), (1, "cancelled", False)],
    ids=["below-size", "exactly-size", "above-size"],
)
def test_fok_fills_all_or_nothing(api: Api, extra: int, status: str, filled: bool) -> None:
    """A FOK order fills completely when the book holds its size, and otherwise is cancelled
    without any fill."""
    size = Decimal(api.pin("AAPL", "100.00", "100.10", "100.05")["ask_size"])
    quantity = size + extra
    order = api.placed(order_tif="FOK", order_qty=str(quantity))
    assert order["status"] == status
    assert fills(order) == ([(quantity, Decimal("100.10"))] if filled else [])


def test_open_order_fills_at_the_next_regular_open(api: Api) -> None:
    """An OPEN order waits for the next regular open and trades whole in that auction."""
    order = api.placed(order_tif="OPEN", order_qty="2000")
    assert order["status"] == "working"
    api.advance(TO_NEXT_OPEN - 1)
    assert api.order(order)["status"] == "working"
    api.advance(1)
    done = api.order(order)
    assert done["status"] == "filled"
    assert fills(done) == [(Decimal(2000), Decimal("100.10"))]
    assert datetime.fromisoformat(done["fills"][0]["time"]) == START + timedelta(
        seconds=TO_NEXT_OPEN
    )


@pytest.mark.parametrize("session", ["pre_market", "closed"], ids=["pre-market", "overnight"])
def test_market_on_open_is_accepted_before_the_open(api: Api, session: str) -> None:
    """A market-on-open order placed while the market is shut waits for the open instead of
    being rejected as a market order in a closed market."""
    api.session(session)
    order = api.placed(order_tif="OPEN")
    assert order["status"] == "working", order["reject_reason"]


def test_close_order_fills_at_the_close(api: Api) -> None:
    """A CLOSE order rests through the day and trades in the closing auction at 16:00."""
    order = api.placed(order_tif="CLOSE", order_qty="2000")
    api.advance(TO_CLOSE - 1)
    assert api.order(order)["status"] == "working"
    api.advance(1)
    done = api.order(order)
    assert done["status"] == "filled"
    assert datetime.fromisoformat(done["fills"][0]["time"]) == START + timedelta(seconds=TO_CLOSE)


@pytest.mark.parametrize(
    ("session", "tif", "trades"),
    [
        ("pre_market", "DAY+", True),
        ("pre_market", "GTC+", True),
        ("pre_market", "DAY", False),
        ("pre_market", "GTC", False),
        ("after_hours", "DAY+", True),
        ("after_hours", "GTC+", True),
        ("after_hours", "DAY", False),
        ("after_hours", "GTC", False),
        ("regular", "DAY+", True),
        ("regular", "DAY", True),
        ("closed", "GTC+", False),
    ],
    ids=str,
)
def test_extended_hours_orders_trade_outside_the_regular_session(
    api: Api, session: str, tif: str, trades: bool
) -> None:
    """DAY+ and GTC+ limit orders trade in the pre-market and after hours; DAY and GTC wait
    for the regular session; nothing trades while the market is closed."""
    api.session(session)
    order = api.placed(order_type="LMT", order_limit_price="100.10", order_tif=tif)
    api.advance(1)
    assert api.order(order)["status"] == ("filled" if trades else "working")


def test_after_hours_by_the_clock_trades_day_plus_only(api: Api) -> None:
    """At 17:00 New York by the clock (no forced session) a DAY+ order fills, a DAY waits."""
    api.advance(TO_CLOSE + 3600)
    api.pin("AAPL", "100.00", "100.10", "100.05")
    plus = api.placed(order_type="LMT", order_limit_price="100.10", order_tif="DAY+")
    regular = api.placed(order_type="LMT", order_limit_price="100.10", order_tif="DAY")
    assert plus["status"] == "filled"
    assert regular["status"] == "working"


def test_day_plus_expires_at_the_end_of_after_hours(api: Api) -> None:
    """A DAY+ order keeps working after the 16:00 close and expires at 20:00 New York."""
    order = api.placed(order_type="LMT", order_limit_price="95.00", order_tif="DAY+")
    api.advance(TO_CLOSE + 1)
    assert api.order(order)["status"] == "working"
    api.advance(4 * 3600 - 1)
    assert api.order(order)["status"] == "expired"


def test_limit_larger_than_the_book_fills_in_parts(api: Api) -> None:
    """An order larger than the top-of-book size fills the displayed size each second, shows
    partially_filled in between, and lists every fill."""
    size = Decimal(api.pin("AAPL", "100.00", "100.10", "100.05")["ask_size"])
    total = size * 3
    order = api.placed(order_type="LMT", order_limit_price="100.10", order_qty=str(total))
    assert order["status"] == "partially_filled"
    assert fills(order) == [(size, Decimal("100.10"))]
    assert Decimal(order["remaining_qty"]) == total - size
    seen = order
    for _ in range(10):
        if seen["status"] == "filled":
            break
        api.advance(1)
        seen = api.order(order)
        assert seen["status"] in ("partially_filled", "filled")
    assert seen["status"] == "filled"
    assert len(seen["fills"]) >= 2
    assert sum(q for q, _ in fills(seen)) == total
    assert len({f["fill_id"] for f in seen["fills"]}) == len(seen["fills"])


def test_scenario_partial_symbol_fills_in_three_steps(api: Api) -> None:
    """ZWZZT fills a third per engine step: partially_filled twice, then filled, with
    three fills."""
    order = api.placed(symbol="ZWZZT", order_qty="9")
    statuses = [order["status"]]
    for _ in range(2):
        api.advance(1)
        statuses.append(api.order(order)["status"])
    assert statuses == ["partially_filled", "partially_filled", "filled"]
    assert fills(api.order(order)) == [(Decimal(3), Decimal("10.00"))] * 3


def test_scenario_partial_notional_order_fills_in_three_steps(api: Api) -> None:
    """A notional ZWZZT order gets its quantity from the notional and fills it in three
    parts like any other."""
    order = api.placed(symbol="ZWZZT", order_qty=None, order_notional="100.00")
    assert order["status"] == "partially_filled"
    api.advance(1)
    api.advance(1)
    done = api.order(order)
    assert done["status"] == "filled"
    assert len(done["fills"]) == 3
    assert Decimal(done["filled_qty"]) == Decimal(10)


@pytest.mark.parametrize(
    ("symbol", "status"),
    [("ZVZZT", "filled"), ("ZXZZT", "rejected"), ("ZAZZT", "working"), ("ZBZZT", "working")],
    ids=["fill", "reject", "hold", "cancel-refused"],
)
def test_scenario_symbols_script_the_outcome(api: Api, symbol: str, status: str) -> None:
    """Scenario symbols decide the outcome whatever the order: fill, reject or never fill."""
    api.session("closed")
    order = api.placed(symbol=symbol)
    api.advance(3600)
    assert api.order(order)["status"] == status


def test_notional_market_order_buys_whole_dollars_worth(api: Api) -> None:
    """A notional market order buys notional / ask shares (9 places, rounded down)."""
    order = api.placed(order_qty=None, order_notional="1000.00")
    assert order["status"] == "filled"
    ((quantity, price),) = fills(order)
    assert price == Decimal("100.10")
    assert quantity == Decimal("9.990009990")
    assert quantity * price <= Decimal(1000)


def test_day_order_placed_on_a_weekend_lives_until_monday_close(api: Api) -> None:
    """A DAY order entered on Saturday works on Monday and expires at Monday's close, not
    at a Saturday "close" when nothing trades."""
    api.advance(3 * 24 * 3600)  # Saturday 10:00
    order = api.placed(order_type="LMT", order_limit_price="95.00", order_tif="DAY")
    api.advance(2 * 24 * 3600 + TO_CLOSE - 1)  # Monday 15:59:59
    assert api.order(order)["status"] == "working"
    api.advance(1)
    assert api.order(order)["status"] == "expired"


def test_day_plus_placed_late_lives_until_the_next_after_hours_close(api: Api) -> None:
    """A DAY+ order entered after 20:00 trades the whole next extended day and expires at
    its 20:00, not at the regular close."""
    api.advance(11 * 3600)  # 21:00 New York
    order = api.placed(order_type="LMT", order_limit_price="95.00", order_tif="DAY+")
    api.advance(20 * 3600)  # 17:00 the next day, after hours
    assert api.order(order)["status"] == "working"
    api.advance(3 * 3600)  # 20:00
    assert api.order(order)["status"] == "expired"


@pytest.mark.parametrize(
    ("symbol", "tif", "filled"),
    [("ZAZZT", "IOC", "0"), ("ZAZZT", "FOK", "0"), ("ZWZZT", "IOC", "3"), ("ZWZZT", "FOK", "0")],
    ids=["hold-ioc", "hold-fok", "partial-ioc", "partial-fok"],
)
def test_immediate_orders_on_scenario_symbols_never_rest(
    api: Api, symbol: str, tif: str, filled: str
) -> None:
    """IOC and FOK never rest, even on scenario symbols: on ZAZZT they are cancelled at
    once; on ZWZZT an IOC keeps its first part and a FOK takes none."""
    order = api.placed(symbol=symbol, order_tif=tif, order_qty="9")
    assert order["status"] == "cancelled"
    assert order["filled_qty"] == filled
    api.advance(3)
    assert api.order(order)["filled_qty"] == filled
