"""The exchange's listing rule: an order on an option contract that is not listed (an
expiry that is no expiration day, one not listed yet or passed, a strike off the grid) is
refused, as brokers refuse a contract their option chains do not carry."""

from __future__ import annotations

from datetime import datetime

from connecttrade_mock.broker.market_port import MarketPort
from connecttrade_mock.broker.state import Order

__all__ = ["unlisted_contract"]

_OPTION_ORDERS = frozenset({"OPT", "MLEG_OPT"})


def unlisted_contract(market: MarketPort, order: Order, now: datetime) -> str | None:
    """The reject reason for the first contract of ``order`` (its symbol, else its legs)
    that is not listed at ``now``, or None. Stock, future and crypto orders pass at once."""
    if order.instrument not in _OPTION_ORDERS:
        return None
    symbols = [order.symbol] if order.symbol else [leg.symbol for leg in order.legs]
    for symbol in symbols:
        reason = market.unlisted_reason(symbol, now)
        if reason is not None:
            return f"option contract not found: {reason}"
    return None
