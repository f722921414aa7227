"""A local order book of one symbol, kept from the market-data stream's depth frames (pure).

Depth frames are whole snapshots of the top levels, so applying one replaces the book; a
frame older than the one applied is ignored (frames can be re-sent after a reconnect). A
crossed snapshot (best bid above best ask) is kept as sent, and :attr:`OrderBook.crossed`
says so, since a local fix would hide the broker's data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from connecttrade.types.market_data_events import BookLevel, Depth

__all__ = ["OrderBook"]


class OrderBook:
    """Bids (best, highest, first) and asks (best, lowest, first) of ``symbol``."""

    __slots__ = ("_asks", "_bids", "_time", "symbol")

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self._bids: tuple[BookLevel, ...] = ()
        self._asks: tuple[BookLevel, ...] = ()
        self._time: dt.datetime | None = None

    def apply(self, depth: Depth) -> bool:
        """Take a depth snapshot if it is this symbol's and not older; return whether taken."""
        if depth.symbol != self.symbol:
            raise ValueError(f"depth of {depth.symbol} applied to the book of {self.symbol}")
        if self._time is not None and depth.time < self._time:
            return False
        # Sort defensively: the protocol promises best-first, a local book must not trust it.
        self._bids = tuple(sorted(depth.bids, key=lambda level: level.price, reverse=True))
        self._asks = tuple(sorted(depth.asks, key=lambda level: level.price))
        self._time = depth.time
        return True

    @property
    def time(self) -> dt.datetime | None:
        """The time of the snapshot held."""
        return self._time

    @property
    def bids(self) -> tuple[BookLevel, ...]:
        """Bid levels, best first."""
        return self._bids

    @property
    def asks(self) -> tuple[BookLevel, ...]:
        """Ask levels, best first."""
        return self._asks

    @property
    def best_bid(self) -> BookLevel | None:
        """The highest bid."""
        return self._bids[0] if self._bids else None

    @property
    def best_ask(self) -> BookLevel | None:
        """The lowest ask."""
        return self._asks[0] if self._asks else None

    @property
    def spread(self) -> Decimal | None:
        """Best ask minus best bid."""
        if not self._bids or not self._asks:
            return None
        return self._asks[0].price - self._bids[0].price

    @property
    def mid(self) -> Decimal | None:
        """The midpoint of the best bid and ask."""
        if not self._bids or not self._asks:
            return None
        return (self._asks[0].price + self._bids[0].price) / 2

    @property
    def crossed(self) -> bool:
        """True when the best bid is at or above the best ask."""
        spread = self.spread
        return spread is not None and spread <= 0

    def depth(self, side: str, levels: int | None = None) -> Decimal:
        """Total size of the first ``levels`` levels of ``side`` (``bid`` or ``ask``)."""
        if side not in ("bid", "ask"):
            raise ValueError(f"side must be 'bid' or 'ask', got {side!r}")
        book = self._bids if side == "bid" else self._asks
        return sum((level.size for level in book[:levels]), Decimal(0))

    def fill_price(self, side: str, quantity: Decimal) -> Decimal | None:
        """The average price of taking ``quantity`` from the book (a ``buy`` takes asks,
        a ``sell`` takes bids); ``None`` when the book is too thin."""
        if side not in ("buy", "sell"):
            raise ValueError(f"side must be 'buy' or 'sell', got {side!r}")
        if quantity <= 0:
            raise ValueError(f"quantity must be > 0, got {quantity}")
        remaining, cost = quantity, Decimal(0)
        for level in self._asks if side == "buy" else self._bids:
            take = min(remaining, level.size)
            cost += take * level.price
            remaining -= take
            if remaining == 0:
                return cost / quantity
        return None

    def __repr__(self) -> str:
        return f"OrderBook({self.symbol!r}, best_bid={self.best_bid}, best_ask={self.best_ask})"
