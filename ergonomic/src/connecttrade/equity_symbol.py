"""Equity symbols and their dialects: the documented import path, kept.

The code lives in :mod:`connecttrade.types.equity_symbol`; this module re-exports its public
names so that ``connecttrade.equity_symbol`` keeps working.
"""

from __future__ import annotations

from connecttrade.types.equity_symbol import (
    Dialect,
    EquitySymbol,
    InvalidEquitySymbol,
)

__all__ = [
    "Dialect",
    "EquitySymbol",
    "InvalidEquitySymbol",
]
