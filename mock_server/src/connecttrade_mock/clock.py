"""The mock's virtual clock and the US equity market sessions.

Simulated time is ``start + rate * (wall() - wall_at_start) + offset``: ``real`` mode runs
at the wall clock's pace, ``fast`` mode ``speed`` times faster, and ``manual`` mode stands
still; ``advance`` adds to the offset in every mode. The simulated market is open when the
mock starts, whatever the wall-clock time: by default the clock starts at 10:00 New York
time on the most recent weekday.

Sessions follow New York local time (daylight saving time included): 04:00-09:30
pre-market, 09:30-16:00 regular, 16:00-20:00 after hours, closed otherwise and all weekend.
Exchange holidays are not modelled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

__all__ = [
    "NEW_YORK",
    "ClockMode",
    "Session",
    "VirtualClock",
    "default_start",
    "is_weekday",
    "regular_close",
    "regular_open",
    "session_at",
]

NEW_YORK: Final = ZoneInfo("America/New_York")

PRE_MARKET_OPEN: Final = clock_time(4, 0)
REGULAR_OPEN: Final = clock_time(9, 30)
REGULAR_CLOSE: Final = clock_time(16, 0)
AFTER_HOURS_CLOSE: Final = clock_time(20, 0)
_DEFAULT_START_TIME: Final = clock_time(10, 0)
_SATURDAY: Final = 5


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
    """Monday to Friday (holidays are not modelled)."""
    return day.weekday() < _SATURDAY


def _at(day: date, local: clock_time) -> datetime:
    return datetime.combine(day, local, tzinfo=NEW_YORK).astimezone(UTC)


def regular_open(day: date) -> datetime:
    """The regular-session open (09:30 New York) of a day, in UTC."""
    return _at(day, REGULAR_OPEN)


def regular_close(day: date) -> datetime:
    """The regular-session close (16:00 New York) of a day, in UTC."""
    return _at(day, REGULAR_CLOSE)


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a naive datetime has no place on the clock: {moment!r}")
    return moment.astimezone(UTC)


def session_at(moment: datetime) -> Session:
    """The calendar session of an aware moment, from New York local time."""
    local = _require_aware(moment).astimezone(NEW_YORK)
    if not is_weekday(local.date()):
        return Session.CLOSED
    wall = local.time()
    if PRE_MARKET_OPEN <= wall < REGULAR_OPEN:
        return Session.PRE_MARKET
    if REGULAR_OPEN <= wall < REGULAR_CLOSE:
        return Session.REGULAR
    if REGULAR_CLOSE <= wall < AFTER_HOURS_CLOSE:
        return Session.AFTER_HOURS
    return Session.CLOSED


def default_start(today: date | None = None) -> datetime:
    """10:00 New York on the most recent weekday on or before ``today`` (New York's date
    now if omitted), in UTC: a moment when the regular session is running."""
    day = today if today is not None else datetime.now(NEW_YORK).date()
    while not is_weekday(day):
        day -= timedelta(days=1)
    return _at(day, _DEFAULT_START_TIME)


class VirtualClock:
    """Simulated time for the mock, with an optional forced market session.

    ``wall`` is a monotonic seconds counter (``time.monotonic`` by default); tests pass
    their own so that nothing sleeps. Thread-safe.
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
        self._anchor = self._start
        self._anchor_wall = wall()
        self._forced: Session | None = None

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

    def _now_locked(self) -> datetime:
        elapsed = (self._wall() - self._anchor_wall) * self._rate()
        return self._anchor + timedelta(seconds=elapsed)

    def _rebase_locked(self) -> None:
        self._anchor = self._now_locked()
        self._anchor_wall = self._wall()

    def now(self) -> datetime:
        """The current simulated moment (aware, UTC)."""
        with self._lock:
            return self._now_locked()

    def advance(self, delta: timedelta) -> datetime:
        """Move simulated time forward by ``delta`` (in any mode) and return the new now."""
        if delta < timedelta(0):
            raise ValueError(f"the clock does not run backwards: {delta}")
        with self._lock:
            self._anchor += delta
            return self._now_locked()

    def advance_to(self, moment: datetime) -> datetime:
        """Move simulated time forward to ``moment`` (no-op if it is already past)."""
        target = _require_aware(moment)
        with self._lock:
            now = self._now_locked()
            if target > now:
                self._anchor += target - now
            return self._now_locked()

    def set_mode(self, mode: ClockMode, speed: int | None = None) -> None:
        """Change how the clock runs from now on; simulated time does not jump."""
        if speed is not None:
            _check_speed(speed)
        with self._lock:
            self._rebase_locked()
            self._mode = ClockMode(mode)
            if speed is not None:
                self._speed = speed

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
        return self.now().astimezone(NEW_YORK).date()

    def next_open(self) -> datetime:
        """The next regular-session open strictly after now (calendar-based)."""
        now = self.now()
        day = now.astimezone(NEW_YORK).date()
        while True:
            if is_weekday(day) and regular_open(day) > now:
                return regular_open(day)
            day += timedelta(days=1)

    def next_close(self) -> datetime:
        """The next regular-session close strictly after now (calendar-based)."""
        now = self.now()
        day = now.astimezone(NEW_YORK).date()
        while True:
            if is_weekday(day) and regular_close(day) > now:
                return regular_close(day)
            day += timedelta(days=1)

    def __repr__(self) -> str:
        return f"VirtualClock(mode={self._mode.value}, now={self.now().isoformat()})"


def _check_speed(speed: int) -> None:
    if isinstance(speed, bool) or not isinstance(speed, int) or speed < 1:
        raise ValueError(f"speed must be a positive whole number, not {speed!r}")
