"""What an order would cost: a cautious notional from the order's prices and a quote.

The estimate is an upper bound where one exists and the cautious side otherwise:

- a buy with a limit price cannot pay more than ``qty x limit`` (no quote needed);
- everything else (market buys, sells, stops) takes the highest of the order's own
  prices and the quote's bid, ask and last, and needs a fresh quote;
- a notional order's notional is the order's own amount (its quantity is estimated
  from the quote to check ``max_quantity``);
- options count 100 shares per contract; a multi-leg limit order costs
  ``|net price| x qty x 100``, a multi-leg market order the gross of its legs;
- futures are refused: the guard does not know their contract multipliers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from connecttrade.agent.quotes.source import Quote, QuoteSource
from connecttrade.types.enums import Instrument, OrderSide
from connecttrade.types.orders import OrderRequest

__all__ = ["Estimate", "EstimateError", "estimate"]

OPTION_MULTIPLIER = Decimal(100)
_BUY_SIDES = frozenset(
    {OrderSide.BUY, OrderSide.BUY_TO_COVER, OrderSide.BUY_TO_OPEN, OrderSide.BUY_TO_CLOSE}
)


class EstimateError(Exception):
    """The cost cannot be estimated (no quote, stale quote, unknown multiplier)."""


@dataclass(frozen=True, slots=True)
class Estimate:
    """An order's estimated notional, its (estimated) quantity and how they were found."""

    notional: Decimal
    quantity: Decimal
    price: Decimal
    basis: str


def _fresh_quote(
    symbol: str, quotes: QuoteSource | None, now: dt.datetime, max_age: dt.timedelta
) -> Quote:
    if quotes is None:
        raise EstimateError(f"no quote source is configured, so {symbol} cannot be priced")
    try:
        quote = quotes(symbol)
    except Exception as exc:  # any failure of a feed means "no price"
        raise EstimateError(f"no quote for {symbol}: {type(exc).__name__}: {exc}") from None
    if not isinstance(quote, Quote) or quote.reference_price is None:
        raise EstimateError(f"the quote for {symbol} has no price")
    age = now - quote.time
    if age > max_age:
        raise EstimateError(
            f"the quote for {symbol} is {age.total_seconds():.0f} s old "
            f"(max {max_age.total_seconds():.0f} s): stale market data"
        )
    return quote


def estimate(
    order: OrderRequest,
    quotes: QuoteSource | None,
    now: dt.datetime,
    max_age: dt.timedelta,
) -> Estimate:
    """Estimate ``order``'s notional; raise :class:`EstimateError` when it cannot."""
    if order.instrument is Instrument.FUT:
        raise EstimateError("futures contract multipliers are unknown to the guard")
    if order.instrument is Instrument.MLEG_OPT:
        return _multi_leg(order, quotes, now, max_age)
    multiplier = OPTION_MULTIPLIER if order.instrument is Instrument.OPT else Decimal(1)
    symbol = str(order.symbol)
    is_buy = order.side in _BUY_SIDES
    if order.notional is not None:
        quote = _fresh_quote(symbol, quotes, now, max_age)
        price = quote.reference_price
        assert price is not None  # checked by _fresh_quote
        # Quantity rounded up a little is the cautious side for max_quantity.
        return Estimate(order.notional, order.notional / price, price, "order notional")
    assert order.qty is not None  # OrderRequest: exactly one of qty and notional
    if is_buy and order.limit_price is not None:
        price = order.limit_price
        return Estimate(order.qty * price * multiplier, order.qty, price, "limit price (bound)")
    quote = _fresh_quote(symbol, quotes, now, max_age)
    candidates = [p for p in (order.limit_price, order.stop_price, quote.reference_price) if p]
    price = max(candidates)
    return Estimate(
        order.qty * price * multiplier,
        order.qty,
        price,
        f"highest of order prices and quote {_quote_text(quote)}",
    )


def _multi_leg(
    order: OrderRequest, quotes: QuoteSource | None, now: dt.datetime, max_age: dt.timedelta
) -> Estimate:
    assert order.qty is not None
    if order.limit_price is not None:
        price = abs(order.limit_price)
        return Estimate(
            order.qty * price * OPTION_MULTIPLIER, order.qty, price, "net limit price (bound)"
        )
    gross = Decimal(0)
    for leg in order.legs:
        quote = _fresh_quote(str(leg.symbol), quotes, now, max_age)
        leg_price = quote.reference_price
        assert leg_price is not None
        gross += leg_price * leg.ratio
    return Estimate(order.qty * gross * OPTION_MULTIPLIER, order.qty, gross, "gross of leg quotes")


def _quote_text(quote: Quote) -> str:
    return f"bid {quote.bid} ask {quote.ask} last {quote.last} at {quote.time:%H:%M:%S}Z"
