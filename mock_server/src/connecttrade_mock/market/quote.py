"""What the market answers: quotes, depth, trades, bars and option chains (frozen dataclasses
of ``Decimal``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Final

from connecttrade_mock.clock import (
    Session,
)
from connecttrade_mock.market.instrument import OptionContract
from connecttrade_mock.market.options_math import Greeks

__all__ = [
    "Bar",
    "BarInterval",
    "Depth",
    "DepthLevel",
    "OptionChain",
    "OptionQuote",
    "Quote",
    "Trade",
]


class BarInterval(StrEnum):
    """Bar lengths the simulator serves."""

    ONE_MINUTE = "1m"
    FIVE_MINUTES = "5m"
    FIFTEEN_MINUTES = "15m"
    ONE_HOUR = "1h"
    ONE_DAY = "1d"

    @property
    def seconds(self) -> int:
        """The bar length in seconds."""
        return _INTERVAL_SECONDS[self]


_INTERVAL_SECONDS: Final = {
    BarInterval.ONE_MINUTE: 60,
    BarInterval.FIVE_MINUTES: 300,
    BarInterval.FIFTEEN_MINUTES: 900,
    BarInterval.ONE_HOUR: 3_600,
    BarInterval.ONE_DAY: 86_400,
}


@dataclass(frozen=True, slots=True)
class Quote:
    """Level 1: the best bid and offer and the last trade."""

    symbol: str
    time: datetime
    bid: Decimal
    ask: Decimal
    bid_size: Decimal
    ask_size: Decimal
    last: Decimal
    last_size: Decimal
    """Zero if the symbol has not traded in the last two weeks."""

    @property
    def mid(self) -> Decimal:
        """The midpoint of bid and ask."""
        return (self.bid + self.ask) / 2


@dataclass(frozen=True, slots=True)
class DepthLevel:
    """One price level of the book."""

    price: Decimal
    size: Decimal


@dataclass(frozen=True, slots=True)
class Depth:
    """Level 2: bids best (highest) first, asks best (lowest) first."""

    symbol: str
    time: datetime
    bids: tuple[DepthLevel, ...]
    asks: tuple[DepthLevel, ...]


@dataclass(frozen=True, slots=True)
class Trade:
    """One print on the tape."""

    symbol: str
    id: str
    time: datetime
    price: Decimal
    size: Decimal
    session: Session
    """pre_market, regular or after_hours; futures and crypto always print as regular."""


@dataclass(frozen=True, slots=True)
class Bar:
    """An OHLCV candle over ``[start, start + interval)`` (the current one is partial)."""

    symbol: str
    interval: BarInterval
    start: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


@dataclass(frozen=True, slots=True)
class OptionQuote:
    """An option's quote with its model value and greeks."""

    contract: OptionContract
    quote: Quote
    underlying_price: Decimal
    theoretical: Decimal
    implied_volatility: Decimal
    greeks: Greeks

    @property
    def symbol(self) -> str:
        """The OCC symbol."""
        return self.contract.symbol


@dataclass(frozen=True, slots=True)
class OptionChain:
    """The contracts of one expiry around the money, by strike, call before put."""

    underlying: str
    expiry: date
    time: datetime
    underlying_price: Decimal
    contracts: tuple[OptionQuote, ...]
