"""What the market knows a symbol as: its asset class, its conventions, an option's OCC symbol."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from connecttrade_mock.clock import NEW_YORK
from connecttrade_mock.market._units import _OPTION_CLOSE, _SUB_DOLLAR_TICK
from connecttrade_mock.market.options_math import OptionRight

__all__ = [
    "AssetClass",
    "Instrument",
    "OptionContract",
    "UnknownSymbol",
    "expiration_close",
]


class UnknownSymbol(LookupError):  # noqa: N818 - reads as "raise UnknownSymbol(symbol)"
    """The simulator knows nothing about this symbol."""

    def __init__(self, symbol: str) -> None:
        super().__init__(f"unknown symbol: {symbol!r}")
        self.symbol = symbol


class AssetClass(StrEnum):
    """What kind of instrument a symbol is."""

    EQUITY = "equity"
    FUTURE = "future"
    CRYPTO = "crypto"
    OPTION = "option"


_OCC = re.compile(
    r"^(?P<root>[A-Z][A-Z0-9]{0,5}) *(?P<date>\d{6})(?P<right>[CP])(?P<strike>\d{8})$"
)


@lru_cache(maxsize=4096)
def expiration_close(expiry: date) -> datetime:
    """When options of an expiration date stop trading: 16:00 New York that day, in UTC
    (cached: zone conversions are slow and every option order asks)."""
    return datetime.combine(expiry, _OPTION_CLOSE, tzinfo=NEW_YORK).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class OptionContract:
    """A listed option, as encoded in an OCC OSI symbol."""

    root: str
    expiry: date
    right: OptionRight
    strike: Decimal

    @classmethod
    def parse(cls, text: str) -> OptionContract | None:
        """Read an OCC symbol, with the root padded to six characters or not."""
        match = _OCC.match(text.strip())
        if match is None:
            return None
        digits = match["date"]
        try:
            expiry = date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))
        except ValueError:
            return None
        strike = Decimal(int(match["strike"])).scaleb(-3)
        if strike <= 0:
            return None
        return cls(match["root"], expiry, OptionRight(match["right"]), strike)

    @property
    def symbol(self) -> str:
        """The unpadded OCC symbol."""
        return self.occ()

    def occ(self, *, padded: bool = False) -> str:
        """The OCC symbol, with the root padded to six characters on request."""
        root = self.root.ljust(6) if padded else self.root
        thousandths = int(self.strike.scaleb(3))
        return f"{root}{self.expiry:%y%m%d}{self.right.value}{thousandths:08d}"

    @property
    def expires_at(self) -> datetime:
        """The moment the contract stops trading: 16:00 New York on its expiry date (UTC)."""
        return expiration_close(self.expiry)


@dataclass(frozen=True, slots=True)
class Instrument:
    """A tradable symbol and its market conventions."""

    symbol: str
    asset_class: AssetClass
    description: str
    tick_size: Decimal
    """The price increment (equities below $1 trade in 0.0001, see ``tick_for``)."""
    size_increment: Decimal
    """The smallest quantity step (fractions for crypto)."""
    multiplier: Decimal
    """Contract multiplier: 1 for shares and coins, 100 for options, per contract for futures."""
    volatility: Decimal
    """Annualized volatility of the simulated path (0 for scenario symbols)."""
    optionable: bool = False
    scenario: bool = False
    """A fixed-price symbol whose orders the engine scripts."""
    underlying: str | None = None
    option: OptionContract | None = None

    def tick_for(self, price: Decimal) -> Decimal:
        """The price increment at ``price``."""
        if self.asset_class is AssetClass.EQUITY and price < 1:
            return _SUB_DOLLAR_TICK
        return self.tick_size
