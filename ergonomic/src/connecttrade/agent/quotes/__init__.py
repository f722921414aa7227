"""Where the guard's prices come from: a ``QuoteSource``, or one kept from a live stream.

``source`` is the contract (a callable from symbol to :class:`Quote`), ``stream`` the
market-data stream behind it and ``_board`` the quotes it keeps and trusts.
"""

from __future__ import annotations

from connecttrade.agent.quotes.source import (
    Quote,
    QuoteSource,
)
from connecttrade.agent.quotes.stream import (
    QuoteUnavailable,
    StreamQuotes,
    SyncStreamQuotes,
)

__all__ = [
    "Quote",
    "QuoteSource",
    "QuoteUnavailable",
    "StreamQuotes",
    "SyncStreamQuotes",
]
