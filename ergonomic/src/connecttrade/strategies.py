"""Named multi-leg option strategies: the documented import path, kept.

The code lives in :mod:`connecttrade.types.strategies`; this module re-exports its public
names so that ``connecttrade.strategies`` keeps working.
"""

from __future__ import annotations

from connecttrade.types.strategies import (
    InvalidStrategy,
    bear_call_spread,
    bear_put_spread,
    bull_call_spread,
    bull_put_spread,
    butterfly,
    calendar,
    collar,
    iron_butterfly,
    iron_condor,
    long_straddle,
    long_strangle,
    multi_leg,
    ratio_spread,
)

__all__ = [
    "InvalidStrategy",
    "bear_call_spread",
    "bear_put_spread",
    "bull_call_spread",
    "bull_put_spread",
    "butterfly",
    "calendar",
    "collar",
    "iron_butterfly",
    "iron_condor",
    "long_straddle",
    "long_strangle",
    "multi_leg",
    "ratio_spread",
]
