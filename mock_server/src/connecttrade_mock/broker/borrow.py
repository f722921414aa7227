"""Which stocks can be borrowed to sell short: the easy-to-borrow list.

Brokers publish a daily easy-to-borrow (ETB) list; a short sale of anything else needs a
locate the API cannot take, so it is refused as hard to borrow. The mock's list is fixed
(the same on every day and seed): the listed large caps and ETFs of the simulated market,
and the scenario test symbols (so scripted outcomes can be tried on shorts too). Preferred
shares and any other symbol are hard to borrow.
"""

from __future__ import annotations

from typing import Final

__all__ = ["EASY_TO_BORROW", "easy_to_borrow"]

EASY_TO_BORROW: Final = frozenset(
    {
        "AAPL", "MSFT", "TSLA", "NVDA", "AMZN", "GOOGL", "META", "SPY", "QQQ", "IWM",
        "IBM", "JPM", "BAC", "XOM", "KO", "DIS", "NFLX", "AMD", "BRK/B",
        "ZVZZT", "ZWZZT", "ZXZZT", "ZAZZT", "ZBZZT",
    }
)  # fmt: skip
"""The symbols that can be sold short without a locate."""


def easy_to_borrow(symbol: str) -> bool:
    """Whether ``symbol`` is on the easy-to-borrow list."""
    return symbol in EASY_TO_BORROW
