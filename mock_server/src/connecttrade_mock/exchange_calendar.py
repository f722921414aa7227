"""The NYSE holiday calendar, by rule: which weekdays the US equity and options markets
are closed.

The rules are the exchange's as of 2022 (when Juneteenth joined): New Year's Day, Martin
Luther King Jr. Day (third Monday of January), Washington's Birthday (third Monday of
February), Good Friday, Memorial Day (last Monday of May), Juneteenth (19 June),
Independence Day (4 July), Labor Day (first Monday of September), Thanksgiving (fourth
Thursday of November) and Christmas (25 December). A holiday on a Saturday is observed
the Friday before and one on a Sunday the Monday after, except New Year's Day on a
Saturday, which the NYSE does not observe (Friday 31 December stays a trading day).
Unscheduled closures (national days of mourning, weather) are not predictable and so
are not here. A pure function of the date: no clock, no time zone.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Final

_FRIDAY: Final = 4
_SATURDAY: Final = 5
_SUNDAY: Final = 6
_MONDAY: Final = 0
_THURSDAY: Final = 3
_JUNETEENTH_FROM: Final = 2022


def easter_sunday(year: int) -> date:
    """Western Easter (the Gregorian computus of Meeus, Jones and Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    if day.weekday() == _SATURDAY:
        return day - timedelta(days=1)
    if day.weekday() == _SUNDAY:
        return day + timedelta(days=1)
    return day


@lru_cache(maxsize=256)
def nyse_holidays(year: int) -> frozenset[date]:
    """The weekdays of ``year`` on which the NYSE is closed for a holiday."""
    days = {
        _nth_weekday(year, 1, _MONDAY, 3),  # Martin Luther King Jr. Day
        _nth_weekday(year, 2, _MONDAY, 3),  # Washington's Birthday
        easter_sunday(year) - timedelta(days=2),  # Good Friday
        _last_weekday(year, 5, _MONDAY),  # Memorial Day
        _observed(date(year, 7, 4)),  # Independence Day
        _nth_weekday(year, 9, _MONDAY, 1),  # Labor Day
        _nth_weekday(year, 11, _THURSDAY, 4),  # Thanksgiving
        _observed(date(year, 12, 25)),  # Christmas
    }
    new_year = date(year, 1, 1)
    if new_year.weekday() != _SATURDAY:  # a Saturday New Year is not observed at all
        days.add(_observed(new_year))
    if year >= _JUNETEENTH_FROM:
        days.add(_observed(date(year, 6, 19)))
    return frozenset(days)


def is_business_day(day: date) -> bool:
    """A weekday the NYSE is open (for a regular or an early-closing session)."""
    return day.weekday() < _SATURDAY and day not in nyse_holidays(day.year)


def business_day_on_or_before(day: date) -> date:
    """``day`` if the exchange is open then, else the business day before it: where an
    expiration that falls on a holiday moves to."""
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


def third_friday(year: int, month: int) -> date:
    """The third Friday of a month: the standard monthly options expiration day."""
    return _nth_weekday(year, month, _FRIDAY, 3)
