"""The option listing: which expirations and strikes of an underlying are listed on a day.

Expirations (``SeriesRules`` per underlying, see ``_universe.py``)
    - standard monthlies on the third Friday, about a year ahead (366 days);
    - LEAPS: the January monthlies beyond that, about two years ahead for stocks (800
      days) and three for the index ETFs (1,165 days);
    - weeklies on the other Fridays, about six weeks ahead (42 days);
    - short-term expirations on other weekdays where the underlying has them, two weeks
      ahead: SPY and QQQ expire every weekday (daily expirations since 2022-2023), IWM
      on Mondays and Wednesdays too.

    An expiration that falls on an NYSE holiday moves to the business day before it (Good
    Friday's weekly expires on Thursday; so did the June 2026 monthly, Juneteenth being
    its third Friday); a Monday-to-Thursday short-term expiration on a holiday is not
    listed at all. Each expiration is listed from ``expiry - horizon`` (its longest
    horizon, as a monthly or a LEAPS) and trades until 16:00 New York on its day.

Strikes (a pure function of the price path: same seed, same listing)
    An expiration is listed around the money of its listing day and gains strikes as the
    underlying moves, never losing any, as the exchanges add series when the price trades
    through the listed range. With the lowest and highest daily marks (the walk's price
    at each New York midnight):

    - every ``far`` step, from the marks since the listing day: to 25% beyond them for
      weeklies and short-term expirations, from 30% of the lowest to 170% of the highest
      for monthlies and LEAPS, whose ranges are wider, as on real chains;
    - every ``near`` step within 10% of the marks of the expiration's last 60 days
      (before then a long-dated expiration has only ``far`` strikes, as LEAPS do).

    The steps follow the underlying's price on the listing day: under $25 $0.50 near and
    $1 far, under $100 $1 / $2.50, under $300 $2.50 / $5, under $1,000 $5 / $10, above
    $10 / $25. The index ETFs list $1 strikes near the money and $5 further out. A stock's
    weekly has some 20-60 strikes, SPY's monthly a few hundred.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import lru_cache
from typing import Final, NamedTuple

from connecttrade_mock.exchange_calendar import (
    business_day_on_or_before,
    is_business_day,
    third_friday,
)
from connecttrade_mock.market.instrument import OptionContract, expiration_close

_FRIDAY: Final = 4
_JANUARY: Final = 1
_GRID_DAY_ZERO: Final = date(1970, 1, 1).toordinal()  # grid day 0 starts that New York midnight
_NEAR_BAND: Final = Decimal("0.10")
_SHORT_FAR_BAND: Final = Decimal("0.25")
_LONG_FAR_LOW: Final = Decimal("0.3")
_LONG_FAR_HIGH: Final = Decimal("1.7")
_STRIKE_QUANTUM: Final = Decimal("0.001")
_LONG_DATED: Final = frozenset({"monthly", "LEAPS"})
_NEAR_WINDOW_DAYS: Final = 60
# (below this price, near step, far step), cheapest first.
_STEPS_BY_PRICE: Final = (
    (Decimal(25), Decimal("0.5"), Decimal(1)),
    (Decimal(100), Decimal(1), Decimal("2.5")),
    (Decimal(300), Decimal("2.5"), Decimal(5)),
    (Decimal(1000), Decimal(5), Decimal(10)),
)
_TOP_STEPS: Final = (Decimal(10), Decimal(25))


@dataclass(frozen=True, slots=True)
class SeriesRules:
    """How one underlying's options are listed (horizons in calendar days)."""

    short_term_weekdays: frozenset[int] = frozenset()
    """Weekdays other than Friday with expirations (0 is Monday)."""
    short_term_days: int = 14
    weekly_days: int = 42
    monthly_days: int = 366
    leaps_days: int = 800
    strike_steps: tuple[Decimal, Decimal] | None = None
    """(near, far) strike steps at every price, or None for steps by price level."""


STOCK: Final = SeriesRules()
"""A single stock: monthlies, Friday weeklies, two years of January LEAPS."""
DAILY_INDEX_ETF: Final = SeriesRules(
    short_term_weekdays=frozenset({0, 1, 2, 3}),
    leaps_days=1165,
    strike_steps=(Decimal(1), Decimal(5)),
)
"""SPY and QQQ: an expiration every weekday, $1 strikes, three years of LEAPS."""
INDEX_ETF: Final = SeriesRules(
    short_term_weekdays=frozenset({0, 2}),
    leaps_days=1165,
    strike_steps=(Decimal(1), Decimal(5)),
)
"""IWM: Monday, Wednesday and Friday expirations, $1 strikes, three years of LEAPS."""


def grid_day(day: date) -> int:
    """The market grid's day number of a New York date (day 0 is 1970-01-01)."""
    return day.toordinal() - _GRID_DAY_ZERO


class Reach(NamedTuple):
    """How far ahead an expiration day is listed, and as what."""

    days: int
    kind: str
    """The longest-listed kind it is: short-term, weekly, monthly or LEAPS."""


@lru_cache(maxsize=8192)
def horizon(rules: SeriesRules, day: date) -> Reach | None:
    """How far ahead ``day`` is listed as an expiration (its longest horizon), or None if
    it is no expiration day of the underlying. Cached: a pure function of its arguments."""
    if not is_business_day(day):
        return None
    kinds = []
    if day.weekday() in rules.short_term_weekdays:
        kinds.append(Reach(rules.short_term_days, "short-term"))
    if business_day_on_or_before(day + timedelta(days=_FRIDAY - day.weekday())) == day:
        kinds.append(Reach(rules.weekly_days, "weekly"))
    if business_day_on_or_before(third_friday(day.year, day.month)) == day:
        kinds.append(Reach(rules.monthly_days, "monthly"))
        if day.month == _JANUARY:
            kinds.append(Reach(rules.leaps_days, "LEAPS"))
    return max(kinds, key=lambda reach: reach.days) if kinds else None


def expirations(rules: SeriesRules, today: date) -> tuple[date, ...]:
    """The expirations listed on ``today`` (New York date), nearest first; today's own
    expiration included (it trades until 16:00)."""
    candidates: set[date] = set()
    for offset in range(max(rules.short_term_days, rules.weekly_days) + 1):
        candidates.add(today + timedelta(days=offset))
    year, month = today.year, today.month
    last = today + timedelta(days=max(rules.monthly_days, rules.leaps_days))
    while date(year, month, 1) <= last:
        candidates.add(business_day_on_or_before(third_friday(year, month)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    listed = []
    for day in candidates:
        reach = horizon(rules, day) if day >= today else None
        if reach is not None and (day - today).days <= reach.days:
            listed.append(day)
    return tuple(sorted(listed))


def _steps(rules: SeriesRules, price: Decimal) -> tuple[Decimal, Decimal]:
    if rules.strike_steps is not None:
        return rules.strike_steps
    for below, near, far in _STEPS_BY_PRICE:
        if price < below:
            return near, far
    return _TOP_STEPS


def _multiples(step: Decimal, low: Decimal, high: Decimal) -> list[Decimal]:
    first = max((low / step).to_integral_value(ROUND_CEILING), Decimal(1))
    last = (high / step).to_integral_value(ROUND_FLOOR)
    count = int(last - first) + 1
    return [((first + i) * step).quantize(_STRIKE_QUANTUM) for i in range(max(count, 0))]


def strike_grid(
    rules: SeriesRules,
    listing_price: Decimal,
    marks: tuple[Decimal, Decimal],
    near_marks: tuple[Decimal, Decimal] | None,
    *,
    long_dated: bool,
) -> tuple[Decimal, ...]:
    """The strikes of one expiration, lowest first: the steps of its listing-day price,
    the near step around ``near_marks`` (the lowest and highest marks of its last 60
    days; None before then) and the far step around ``marks`` (those since listing)."""
    near, far = _steps(rules, listing_price)
    lo, hi = marks
    if long_dated:
        beyond = _multiples(far, lo * _LONG_FAR_LOW, hi * _LONG_FAR_HIGH)
    else:
        beyond = _multiples(far, lo * (1 - _SHORT_FAR_BAND), hi * (1 + _SHORT_FAR_BAND))
    if near_marks is None:
        return tuple(beyond)
    near_lo, near_hi = near_marks
    near_money = _multiples(near, near_lo * (1 - _NEAR_BAND), near_hi * (1 + _NEAR_BAND))
    if not near_money:
        return tuple(beyond)
    # Inside the near band only the near step is listed (no $67.50 between $67 and $68).
    outside = [k for k in beyond if k < near_money[0] or k > near_money[-1]]
    return tuple(sorted([*near_money, *outside]))


class _Range(NamedTuple):
    through: int  # the last grid day the marks were read for
    lo: float
    hi: float
    first: float  # the mark of the first day (the listing day's sets the strike steps)


class _Strikes(NamedTuple):
    through: int
    strikes: tuple[Decimal, ...]
    listed: frozenset[Decimal]


def _decimals(marks: _Range) -> tuple[Decimal, Decimal]:
    return Decimal(repr(marks.lo)), Decimal(repr(marks.hi))


class OptionListing:
    """The listings of every underlying, cached per day (expirations) and per expiration
    (strikes), so a lookup is a few dictionary reads. Not thread-safe: the market calls
    it under its lock.

    ``mark(symbol, grid_day)`` is the underlying's price at the start of that grid day.
    """

    def __init__(self, mark: Callable[[str, int], float]) -> None:
        self._mark = mark
        self._expirations: dict[str, tuple[date, tuple[date, ...]]] = {}
        self._ranges: dict[tuple[str, date, int], _Range] = {}
        self._strikes: dict[tuple[str, date], _Strikes] = {}

    def expirations(self, root: str, rules: SeriesRules, today: date) -> tuple[date, ...]:
        """Listed expirations of ``root`` on ``today`` (see :func:`expirations`)."""
        cached = self._expirations.get(root)
        if cached is None or cached[0] != today:
            cached = self._expirations[root] = (today, expirations(rules, today))
        return cached[1]

    def strikes(
        self, root: str, rules: SeriesRules, expiry: date, today: date
    ) -> tuple[tuple[Decimal, ...], frozenset[Decimal]] | None:
        """The strikes of ``root``'s ``expiry`` as listed on ``today`` (on its last day
        once it has passed), as a sorted tuple and a set; None if ``expiry`` is no
        expiration day of ``root`` or is not listed yet."""
        reach = horizon(rules, expiry)
        if reach is None or (expiry - today).days > reach.days:
            return None
        through = grid_day(min(today, expiry))
        cached = self._strikes.get((root, expiry))
        if cached is not None and cached.through == through:
            return cached.strikes, cached.listed
        listing_day = grid_day(expiry - timedelta(days=reach.days))
        near_day = max(listing_day, grid_day(expiry) - _NEAR_WINDOW_DAYS)
        marks = self._range(root, expiry, listing_day, through)
        near = self._range(root, expiry, near_day, through) if through >= near_day else None
        strikes = strike_grid(
            rules,
            Decimal(repr(marks.first)),
            _decimals(marks),
            _decimals(near) if near is not None else None,
            long_dated=reach.kind in _LONG_DATED,
        )
        entry = self._strikes[(root, expiry)] = _Strikes(through, strikes, frozenset(strikes))
        return entry.strikes, entry.listed

    def _range(self, root: str, expiry: date, first: int, through: int) -> _Range:
        """The lowest and highest marks of grid days ``first`` to ``through``, extended
        from what an earlier call read."""
        key = (root, expiry, first)
        known = self._ranges.get(key)
        if known is None or known.through > through:
            mark = self._mark(root, first)
            known = _Range(first, mark, mark, mark)
        lo, hi = known.lo, known.hi
        for day in range(known.through + 1, through + 1):
            mark = self._mark(root, day)
            lo, hi = min(lo, mark), max(hi, mark)
        found = self._ranges[key] = _Range(max(through, first), lo, hi, known.first)
        return found

    def problem(
        self, contract: OptionContract, rules: SeriesRules, now: datetime, today: date
    ) -> str | None:
        """Why ``contract`` is not listed at ``now`` (New York date ``today``), in a
        broker's words, or None."""
        expiry = contract.expiry
        if now >= expiration_close(expiry):
            return f"{contract.symbol} is not listed (it expired at 16:00 New York on {expiry})"
        reach = horizon(rules, expiry)
        if reach is None:
            return f"{contract.symbol} is not listed ({_no_expiration(contract.root, expiry)})"
        if (expiry - today).days > reach.days:
            return (
                f"{contract.symbol} is not listed yet ({contract.root} {reach.kind} "
                f"expirations are listed {reach.days} days ahead; {expiry} from "
                f"{expiry - timedelta(days=reach.days)})"
            )
        found = self.strikes(contract.root, rules, expiry, today)
        assert found is not None  # the expiry is listed
        strikes, listed = found
        if contract.strike in listed:
            return None
        return f"{contract.symbol} is not listed ({_strike_note(contract, strikes)})"


def _no_expiration(root: str, day: date) -> str:
    text = f"{root} has no expiration on {day:%A} {day}"
    if day.weekday() <= _FRIDAY and not is_business_day(day):
        moved = business_day_on_or_before(day)
        return f"{text}, an NYSE holiday; that week's expires on {moved:%A} {moved}"
    return text


def _strike_note(contract: OptionContract, strikes: tuple[Decimal, ...]) -> str:
    strike, series = contract.strike, f"{contract.root} {contract.expiry}"
    shown = f"{strike.normalize():f}"
    if strike < strikes[0]:
        return f"strike {shown} is below the lowest {series} strike, {strikes[0].normalize():f}"
    if strike > strikes[-1]:
        return f"strike {shown} is above the highest {series} strike, {strikes[-1].normalize():f}"
    i = bisect_left(strikes, strike)
    below, above = strikes[i - 1].normalize(), strikes[i].normalize()
    return f"strike {shown} is not a {series} strike; the nearest are {below:f} and {above:f}"
