"""The virtual clock and the market sessions, driven by a fake wall clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Self

import pytest

from connecttrade_mock.clock import (
    DEFAULT_START,
    NEW_YORK,
    ClockMode,
    Session,
    VirtualClock,
    default_start,
    regular_close,
    regular_open,
    session_at,
    today_start,
)


class FakeWall:
    """A wall clock that moves only when told to."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def ny(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """An aware New York moment."""
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


# 2025-03-07 is a Friday (EST); 2025-03-10 a Monday (EDT, the day after the switch).
FRIDAY_EST = date(2025, 3, 7)
MONDAY_EDT = date(2025, 3, 10)


def make_clock(
    mode: ClockMode, start: datetime | None = None, speed: int = 60
) -> tuple[VirtualClock, FakeWall]:
    """A clock on a fake wall."""
    wall = FakeWall()
    start = start if start is not None else ny(2025, 3, 7, 10).astimezone(UTC)
    return VirtualClock(mode, start=start, speed=speed, wall=wall), wall


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (ny(2025, 3, 7, 3, 59), Session.CLOSED),
        (ny(2025, 3, 7, 4, 0), Session.PRE_MARKET),
        (ny(2025, 3, 7, 9, 29), Session.PRE_MARKET),
        (ny(2025, 3, 7, 9, 30), Session.REGULAR),
        (ny(2025, 3, 7, 15, 59), Session.REGULAR),
        (ny(2025, 3, 7, 16, 0), Session.AFTER_HOURS),
        (ny(2025, 3, 7, 19, 59), Session.AFTER_HOURS),
        (ny(2025, 3, 7, 20, 0), Session.CLOSED),
        (ny(2025, 3, 8, 11, 0), Session.CLOSED),
        (ny(2025, 3, 9, 11, 0), Session.CLOSED),
        (ny(2025, 7, 15, 9, 30), Session.REGULAR),
    ],
    ids=[
        "before-pre",
        "pre-open",
        "pre-last-minute",
        "regular-open",
        "regular-last-minute",
        "after-open",
        "after-last-minute",
        "night",
        "saturday",
        "sunday",
        "summer-open",
    ],
)
def test_session_at_follows_new_york_time(moment: datetime, expected: Session) -> None:
    """Sessions follow New York local time, with weekends closed."""
    assert session_at(moment) is expected


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [(FRIDAY_EST, 14), (MONDAY_EDT, 13)],
    ids=["winter-14:30Z", "summer-13:30Z"],
)
def test_the_open_respects_daylight_saving_time(day: date, utc_hour: int) -> None:
    """09:30 New York is 14:30 UTC in winter and 13:30 UTC in summer."""
    assert regular_open(day) == datetime(day.year, day.month, day.day, utc_hour, 30, tzinfo=UTC)
    assert regular_close(day) - regular_open(day) == timedelta(hours=6, minutes=30)


def test_session_at_rejects_naive_datetimes() -> None:
    """A naive datetime is refused rather than guessed."""
    with pytest.raises(ValueError, match="naive"):
        session_at(datetime(2025, 3, 7, 10, 0))


@pytest.mark.parametrize(
    "today",
    [date(2025, 3, 7), date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10)],
    ids=["friday", "saturday", "sunday", "monday"],
)
def test_today_start_is_ten_on_the_latest_weekday(today: date) -> None:
    """The opt-in start is 10:00 New York on the most recent weekday, with the market open."""
    start = today_start(today)
    local = start.astimezone(NEW_YORK)
    assert local.hour == 10
    assert local.minute == 0
    assert local.weekday() < 5
    assert local.date() <= today
    assert today - local.date() <= timedelta(days=2)
    assert session_at(start) is Session.REGULAR
    assert start.tzinfo is UTC


def test_a_clock_without_start_has_the_market_open() -> None:
    """A clock built without a start begins in the regular session."""
    clock = VirtualClock(ClockMode.MANUAL, wall=FakeWall())
    assert clock.session() is Session.REGULAR
    assert clock.now().tzinfo is UTC


def test_the_default_start_is_the_documented_fixed_moment() -> None:
    """Without a start the clock begins at Monday 2026-01-05 10:00 New York, on any machine."""
    assert default_start() == DEFAULT_START == datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
    local = DEFAULT_START.astimezone(NEW_YORK)
    assert (local.weekday(), local.hour, local.minute) == (0, 10, 0)
    assert VirtualClock(ClockMode.MANUAL, wall=FakeWall()).now() == DEFAULT_START
    assert session_at(DEFAULT_START) is Session.REGULAR


@pytest.mark.parametrize("mode", list(ClockMode), ids=[m.value for m in ClockMode])
def test_the_default_start_does_not_read_the_wall_calendar(
    mode: ClockMode, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clock's start is the same whatever the machine's date: only its pace reads the wall."""
    import connecttrade_mock.clock as clock_module

    class FarFuture(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Self:
            return cls(2031, 7, 19, 23, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(clock_module, "datetime", FarFuture)
    assert VirtualClock(mode, wall=FakeWall()).start == DEFAULT_START


@pytest.mark.parametrize(
    ("mode", "speed", "expected"),
    [
        (ClockMode.REAL, 60, timedelta(seconds=10)),
        (ClockMode.FAST, 60, timedelta(minutes=10)),
        (ClockMode.FAST, 3600, timedelta(hours=10)),
        (ClockMode.MANUAL, 60, timedelta(0)),
    ],
    ids=["real", "fast-60x", "fast-3600x", "manual"],
)
def test_modes_advance_at_their_rate(mode: ClockMode, speed: int, expected: timedelta) -> None:
    """Ten wall seconds move real time 10 s, fast time speed-fold, manual time not at all."""
    clock, wall = make_clock(mode, speed=speed)
    before = clock.now()
    wall.seconds += 10
    assert clock.now() - before == expected


@pytest.mark.parametrize("mode", list(ClockMode), ids=str)
def test_advance_works_in_every_mode(mode: ClockMode) -> None:
    """advance adds its offset on top of whatever the mode does."""
    clock, _wall = make_clock(mode)
    before = clock.now()
    assert clock.advance(timedelta(hours=3)) - before == timedelta(hours=3)
    assert clock.now() - before == timedelta(hours=3)


def test_advance_refuses_to_go_backwards() -> None:
    """The clock never runs backwards."""
    clock, _wall = make_clock(ClockMode.MANUAL)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(timedelta(seconds=-1))


def test_advance_to_moves_only_forwards() -> None:
    """advance_to jumps to a later moment and ignores an earlier one."""
    clock, _wall = make_clock(ClockMode.MANUAL)
    target = ny(2025, 3, 10, 9, 30)
    assert clock.advance_to(target) == target
    assert clock.advance_to(ny(2025, 3, 7, 9, 0)) == target


def test_set_mode_keeps_time_continuous() -> None:
    """Switching mode or speed does not make simulated time jump."""
    clock, wall = make_clock(ClockMode.FAST, speed=60)
    wall.seconds += 1
    before = clock.now()
    clock.set_mode(ClockMode.MANUAL)
    assert clock.now() == before
    wall.seconds += 100
    assert clock.now() == before
    clock.set_mode(ClockMode.FAST, speed=2)
    wall.seconds += 5
    assert clock.now() - before == timedelta(seconds=10)
    assert clock.speed == 2


@pytest.mark.parametrize("speed", [0, -5, True], ids=["zero", "negative", "bool"])
def test_speed_must_be_positive(speed: int) -> None:
    """A non-positive or boolean speed is refused."""
    with pytest.raises(ValueError, match="speed"):
        VirtualClock(ClockMode.FAST, speed=speed, wall=FakeWall())


def test_force_session_overrides_the_calendar() -> None:
    """A forced session wins over the time of day until lifted."""
    clock, _wall = make_clock(ClockMode.MANUAL, start=ny(2025, 3, 8, 12))
    assert clock.session() is Session.CLOSED
    clock.force_session(Session.REGULAR)
    assert clock.session() is Session.REGULAR
    assert clock.forced_session is Session.REGULAR
    clock.force_session(None)
    assert clock.session() is Session.CLOSED


@pytest.mark.parametrize(
    ("start", "next_open", "next_close"),
    [
        (ny(2025, 3, 7, 8), ny(2025, 3, 7, 9, 30), ny(2025, 3, 7, 16)),
        (ny(2025, 3, 7, 10), ny(2025, 3, 10, 9, 30), ny(2025, 3, 7, 16)),
        (ny(2025, 3, 7, 16), ny(2025, 3, 10, 9, 30), ny(2025, 3, 10, 16)),
        (ny(2025, 3, 8, 12), ny(2025, 3, 10, 9, 30), ny(2025, 3, 10, 16)),
        (ny(2025, 3, 10, 9, 30), ny(2025, 3, 11, 9, 30), ny(2025, 3, 10, 16)),
    ],
    ids=["pre-market", "mid-session-friday", "at-the-close", "weekend", "at-the-open"],
)
def test_next_open_and_close(start: datetime, next_open: datetime, next_close: datetime) -> None:
    """next_open and next_close are the next regular open and close strictly after now."""
    clock, _wall = make_clock(ClockMode.MANUAL, start=start)
    assert clock.next_open() == next_open
    assert clock.next_close() == next_close


def test_trading_day_is_the_new_york_date() -> None:
    """Late evening in New York is already tomorrow in UTC, but still today's trading day."""
    clock, _wall = make_clock(ClockMode.MANUAL, start=ny(2025, 3, 7, 21))
    assert clock.now().date() == date(2025, 3, 8)
    assert clock.trading_day() == date(2025, 3, 7)


def test_a_naive_start_is_refused() -> None:
    """The clock's start must carry a time zone."""
    with pytest.raises(ValueError, match="naive"):
        VirtualClock(ClockMode.MANUAL, start=datetime(2025, 3, 7, 10), wall=FakeWall())


def test_nyse_holidays_are_closed_all_day() -> None:
    """Thanksgiving 2026 (Thursday 26 November) has no sessions; the day after opens at
    09:30 as usual (its 13:00 early close is not modelled); a weekday's next open skips a
    holiday."""
    from connecttrade_mock.clock import TradingDay, VirtualClock, is_trading_day, session_at

    thanksgiving = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # 10:00 New York
    assert not is_trading_day(thanksgiving.date())
    assert session_at(thanksgiving) is Session.CLOSED
    assert TradingDay.of(thanksgiving).sessions == (Session.CLOSED,)
    assert session_at(thanksgiving + timedelta(days=1)) is Session.REGULAR
    wednesday_evening = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
    clock = VirtualClock(ClockMode.MANUAL, start=wednesday_evening)
    assert clock.next_open() == datetime(2026, 11, 27, 14, 30, tzinfo=UTC)
