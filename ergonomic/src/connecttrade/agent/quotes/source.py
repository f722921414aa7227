"""Where the guard gets prices to estimate what an order costs.

The REST API has no quote endpoint (quotes come over the market-data stream), so the
guard takes a :data:`QuoteSource`: any callable from a symbol to a :class:`Quote`. Wire
it to the SDK's market-data stream, a cache of it, or your own feed. A source that
raises, or a quote older than the policy's ``max_quote_age``, makes the guard refuse
the order (rule ``market_data``) rather than guess its cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeAlias

__all__ = ["Quote", "QuoteSource"]


@dataclass(frozen=True, slots=True)
class Quote:
    """The best bid and ask and the last trade of one symbol, as of ``time`` (aware)."""

    symbol: str
    bid: Decimal | None
    ask: Decimal | None
    last: Decimal | None
    time: dt.datetime

    @property
    def reference_price(self) -> Decimal | None:
        """The highest of bid, ask and last: the cautious price for a notional bound."""
        prices = [p for p in (self.bid, self.ask, self.last) if p is not None and p > 0]
        return max(prices) if prices else None


#: A callable returning the current quote of a symbol; it raises when it has none.
QuoteSource: TypeAlias = Callable[[str], Quote]
