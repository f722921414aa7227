"""The intraday trading P&L replayed from fill and fee transactions (no broker needed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from connecttrade import Transaction, TransactionType
from connecttrade.agent.report.pnl import PnlPoint, hour_starts, hourly_values, intraday_pnl

from .agent_report_fakes import make_fee, make_fill

START = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
END = START + dt.timedelta(days=1)
KEY = ("acc_demo_margin", "ZVZZT")


def at(hour: int, minute: int = 0) -> dt.datetime:
    """A moment of the test day (UTC)."""
    return START + dt.timedelta(hours=hour, minutes=minute)


def test_round_trip_realizes_its_gain_and_the_curve_steps_at_fills() -> None:
    """Buying 10 at 100 and selling at 105 makes 50; the curve is flat at 0 until the sale,
    has a point at every fill and hour boundary, and ends at the report's moment."""
    fills = [
        make_fill(at(10, 15), "ZVZZT", "BUY", "10", "100"),
        make_fill(at(13, 40), "ZVZZT", "SELL", "10", "105"),
    ]
    pnl = intraday_pnl(fills, start=START, end=END, as_of=at(15), marks={}, multipliers={})
    assert pnl.total == Decimal(50)
    times = [p.time for p in pnl.points]
    assert times[0] == START
    assert at(10, 15) in times
    assert at(13, 40) in times
    assert times[-1] == at(15)
    assert times == sorted(times)
    assert {p.pnl for p in pnl.points if p.time < at(13, 40)} == {Decimal(0)}
    assert {p.pnl for p in pnl.points if p.time >= at(13, 40)} == {Decimal(50)}
    [symbol] = pnl.by_symbol
    assert (symbol.bought, symbol.sold, symbol.net_quantity) == (
        Decimal(10),
        Decimal(10),
        Decimal(0),
    )
    assert [f.time for f in pnl.fills] == [at(10, 15), at(13, 40)]


@pytest.mark.parametrize(
    ("as_of", "total", "source"),
    [(at(15), Decimal(30), "broker"), (END + dt.timedelta(hours=3), Decimal(0), "last fill")],
    ids=["running-day-broker-mark", "finished-day-last-fill"],
)
def test_open_position_is_marked_by_the_broker_only_while_the_day_runs(
    as_of: dt.datetime, total: Decimal, source: str
) -> None:
    """An open position is valued at the broker's current price on a running day; a past
    day (for which the API has no prices) keeps the last fill price, and says so."""
    fills = [make_fill(at(10), "ZVZZT", "BUY", "10", "100")]
    pnl = intraday_pnl(
        fills, start=START, end=END, as_of=as_of, marks={KEY: Decimal(103)}, multipliers={}
    )
    assert pnl.total == total
    assert pnl.points[-1].pnl == total
    assert pnl.points[-1].time == min(as_of, END)
    assert pnl.by_symbol[0].mark_source == source


@pytest.mark.parametrize(
    "multipliers",
    [{("acc_demo_margin", "OPT1"): Decimal(100)}, {}],
    ids=["from-position", "implied-from-cash"],
)
def test_option_contracts_count_their_multiplier(
    multipliers: dict[tuple[str, str], Decimal],
) -> None:
    """Two contracts bought at 1.50 and marked at 2.00 gain 100 with a multiplier of 100,
    whether the multiplier comes from the position or from the fill's cash."""
    fills = [make_fill(at(11), "OPT1", "BUY_TO_OPEN", "2", "1.50", multiplier=100)]
    pnl = intraday_pnl(
        fills,
        start=START,
        end=END,
        as_of=at(12),
        marks={("acc_demo_margin", "OPT1"): Decimal(2)},
        multipliers=multipliers,
    )
    assert pnl.total == Decimal(100)
    assert pnl.by_symbol[0].multiplier == Decimal(100)


def test_fees_reduce_the_pnl_and_are_totalled() -> None:
    """Commissions are charged against the P&L and summed separately."""
    fills = [
        make_fill(at(10), "OPT1", "BUY_TO_OPEN", "1", "10", multiplier=100),
        make_fee(at(10), "OPT1", "0.65"),
        make_fill(at(11), "OPT1", "SELL_TO_CLOSE", "1", "12", multiplier=100),
        make_fee(at(11), "OPT1", "0.65"),
    ]
    pnl = intraday_pnl(fills, start=START, end=END, as_of=at(12), marks={}, multipliers={})
    assert pnl.total == Decimal("198.70")
    assert pnl.fees == Decimal("-1.30")
    assert len(pnl.fills) == 2


def test_short_sale_gains_when_the_price_falls() -> None:
    """Selling short 5 at 50 with the broker's mark at 48 shows a gain of 10."""
    fills = [make_fill(at(10), "ZVZZT", "SELL_SHORT", "5", "50")]
    pnl = intraday_pnl(
        fills, start=START, end=END, as_of=at(11), marks={KEY: Decimal(48)}, multipliers={}
    )
    assert pnl.total == Decimal(10)
    assert pnl.by_symbol[0].net_quantity == Decimal(-5)


def test_only_the_days_fills_and_fees_count() -> None:
    """Fills before or after the day, and cash movements that are not trades, are left out."""
    deposit = Transaction(
        transaction_id="dep",
        account_id="acc_demo_margin",
        type=TransactionType.DEPOSIT,
        time=at(9),
        trade_date=START.date(),
        symbol=None,
        side=None,
        quantity=None,
        price=None,
        amount=Decimal(1000),
        order_id=None,
        fill_id=None,
        description="Deposit",
    )
    fills = [
        make_fill(START - dt.timedelta(seconds=1), "ZVZZT", "BUY", "1", "1"),
        make_fill(END, "ZVZZT", "BUY", "1", "1"),
        deposit,
        make_fill(at(12), "OTHER", "BUY", "1", "7"),
    ]
    pnl = intraday_pnl(
        fills, start=START, end=END, as_of=END + dt.timedelta(days=1), marks={}, multipliers={}
    )
    assert [s.symbol for s in pnl.by_symbol] == ["OTHER"]
    assert [f.symbol for f in pnl.fills] == ["OTHER"]


def test_report_made_before_the_day_has_an_empty_curve() -> None:
    """A day that has not started yet has one point, zero, and nothing else."""
    fills = [make_fill(at(10), "ZVZZT", "BUY", "1", "1")]
    pnl = intraday_pnl(
        fills, start=START, end=END, as_of=START - dt.timedelta(hours=1), marks={}, multipliers={}
    )
    assert pnl.points == (PnlPoint(START, Decimal(0)),)
    assert pnl.by_symbol == ()


@pytest.mark.parametrize(
    ("day", "hours"),
    [(dt.date(2026, 3, 8), 23), (dt.date(2026, 11, 1), 25), (dt.date(2026, 3, 2), 24)],
    ids=["spring-forward", "fall-back", "ordinary"],
)
def test_hours_follow_the_local_clock(day: dt.date, hours: int) -> None:
    """A New York day has 23 hours when clocks go forward, 25 when they go back."""
    zone = ZoneInfo("America/New_York")
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    starts = hour_starts(start, end.astimezone(dt.UTC))
    assert len(starts) == hours
    assert starts[0].astimezone(zone).hour == 0


def test_hourly_values_stop_where_the_curve_stops() -> None:
    """Each hour shows the P&L at its end; hours after the report's moment show none."""
    points = [
        PnlPoint(START, Decimal(0)),
        PnlPoint(at(1, 30), Decimal(5)),
        PnlPoint(at(2, 10), Decimal(7)),
    ]
    values = hourly_values(points, hour_starts(START, END))
    assert values[:3] == [Decimal(0), Decimal(5), Decimal(7)]
    assert values[3:] == [None] * 21
