"""Latest quotes, bars and books from a market-data stream, kept in memory (pure).

```python
cache = connecttrade.MarketCache()
md.add_listener(cache.apply)          # or feed it events yourself
cache.quote("AAPL"), cache.bars("AAPL", "1m"), cache.book("AAPL").best_bid
```

Quotes keep the newest by time. Bars are keyed by start: a forming bar sent again
replaces the one held, a backfilled bar fills history, and each series keeps the last
``max_bars``. Depth frames feed one :class:`~connecttrade.streams.order_book.OrderBook` per
symbol. Options chains are kept per underlying and expiry, the newest by time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from connecttrade.streams.order_book import OrderBook
from connecttrade.types.market_data_events import Bar, Depth, OptionsChain, Quote, Trade

__all__ = ["MarketCache"]


class MarketCache:
    """The latest market data per symbol; :meth:`apply` takes any stream event."""

    __slots__ = ("_bars", "_books", "_chains", "_listeners", "_max_bars", "_quotes", "_trades")

    def __init__(self, max_bars: int = 1_000) -> None:
        if isinstance(max_bars, bool) or not isinstance(max_bars, int) or max_bars < 1:
            raise ValueError(f"max_bars must be a whole number >= 1, got {max_bars!r}")
        self._max_bars = max_bars
        self._quotes: dict[str, Quote] = {}
        self._trades: dict[str, Trade] = {}
        self._bars: dict[tuple[str, str], dict[dt.datetime, Bar]] = {}
        self._books: dict[str, OrderBook] = {}
        self._chains: dict[tuple[str, dt.date], OptionsChain] = {}
        self._listeners: list[Callable[[str], None]] = []

    def apply(self, event: object) -> bool:
        """Take a quote, trade, bar, depth or options-chain event; others are ignored.

        Returns whether the cache changed (an older quote or depth does not change it).
        """
        changed = False
        symbol = ""
        if isinstance(event, Quote):
            symbol = event.symbol
            held = self._quotes.get(symbol)
            if held is None or event.time >= held.time:
                self._quotes[symbol] = event
                changed = True
        elif isinstance(event, Trade):
            symbol = event.symbol
            held_trade = self._trades.get(symbol)
            if held_trade is None or event.time >= held_trade.time:
                self._trades[symbol] = event
                changed = True
        elif isinstance(event, Bar):
            symbol = event.symbol
            changed = self._apply_bar(event)
        elif isinstance(event, Depth):
            symbol = event.symbol
            book = self._books.get(symbol)
            if book is None:
                book = self._books[symbol] = OrderBook(symbol)
            changed = book.apply(event)
        elif isinstance(event, OptionsChain):
            symbol = event.underlying
            changed = self._apply_chain(event)
        if changed:
            for listener in list(self._listeners):
                listener(symbol)
        return changed

    def _apply_bar(self, bar: Bar) -> bool:
        series = self._bars.setdefault((bar.symbol, bar.interval), {})
        held = series.get(bar.start)
        if held is not None and held.final and not bar.final:
            return False  # a late copy of a forming bar must not undo its final version
        if held == bar:
            return False
        series[bar.start] = bar
        if len(series) > self._max_bars:
            for start in sorted(series)[: len(series) - self._max_bars]:
                del series[start]
        return True

    def _apply_chain(self, chain: OptionsChain) -> bool:
        changed = False
        for expiry in chain.expiries:
            key = (chain.underlying, expiry)
            held = self._chains.get(key)
            if held is None or chain.time >= held.time:
                contracts = tuple(c for c in chain.contracts if c.expiry == expiry)
                self._chains[key] = OptionsChain(
                    chain.underlying, chain.underlying_price, chain.time, contracts
                )
                changed = True
        return changed

    def on_update(self, callback: Callable[[str], None]) -> Callable[[], None]:
        """Call ``callback(symbol)`` whenever the symbol's data changed; returns the remover."""
        self._listeners.append(callback)

        def remove() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return remove

    def quote(self, symbol: str) -> Quote | None:
        """The newest quote of ``symbol``."""
        return self._quotes.get(symbol)

    def last_trade(self, symbol: str) -> Trade | None:
        """The newest trade of ``symbol``."""
        return self._trades.get(symbol)

    def bars(self, symbol: str, interval: str) -> list[Bar]:
        """The bars of ``symbol`` at ``interval``, oldest first (the last may be forming)."""
        series = self._bars.get((symbol, interval), {})
        return [series[start] for start in sorted(series)]

    def book(self, symbol: str) -> OrderBook | None:
        """The local book of ``symbol``, once a depth frame arrived."""
        return self._books.get(symbol)

    def options_chain(self, underlying: str, expiry: dt.date | None = None) -> OptionsChain | None:
        """The newest chain of ``underlying`` for ``expiry`` (the nearest one held if
        ``None``)."""
        if expiry is None:
            held = self.option_expiries(underlying)
            if not held:
                return None
            expiry = held[0]
        return self._chains.get((underlying, expiry))

    def option_expiries(self, underlying: str) -> tuple[dt.date, ...]:
        """The expiries of ``underlying`` with a chain held, nearest first."""
        return tuple(sorted(e for u, e in self._chains if u == underlying))

    def symbols(self) -> tuple[str, ...]:
        """Every symbol with any data, sorted (underlyings of chains included)."""
        return tuple(
            sorted(
                {*self._quotes, *self._trades, *self._books}
                | {symbol for symbol, _ in self._bars}
                | {underlying for underlying, _ in self._chains}
            )
        )
