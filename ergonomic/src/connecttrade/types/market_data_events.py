"""What the market-data stream delivers: quotes, trades, bars, depth and options chains.

Prices and sizes are exact ``Decimal`` values parsed from the wire's strings; times are
aware ``datetime`` values. Depth frames are whole snapshots of the top ``levels`` of the
book (see :class:`~connecttrade.streams.order_book.OrderBook` to keep a local book).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from connecttrade.types.option_symbol import OptionRight

__all__ = [
    "Bar",
    "BarSnapshot",
    "BookLevel",
    "ChannelSubscribed",
    "ChannelUnsubscribed",
    "Depth",
    "Greeks",
    "HistoricalBar",
    "MarketDataSubscription",
    "OptionContractQuote",
    "OptionsChain",
    "Quote",
    "SubscriptionList",
    "SubscriptionRefused",
    "Trade",
]


@dataclass(frozen=True, slots=True)
class Quote:
    """A level 1 quote."""

    symbol: str
    bid: Decimal
    ask: Decimal
    bid_size: Decimal
    ask_size: Decimal
    last: Decimal | None
    time: dt.datetime

    @property
    def mid(self) -> Decimal:
        """The midpoint of bid and ask."""
        return (self.bid + self.ask) / 2


@dataclass(frozen=True, slots=True)
class Trade:
    """One print; ``session`` is ``pre_market``, ``regular`` or ``after_hours``."""

    symbol: str
    price: Decimal
    size: Decimal
    session: str
    time: dt.datetime


@dataclass(frozen=True, slots=True)
class Bar:
    """An OHLCV bar. A forming bar (``final`` false) is sent again with the same ``start``;
    ``backfill`` marks the past bars sent when the subscription began."""

    symbol: str
    interval: str
    start: dt.datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    backfill: bool
    final: bool


@dataclass(frozen=True, slots=True)
class BookLevel:
    """One price level of a book side."""

    price: Decimal
    size: Decimal


@dataclass(frozen=True, slots=True)
class Depth:
    """A level 2 snapshot: ``bids`` best (highest) first, ``asks`` best (lowest) first."""

    symbol: str
    levels: int
    bids: tuple[BookLevel, ...]
    asks: tuple[BookLevel, ...]
    time: dt.datetime


@dataclass(frozen=True, slots=True)
class Greeks:
    """An option contract's sensitivities and implied volatility."""

    delta: Decimal
    gamma: Decimal
    theta: Decimal
    vega: Decimal
    rho: Decimal
    implied_volatility: Decimal


@dataclass(frozen=True, slots=True)
class OptionContractQuote:
    """One contract of an options chain; ``right`` is :class:`~connecttrade.OptionRight`
    (``CALL`` is ``"C"``, ``PUT`` is ``"P"``; a letter a newer server adds stays text)."""

    symbol: str
    expiry: dt.date
    strike: Decimal
    right: OptionRight | str
    bid: Decimal
    ask: Decimal
    last: Decimal | None
    greeks: Greeks | None


@dataclass(frozen=True, slots=True)
class OptionsChain:
    """The chain of an underlying, limited to the subscribed strikes and expiry."""

    underlying: str
    underlying_price: Decimal
    time: dt.datetime
    contracts: tuple[OptionContractQuote, ...]

    @property
    def expiries(self) -> tuple[dt.date, ...]:
        """The expiries of the contracts, sorted (one, unless chains were merged)."""
        return tuple(sorted({c.expiry for c in self.contracts}))

    @property
    def strikes(self) -> tuple[Decimal, ...]:
        """The strikes of the contracts, lowest first."""
        return tuple(sorted({c.strike for c in self.contracts}))

    @property
    def calls(self) -> tuple[OptionContractQuote, ...]:
        """The calls, by expiry then strike."""
        return self._side(OptionRight.CALL)

    @property
    def puts(self) -> tuple[OptionContractQuote, ...]:
        """The puts, by expiry then strike."""
        return self._side(OptionRight.PUT)

    def _side(self, right: OptionRight) -> tuple[OptionContractQuote, ...]:
        chosen = [c for c in self.contracts if c.right == right]
        return tuple(sorted(chosen, key=lambda c: (c.expiry, c.strike)))

    def contract(
        self, strike: Decimal | int | str, right: OptionRight | str, expiry: dt.date | None = None
    ) -> OptionContractQuote | None:
        """The contract at ``strike`` (compared exactly, as a ``Decimal``) and ``right``
        (``OptionRight`` or ``"C"``/``"P"``), of ``expiry`` when the chain has several."""
        wanted = Decimal(strike)
        for c in self.contracts:
            if c.strike == wanted and c.right == right and expiry in (None, c.expiry):
                return c
        return None


@dataclass(frozen=True, slots=True)
class HistoricalBar:
    """A past bar of a snapshot answer."""

    start: dt.datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


@dataclass(frozen=True, slots=True)
class BarSnapshot:
    """The answer to a snapshot request: past bars of one symbol."""

    request_id: str
    symbol: str
    interval: str
    bars: tuple[HistoricalBar, ...]


@dataclass(frozen=True, slots=True)
class ChannelSubscribed:
    """The server's answer to a subscribe: ``symbols`` now stream on ``channel`` (in the
    market's spelling). Symbols it refused come as :class:`SubscriptionRefused` first."""

    channel: str
    symbols: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SubscriptionRefused:
    """The server refused ``symbols`` on ``channel`` (``code`` as the protocol names it:
    ``unknown_symbol``, ``not_entitled``, ``limit_exceeded``, ``invalid_message``).

    The other symbols of the same request were subscribed regardless. The stream has
    already forgotten the refused ones, so reconnects do not ask for them again; subscribe
    them anew once the cause is fixed.
    """

    channel: str
    symbols: tuple[str, ...]
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ChannelUnsubscribed:
    """The server's answer to an unsubscribe."""

    channel: str
    symbols: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MarketDataSubscription:
    """One active subscription as the server lists it; unused options are ``None``."""

    channel: str
    symbol: str
    session: str | None = None
    interval: str | None = None
    levels: int | None = None
    greeks: bool | None = None
    expiry: str | None = None
    strikes: int | None = None


@dataclass(frozen=True, slots=True)
class SubscriptionList:
    """The server's answer to ``list_subscriptions``."""

    subscriptions: tuple[MarketDataSubscription, ...]
