"""OCC option symbols: the documented import path, kept.

The code lives in :mod:`connecttrade.types.option_symbol`; this module re-exports its public
names so that ``connecttrade.option_symbol`` keeps working.
"""

from __future__ import annotations

from connecttrade.types.option_symbol import (
    InvalidOptionSymbol,
    OptionRight,
    OptionSymbol,
)

__all__ = [
    "InvalidOptionSymbol",
    "OptionRight",
    "OptionSymbol",
]
