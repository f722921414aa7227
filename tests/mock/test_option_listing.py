"""The option listing's rules: the NYSE holiday calendar, expiration days (monthlies,
weeklies, index ETF dailies, LEAPS, holidays), strike grids by price level, expiry, and
what the market says about a contract it does not list."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from connecttrade_mock import exchange_calendar as _calendar
from connecttrade_mock.clock import NEW_YORK, ClockMode, VirtualClock
from connecttrade_mock.market import _listing
from connecttrade_mock.market.instrument import OptionContract
from connecttrade_mock.market.market import Market
from connecttrade_mock.market.options_math import OptionRight

# Monday 2026-01-05 10:00 New York, the mock's default start.
START = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)


def make_market(seed: int = 42, start: datetime = START) -> tuple[Market, VirtualClock]:
    clock = VirtualClock(ClockMode.MANUAL, start=start, wall=lambda: 0.0)
    return Market(seed, clock), clock


def occ(root: str, expiry: date, strike: str, right: str = "C") -> str:
    return OptionContract(root, expiry, OptionRight(right), Decimal(strike)).symbol


def grid(spot: Decimal, *, long_dated: bool) -> tuple[Decimal, ...]:
    """A stock's strikes when it has traded only at ``spot`` since listing."""
    return _listing.strike_grid(
        _listing.STOCK, spot, (spot, spot), (spot, spot), long_dated=long_dated
    )


def new_york(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NEW_YORK).astimezone(UTC)


# ---- the exchange calendar -----------------------------------------------------------

NYSE_HOLIDAYS = {
    2026: [
        date(2026, 1, 1), date(2026, 1, 19), date(2026, 2, 16), date(2026, 4, 3),
        date(2026, 5, 25), date(2026, 6, 19), date(2026, 7, 3), date(2026, 9, 7),
        date(2026, 11, 26), date(2026, 12, 25),
    ],
    2027: [
        date(2027, 1, 1), date(2027, 1, 18), date(2027, 2, 15), date(2027, 3, 26),
        date(2027, 5, 31), date(2027, 6, 18), date(2027, 7, 5), date(2027, 9, 6),
        date(2027, 11, 25), date(2027, 12, 24),
    ],
    2028: [
        date(2028, 1, 17), date(2028, 2, 21), date(2028, 4, 14), date(2028, 5, 29),
        date(2028, 6, 19), date(2028, 7, 4), date(2028, 9, 4), date(2028, 11, 23),
        date(2028, 12, 25),
    ],
}  # fmt: skip


@pytest.mark.parametrize("year", sorted(NYSE_HOLIDAYS))
def test_nyse_holidays_are_the_exchange_calendar(year: int) -> None:
    """The rule-based calendar gives the NYSE's published holidays of 2026-2028, observed
    days included (Independence Day 2026 on Friday 3 July, Christmas 2027 on Friday 24
    December, Juneteenth 2027 on Friday 18 June)."""
    assert sorted(_calendar.nyse_holidays(year)) == NYSE_HOLIDAYS[year]


def test_a_saturday_new_year_is_not_observed() -> None:
    """New Year's Day 2028 is a Saturday: the NYSE trades on Friday 31 December 2027."""
    assert _calendar.is_business_day(date(2027, 12, 31))
    assert date(2027, 12, 31) not in _calendar.nyse_holidays(2027)
    assert not any(day.month == 1 and day.day <= 3 for day in _calendar.nyse_holidays(2028))


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2026, date(2026, 4, 5)), (2027, date(2027, 3, 28)), (2028, date(2028, 4, 16))],
)
def test_good_friday_is_two_days_before_easter(year: int, easter: date) -> None:
    """Good Friday, the one holiday not on a fixed rule of the calendar, follows Easter."""
    assert _calendar.easter_sunday(year) == easter
    assert easter - timedelta(days=2) in _calendar.nyse_holidays(year)


# ---- expiration days -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "third_friday"),
    [
        (2026, 1, date(2026, 1, 16)),
        (2026, 2, date(2026, 2, 20)),
        (2026, 5, date(2026, 5, 15)),
        (2026, 10, date(2026, 10, 16)),
        (2027, 1, date(2027, 1, 15)),
    ],
)
def test_monthly_expiry_is_third_friday(year: int, month: int, third_friday: date) -> None:
    """The standard monthly expiration is the month's third Friday, and it is listed."""
    market, _clock = make_market()
    assert _calendar.third_friday(year, month) == third_friday
    assert third_friday in market.option_expiries("AAPL")
    reach = _listing.horizon(_listing.STOCK, third_friday)
    assert reach is not None
    assert reach.kind == ("LEAPS" if month == 1 else "monthly")


def test_good_friday_shifts_expiry_to_thursday() -> None:
    """Good Friday 2026 (3 April) is an NYSE holiday: that week's expiration is Thursday
    2 April, and an order for the Friday is told where the expiration moved."""
    market, _clock = make_market(start=new_york(date(2026, 3, 16), 10))
    expiries = market.option_expiries("AAPL")
    assert date(2026, 4, 2) in expiries
    assert date(2026, 4, 3) not in expiries
    reason = market.unlisted_reason(occ("AAPL", date(2026, 4, 3), "270"))
    assert reason is not None
    assert "2026-04-03, an NYSE holiday; that week's expires on Thursday 2026-04-02" in reason


def test_juneteenth_shifts_the_june_2026_monthly_to_thursday() -> None:
    """Juneteenth 2026 is the third Friday of June: the June monthly expires Thursday 18 June."""
    market, _clock = make_market()
    expiries = market.option_expiries("MSFT")
    assert date(2026, 6, 18) in expiries
    assert date(2026, 6, 19) not in expiries


def test_single_stocks_have_friday_weeklies_only() -> None:
    """A stock's expirations in the next six weeks are the Fridays (Thursday when the
    Friday is a holiday), none on other weekdays."""
    market, _clock = make_market()
    soon = [e for e in market.option_expiries("AAPL") if e <= date(2026, 2, 16)]
    fridays = [date(2026, 1, 9) + timedelta(weeks=n) for n in range(6)]
    assert soon == fridays


def test_spy_and_qqq_expire_every_weekday() -> None:
    """SPY and QQQ list an expiration every business day of the next two weeks (not on
    Martin Luther King Jr. Day, 19 January), then Fridays and monthlies only."""
    market, _clock = make_market()
    two_weeks = [
        date(2026, 1, 5) + timedelta(days=n)
        for n in range(15)
        if _calendar.is_business_day(date(2026, 1, 5) + timedelta(days=n))
    ]
    assert date(2026, 1, 19) not in two_weeks
    for underlying in ("SPY", "QQQ"):
        expiries = market.option_expiries(underlying)
        assert [e for e in expiries if e <= date(2026, 1, 19)] == two_weeks
        later = [e for e in expiries if date(2026, 1, 19) < e <= date(2026, 2, 16)]
        assert later
        assert all(e.weekday() == 4 for e in later)


def test_iwm_expires_monday_wednesday_and_friday() -> None:
    """IWM's short-term expirations are Mondays, Wednesdays and Fridays."""
    market, _clock = make_market()
    soon = [e for e in market.option_expiries("IWM") if e <= date(2026, 1, 16)]
    assert soon == [
        date(2026, 1, 5), date(2026, 1, 7), date(2026, 1, 9),
        date(2026, 1, 12), date(2026, 1, 14), date(2026, 1, 16),
    ]  # fmt: skip


def test_expirations_reach_a_year_of_monthlies_and_january_leaps() -> None:
    """Monthlies run a year ahead, then LEAPS on January monthlies: two years for a stock,
    three for SPY; nothing further (no 2035)."""
    market, _clock = make_market()
    aapl, spy = market.option_expiries("AAPL"), market.option_expiries("SPY")
    monthlies = [e for e in aapl if e == _calendar.business_day_on_or_before(
        _calendar.third_friday(e.year, e.month))]  # fmt: skip
    assert [(e.year, e.month) for e in monthlies][:12] == [(2026, m) for m in range(1, 13)]
    assert [e for e in aapl if e.year > 2026] == [date(2027, 1, 15), date(2028, 1, 21)]
    assert [e for e in spy if e.year > 2026] == [
        date(2027, 1, 15), date(2028, 1, 21), date(2029, 1, 19),
    ]  # fmt: skip


def test_expirations_roll_with_the_mock_clock() -> None:
    """The listing is relative to the mock's clock: two weeks later the passed weeklies
    are gone and the next Friday six weeks out is listed."""
    market, clock = make_market()
    before = market.option_expiries("AAPL")
    clock.advance(timedelta(days=14))
    after = market.option_expiries("AAPL")
    assert {date(2026, 1, 9), date(2026, 1, 16)} <= set(before)
    assert after[0] == date(2026, 1, 23)
    assert date(2026, 2, 27) in after
    assert date(2026, 2, 27) not in before
    assert set(before) - set(after) == {date(2026, 1, 9), date(2026, 1, 16)}


# ---- strikes -------------------------------------------------------------------------


def test_strike_grid_spy_one_dollar() -> None:
    """SPY lists every whole dollar within 10% of the money and $5 strikes further out
    (on Wednesday's expiration, listed two weeks ago, when SPY was where it is now)."""
    market, _clock = make_market()
    expiry = date(2026, 1, 7)
    strikes = market.listed_strikes("SPY", expiry)
    spot = market.quote("SPY").mid
    near = [s for s in strikes if abs(s - spot) <= spot * Decimal("0.08")]
    assert all(b - a == 1 for a, b in itertools.pairwise(near))
    assert len(near) > 90
    far = [s for s in strikes if abs(s - spot) > spot * Decimal("0.15")]
    assert far
    assert all(s % 5 == 0 for s in far)


@pytest.mark.parametrize(
    ("price", "near", "far"),
    [
        ("12.40", "0.5", "1"),
        ("70.00", "1", "2.5"),
        ("185.00", "2.5", "5"),
        ("510.00", "5", "10"),
        ("1250.00", "10", "25"),
    ],
)
def test_strike_increments_follow_the_price_level(price: str, near: str, far: str) -> None:
    """A stock's strikes are $0.50 apart under $25, $1 under $100, $2.50 under $300, $5
    under $1,000 and $10 above near the money, one step coarser beyond 10% of it."""
    spot = Decimal(price)
    strikes = _listing.strike_grid(
        _listing.STOCK, spot, (spot, spot), (spot, spot), long_dated=False
    )
    near_money = [s for s in strikes if abs(s - spot) <= spot * Decimal("0.09")]
    below = [s for s in strikes if s < spot * Decimal("0.89")]
    above = [s for s in strikes if s > spot * Decimal("1.11")]
    for side, step in ((near_money, near), (below, far), (above, far)):
        assert side
        assert {b - a for a, b in itertools.pairwise(side)} == {Decimal(step)}


def test_long_dated_expirations_list_a_wider_range() -> None:
    """A weekly reaches 25% either side of its range, a monthly or LEAPS from 30% of the
    low to 170% of the high: deep strikes exist only on the long-dated ones."""
    spot = Decimal(270)
    weekly = _listing.strike_grid(
        _listing.STOCK, spot, (spot, spot), (spot, spot), long_dated=False
    )
    monthly = _listing.strike_grid(
        _listing.STOCK, spot, (spot, spot), (spot, spot), long_dated=True
    )
    assert (weekly[0], weekly[-1]) == (Decimal("205"), Decimal("335"))
    assert (monthly[0], monthly[-1]) == (Decimal("85"), Decimal("455"))
    assert set(weekly) <= set(monthly)


def test_strike_counts_are_bounded_and_never_sub_penny() -> None:
    """Every listed expiration of every optionable symbol has between 15 and 500 strikes
    (a $50 stock's weekly about 20, SPY's monthlies a few hundred), all
    positive multiples of $0.50."""
    market, _clock = make_market()
    for underlying in ("AAPL", "TSLA", "NVDA", "KO", "BAC", "SPY", "QQQ", "IWM"):
        for expiry in market.option_expiries(underlying):
            strikes = market.listed_strikes(underlying, expiry)
            assert 15 <= len(strikes) <= 500, (underlying, expiry, len(strikes))
            assert all(s > 0 and s % Decimal("0.5") == 0 for s in strikes)


def test_strikes_are_added_as_the_price_moves_and_never_removed() -> None:
    """Over months of a volatile walk an expiration gains strikes, and every strike it
    listed stays listed until it expires."""
    market, clock = make_market()
    expiry = date(2026, 6, 18)
    listed = set(market.listed_strikes("TSLA", expiry))
    grown = False
    for _ in range(4):
        clock.advance(timedelta(days=30))
        now_listed = set(market.listed_strikes("TSLA", expiry))
        assert listed <= now_listed
        grown = grown or now_listed > listed
        listed = now_listed
    assert grown


def test_the_same_seed_and_start_give_the_same_listing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Expirations and strikes are a function of the seed and the mock clock: the same in
    any machine time zone, and another seed moves the strikes with its walk."""
    first, _ = make_market(seed=5)
    expected = {e: first.listed_strikes("NVDA", e) for e in first.option_expiries("NVDA")}
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        second, _ = make_market(seed=5)
        again = {e: second.listed_strikes("NVDA", e) for e in second.option_expiries("NVDA")}
    finally:
        monkeypatch.undo()
        time.tzset()
    assert again == expected
    other, _ = make_market(seed=6)
    assert {e: other.listed_strikes("NVDA", e) for e in other.option_expiries("NVDA")} != expected


def test_strike_lookups_are_cached_per_expiry_and_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """After the first lookup of an expiration, asking again reads no price path: the
    grid is kept per expiration until the day changes."""
    market, clock = make_market()
    expiry = date(2026, 3, 20)
    symbol = occ("SPY", expiry, "670")
    assert market.unlisted_reason(symbol) is None
    reads: list[int] = []
    real_mark = market._mark

    def counted(symbol: str, day: int) -> float:
        reads.append(day)
        return real_mark(symbol, day)

    monkeypatch.setattr(market, "_mark", counted)
    market._listing._mark = market._mark  # the listing reads marks through this callable
    for strike in range(640, 700):
        market.unlisted_reason(occ("SPY", expiry, str(strike)))
        market.listed_strikes("SPY", expiry)
    assert reads == []
    clock.advance(timedelta(days=1))
    market.listed_strikes("SPY", expiry)
    assert len(reads) == 1  # one new day's mark extends the range


# ---- what is not listed --------------------------------------------------------------


@pytest.mark.parametrize(
    ("symbol", "why"),
    [
        ("SPY260111C00670000", "SPY has no expiration on Sunday 2026-01-11"),
        ("SPY350119C00670000", "SPY LEAPS expirations are listed 1165 days ahead"),
        ("SPY260109C00650125", "strike 650.125 is not a SPY 2026-01-09 strike"),
        ("SPY260109C00000001", "strike 0.001 is below the lowest SPY 2026-01-09 strike"),
        ("AAPL260112C00270000", "AAPL has no expiration on Monday 2026-01-12"),
        ("AAPL260109C09990000", "strike 9990 is above the highest AAPL 2026-01-09 strike"),
        ("AAPL251226C00270000", "expired at 16:00 New York on 2025-12-26"),
    ],
    ids=["sunday", "2035", "eighth-strike", "zero-strike", "monday-stock", "far-strike",
         "expired"],
)  # fmt: skip
def test_an_unlisted_contract_is_named_with_its_rule(symbol: str, why: str) -> None:
    """The market says which rule a contract breaks; listed contracts and non-options
    have no reason."""
    market, _clock = make_market()
    reason = market.unlisted_reason(symbol)
    assert reason is not None
    assert reason.startswith(f"{symbol} is not listed")
    assert why in reason
    assert market.unlisted_reason(occ("SPY", date(2026, 1, 9), "650")) is None
    assert market.unlisted_reason("AAPL") is None


def test_an_expired_contract_is_no_longer_listed_but_still_priced() -> None:
    """At 16:00 on its expiry day a contract stops being listed (and leaves the
    expirations), while the market still values it for the positions that hold it."""
    market, clock = make_market()
    expiry = date(2026, 1, 9)
    symbol = occ("AAPL", expiry, "270")
    clock.advance_to(new_york(expiry, 15, 59))
    assert market.unlisted_reason(symbol) is None
    assert expiry in market.option_expiries("AAPL")
    clock.advance_to(new_york(expiry, 16, 0))
    assert market.unlisted_reason(symbol) == (
        f"{symbol} is not listed (it expired at 16:00 New York on 2026-01-09)"
    )
    assert expiry not in market.option_expiries("AAPL")
    assert market.option_quote(symbol).theoretical >= 0
    assert market.listed_strikes("AAPL", expiry)  # a passed expiry keeps its last grid


def test_the_chain_shows_only_listed_strikes() -> None:
    """The chain's strikes are consecutive listed strikes around the money."""
    market, _clock = make_market()
    for underlying in ("SPY", "AAPL", "KO"):
        chain = market.options_chain(underlying, strikes_around=50)
        strikes = sorted({c.contract.strike for c in chain.contracts})
        listed = market.listed_strikes(underlying, chain.expiry)
        first = listed.index(strikes[0])
        assert tuple(strikes) == listed[first : first + len(strikes)]
        assert all(market.unlisted_reason(c.symbol) is None for c in chain.contracts)
