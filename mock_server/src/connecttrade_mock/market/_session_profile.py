"""How variance and volume spread over a grid day's minutes, by session and asset class."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final, NamedTuple

from connecttrade_mock.clock import (
    NEW_YORK,
    Session,
    is_weekday,
    session_at,
)
from connecttrade_mock.market._units import _DAY, _MINUTE
from connecttrade_mock.market.instrument import AssetClass

# Per-second variance weight and volume weight of each session, by asset class.
_EQUITY_WEIGHTS: Final = {
    Session.REGULAR: (1.0, 1.0),
    Session.PRE_MARKET: (0.25, 0.04),
    Session.AFTER_HOURS: (0.25, 0.04),
    Session.CLOSED: (0.01, 0.0),
}


class _Minute(NamedTuple):
    session: Session  # the label trades in this minute carry
    variance: float
    volume: float


class _Profile(NamedTuple):
    minutes: tuple[_Minute, ...]  # the 1,440 minutes of a grid day
    variance: float  # total variance weight, in weight-seconds
    volume: float  # total volume weight


def _minute_profile(asset_class: AssetClass, block_start: datetime) -> _Profile:
    profile = []
    for minute in range(_DAY // _MINUTE):
        session = session_at(block_start + timedelta(minutes=minute))
        if asset_class is AssetClass.EQUITY:
            variance, volume = _EQUITY_WEIGHTS[session]
            profile.append(_Minute(session, variance, volume))
        elif asset_class is AssetClass.CRYPTO:
            profile.append(_Minute(Session.REGULAR, 1.0, 1.0))
        else:  # futures: closed at weekends, busiest in the equity session
            local_day = (block_start + timedelta(hours=12)).astimezone(NEW_YORK).date()
            if not is_weekday(local_day):
                profile.append(_Minute(Session.REGULAR, 0.01, 0.0))
            elif session is Session.REGULAR:
                profile.append(_Minute(Session.REGULAR, 1.0, 1.0))
            else:
                profile.append(_Minute(Session.REGULAR, 0.4, 0.15))
    return _Profile(
        tuple(profile),
        sum(m.variance for m in profile) * _MINUTE,
        sum(m.volume for m in profile),
    )
