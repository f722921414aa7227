"""The simulated market: instruments, quotes, depth, trades, bars and option prices, from
a seeded price path (``market.py`` tells how it is built)."""

from connecttrade_mock.market.instrument import (
    AssetClass,
    Instrument,
    OptionContract,
    UnknownSymbol,
)
from connecttrade_mock.market.market import (
    MAX_BARS,
    OPTION_RATE,
    Market,
)
from connecttrade_mock.market.options_math import (
    Greeks,
    OptionRight,
    Valuation,
    black_scholes,
    intrinsic_value,
)
from connecttrade_mock.market.quote import (
    Bar,
    BarInterval,
    Depth,
    DepthLevel,
    OptionChain,
    OptionQuote,
    Quote,
    Trade,
)

__all__ = [
    "MAX_BARS",
    "OPTION_RATE",
    "AssetClass",
    "Bar",
    "BarInterval",
    "Depth",
    "DepthLevel",
    "Greeks",
    "Instrument",
    "Market",
    "OptionChain",
    "OptionContract",
    "OptionQuote",
    "OptionRight",
    "Quote",
    "Trade",
    "UnknownSymbol",
    "Valuation",
    "black_scholes",
    "intrinsic_value",
]
