"""Constants and small rules the engine's parts share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from operator import attrgetter

from connecttrade_mock.clock import (
    after_hours_close,
    is_trading_day,
    regular_close,
    regular_open,
)

ZERO = Decimal(0)
NINE_PLACES = Decimal("0.000000001")
ONE_SECOND = timedelta(seconds=1)
NEVER = datetime.min.replace(tzinfo=UTC)
# When each time in force runs out on a given day (GTC and the like never do).
CUTOFFS: Mapping[str, Callable[[date], datetime]] = {
    "OPEN": regular_open,  # market-on-open executes in the opening auction
    "DAY": regular_close,
    "CLOSE": regular_close,
    "DAY+": after_hours_close,
}
# What a position's value depends on besides its symbol's last price (see _holdings).
VALUED_FIELDS = attrgetter(
    "symbol", "instrument", "multiplier", "quantity", "day_basis", "realized_today"
)


PARTIAL_STEPS = 3
SELLING_SIDES = frozenset({"SELL", "SELL_TO_CLOSE"})


def _next_trading_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_trading_day(day):
        day += timedelta(days=1)
    return day
