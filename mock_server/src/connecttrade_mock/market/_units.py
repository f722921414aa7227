"""Units and constants the market's modules share (seconds, ticks, the grid's epoch)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Final

_DAY: Final = 86_400
_HOUR: Final = 3_600
_MINUTE: Final = 60
_GRID_EPOCH: Final = datetime(1970, 1, 1, 5, tzinfo=UTC)  # New York midnight, standard time
_ONE_SECOND: Final = timedelta(seconds=1)
_HISTORY_DAYS: Final = 20 * 366
_LAST_TRADE_LOOKBACK_DAYS: Final = 14
_SECONDS_PER_YEAR: Final = 365.0 * _DAY
_CENT: Final = Decimal("0.01")
_SUB_DOLLAR_TICK: Final = Decimal("0.0001")
_OPTION_MULTIPLIER: Final = Decimal(100)
_OPTION_CLOSE: Final = time(16, 0)
