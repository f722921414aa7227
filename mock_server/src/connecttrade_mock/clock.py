"""The mock's virtual clock and the US equity market sessions.

Simulated time is ``start + rate * (wall() - wall_at_start) + offset``: ``real`` mode runs
at the wall clock's pace, ``fast`` mode ``speed`` times faster, and ``manual`` mode stands
still; ``advance`` adds to the offset in every mode.

By default the clock starts at :data:`DEFAULT_START`, a fixed moment (Monday 5 January
2026, 10:00 New York) when the regular session is running, never at a moment read from
the machine: the same seed then gives the same market on every day and in every time
zone. The wall clock only sets the *pace* of ``real`` and ``fast`` mode; ``manual`` mode
does not read it at all. ``today_start`` is the opt-in for a clock that starts today.

Sessions follow New York local time (daylight saving time included): 04:00-09:30
pre-market, 09:30-16:00 regular, 16:00-20:00 after hours, closed otherwise and all weekend.
Exchange holidays are not modelled.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from enum import StrEnum
from functools import lru_cache
from typing import Final, NamedTuple
from zoneinfo import ZoneInfo

from connecttrade_mock.exchange_calendar import is_business_day

__all__ = [
    "DEFAULT_START",
    "NEW_YORK",
    "ClockMode",
    "Session",
    "TradingDay",
    "VirtualClock",
    "after_hours_close",
    "default_start",
    "is_trading_day",
    "is_weekday",
    "parse_start",
    "regular_close",
    "regular_open",
    "session_at",
    "today_start",
]

NEW_YORK: Final = ZoneInfo("America/New_York")

PRE_MARKET_OPEN: Final = clock_time(4, 0)
REGULAR_OPEN: Final = clock_time(9, 30)
REGULAR_CLOSE: Final = clock_time(16, 0)
AFTER_HOURS_CLOSE: Final = clock_time(20, 0)
_DEFAULT_START_TIME: Final = clock_time(10, 0)
_SATURDAY: Final = 5

DEFAULT_START: Final = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
"""Where the clock starts unless told otherwise: Monday 5 January 2026, 10:00 New York
(EST, UTC-5), half an hour into a regular session, in a week with no holiday and months
from a daylight-saving change. Fixed, so that a seed alone decides the market."""


class Session(StrEnum):
    """The part of the trading day a moment falls in."""

    PRE_MARKET = "pre_market"
    REGULAR = "regular"
    AFTER_HOURS = "after_hours"
    CLOSED = "closed"


class ClockMode(StrEnum):
    """How simulated time relates to the wall clock."""

    REAL = "real"
    FAST = "fast"
    MANUAL = "manual"


def is_weekday(day: date) -> bool:
    """Monday to Friday."""
    return day.weekday() < _SATURDAY


def is_trading_day(day: date) -> bool:
    """A weekday the NYSE is open: not a holiday of ``exchange_calendar`` (early closes
    at 13:00 are not modelled: those days run the full session)."""
    return is_business_day(day)


@lru_cache(maxsize=4096)
def _at(day: date, local: clock_time) -> datetime:
    # Cached: a pure function of its arguments, and zoneinfo conversions are slow.
    return datetime.combine(day, local, tzinfo=NEW_YORK).astimezone(UTC)


def regular_open(day: date) -> datetime:
    """The regular-session open (09:30 New York) of a day, in UTC."""
    return _at(day, REGULAR_OPEN)


def regular_close(day: date) -> datetime:
    """The regular-session close (16:00 New York) of a day, in UTC."""
    return _at(day, REGULAR_CLOSE)


def after_hours_close(day: date) -> datetime:
    """The end of after-hours trading (20:00 New York) of a day, in UTC."""
    return _at(day, AFTER_HOURS_CLOSE)


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a naive datetime has no place on the clock: {moment!r}")
    return moment.astimezone(UTC)


def session_at(moment: datetime) -> Session:
    """The calendar session of an aware moment, from New York local time."""
    local = _require_aware(moment).astimezone(NEW_YORK)
    if not is_trading_day(local.date()):
        return Session.CLOSED
    wall = local.time()
    if PRE_MARKET_OPEN <= wall < REGULAR_OPEN:
        return Session.PRE_MARKET
    if REGULAR_OPEN <= wall < REGULAR_CLOSE:
        return Session.REGULAR
    if REGULAR_CLOSE <= wall < AFTER_HOURS_CLOSE:
        return Session.AFTER_HOURS
    return Session.CLOSED


@dataclass(frozen=True, slots=True)
class TradingDay:
    """One New York calendar day: its date, when it starts and ends in UTC, and when its
    sessions change, so that the session or the date of a moment within it is a
    comparison rather than a time zone conversion."""

    date: date
    starts: datetime
    ends: datetime
    changes: tuple[datetime, ...]
    """The moments the session changes, in order (none at weekends)."""
    sessions: tuple[Session, ...]
    """The session from midnight, then from each change on."""

    @classmethod
    def of(cls, moment: datetime) -> TradingDay:
        """The New York day an aware moment falls in."""
        day = _require_aware(moment).astimezone(NEW_YORK).date()
        starts = _at(day, clock_time(0))
        ends = _at(day + timedelta(days=1), clock_time(0))
        if not is_trading_day(day):
            return cls(day, starts, ends, (), (Session.CLOSED,))
        changes = tuple(
            _at(day, local)
            for local in (PRE_MARKET_OPEN, REGULAR_OPEN, REGULAR_CLOSE, AFTER_HOURS_CLOSE)
        )
        sessions = (
            Session.CLOSED,
            Session.PRE_MARKET,
            Session.REGULAR,
            Session.AFTER_HOURS,
            Session.CLOSED,
        )
        return cls(day, starts, ends, changes, sessions)

    def holds(self, moment: datetime) -> bool:
        """Whether ``moment`` falls within this day."""
        return self.starts <= moment < self.ends

    def session_at(self, moment: datetime) -> Session:
        """The calendar session of a moment within this day (as :func:`session_at`)."""
        return self.sessions[bisect_right(self.changes, moment)]


def default_start() -> datetime:
    """The clock's start when none is given: :data:`DEFAULT_START`, the same on every machine."""
    return DEFAULT_START


def today_start(today: date | None = None) -> datetime:
    """10:00 New York on the most recent weekday on or before ``today`` (New York's date
    now if omitted), in UTC: the opt-in (``--start today``) for a clock whose date is
    the machine's. The market then differs from day to day for the same seed."""
    day = today if today is not None else datetime.now(NEW_YORK).date()
    while not is_trading_day(day):
        day -= timedelta(days=1)
    return _at(day, _DEFAULT_START_TIME)


def parse_start(text: str) -> datetime:
    """A start as users write it (``serve --start``, the plugin's ``mock_broker_start``): an
    ISO 8601 time with its offset, or ``today`` (:func:`today_start`). ``ValueError`` says
    what to give otherwise."""
    if text.strip().lower() == "today":
        return today_start()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise ValueError(
            f"{text!r} is not an ISO 8601 time with an offset "
            "(such as 2026-03-06T15:55:00-05:00) nor 'today'"
        )
    return moment


class _Pace(NamedTuple):
    """Where simulated time stood at a wall-clock reading, and how fast it runs."""

    anchor: datetime
    anchor_wall: float
    rate: int


class VirtualClock:
    """Simulated time for the mock, with an optional forced market session.

    ``wall`` is a monotonic seconds counter (``time.monotonic`` by default); tests pass
    their own so that nothing sleeps. Thread-safe: changes are made under a lock and
    publish one immutable :class:`_Pace`, so reading the time needs no lock.
    """

    def __init__(
        self,
        mode: ClockMode = ClockMode.FAST,
        start: datetime | None = None,
        speed: int = 60,
        wall: Callable[[], float] = time.monotonic,
    ) -> None:
        _check_speed(speed)
        self._lock = threading.Lock()
        self._wall = wall
        self._mode = ClockMode(mode)
        self._speed = speed
        self._start = _require_aware(start) if start is not None else default_start()
        self._pace = _Pace(self._start, wall(), self._rate())
        self._forced: Session | None = None
        self._today = TradingDay.of(self._start)

    @property
    def mode(self) -> ClockMode:
        """How the clock runs."""
        return self._mode

    @property
    def speed(self) -> int:
        """Simulated seconds per wall second in ``fast`` mode."""
        return self._speed

    @property
    def start(self) -> datetime:
        """The simulated moment the clock started at (UTC)."""
        return self._start

    @property
    def forced_session(self) -> Session | None:
        """The session forced by ``force_session``, if any."""
        return self._forced

    def _rate(self) -> int:
        if self._mode is ClockMode.REAL:
            return 1
        if self._mode is ClockMode.FAST:
            return self._speed
        return 0

    def now(self) -> datetime:
        """The current simulated moment (aware, UTC)."""
        pace = self._pace  # one read of an immutable snapshot: no lock needed
        if not pace.rate:
            return pace.anchor
        return pace.anchor + timedelta(seconds=(self._wall() - pace.anchor_wall) * pace.rate)

    def advance(self, delta: timedelta) -> datetime:
        """Move simulated time forward by ``delta`` (in any mode) and return the new now."""
        if delta < timedelta(0):
            raise ValueError(f"the clock does not run backwards: {delta}")
        with self._lock:
            pace = self._pace
            self._pace = pace._replace(anchor=pace.anchor + delta)
            return self.now()

    def advance_to(self, moment: datetime) -> datetime:
        """Move simulated time forward to ``moment`` (no-op if it is already past)."""
        target = _require_aware(moment)
        with self._lock:
            now = self.now()
            if target > now:
                pace = self._pace
                self._pace = pace._replace(anchor=pace.anchor + (target - now))
            return self.now()

    def set_mode(self, mode: ClockMode, speed: int | None = None) -> None:
        """Change how the clock runs from now on; simulated time does not jump."""
        if speed is not None:
            _check_speed(speed)
        with self._lock:
            wall = self._wall()
            anchor = self._pace.anchor + timedelta(
                seconds=(wall - self._pace.anchor_wall) * self._pace.rate
            )
            self._mode = ClockMode(mode)
            if speed is not None:
                self._speed = speed
            self._pace = _Pace(anchor, wall, self._rate())

    def force_session(self, session: Session | None) -> None:
        """Force ``session()`` to answer ``session`` whatever the time; ``None`` lifts it."""
        with self._lock:
            self._forced = Session(session) if session is not None else None

    def session(self) -> Session:
        """The session now: the forced one if set, otherwise the calendar's."""
        forced = self._forced
        return forced if forced is not None else session_at(self.now())

    def trading_day(self) -> date:
        """New York's calendar date now."""
        now = self.now()
        today = self._today
        if not today.holds(now):
            today = self._today = TradingDay.of(now)
        return today.date

    def next_open(self) -> datetime:
        """The next regular-session open strictly after now (calendar-based)."""
        now = self.now()
        day = now.astimezone(NEW_YORK).date()
        while True:
            if is_trading_day(day) and regular_open(day) > now:
                return regular_open(day)
            day += timedelta(days=1)

    def next_close(self) -> datetime:
        """The next regular-session close strictly after now (calendar-based)."""
        now = self.now()
        day = now.astimezone(NEW_YORK).date()
        while True:
            if is_trading_day(day) and regular_close(day) > now:
                return regular_close(day)
            day += timedelta(days=1)

    def __repr__(self) -> str:
        return f"VirtualClock(mode={self._mode.value}, now={self.now().isoformat()})"


def _check_speed(speed: int) -> None:
    if isinstance(speed, bool) or not isinstance(speed, int) or speed < 1:
        raise ValueError(f"speed must be a positive whole number, not {speed!r}")
