"""The documented "common workflows" as pure functions over results; no I/O.

The clients expose them as one-liners (``client.portfolio.total_unrealized_pl()``,
``client.portfolio.daily_summary(account_id)``, ``client.orders.partially_filled()``);
these functions are the arithmetic, exact in ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from connecttrade.types.results import Balance, DailySummary, Fill, Position

__all__ = ["daily_summary", "total_unrealized_pl", "vwap"]


def vwap(fills: Iterable[Fill]) -> Decimal:
    """The volume-weighted average price of ``fills``: sum(qty x price) / sum(qty).

    Raises ``ValueError`` when there is nothing to average (no fills, or zero quantity).
    """
    notional = Decimal(0)
    quantity = Decimal(0)
    for fill in fills:
        notional += fill.quantity * fill.price
        quantity += fill.quantity
    if quantity == 0:
        raise ValueError("vwap needs fills with a non-zero total quantity")
    return notional / quantity


def total_unrealized_pl(positions: Iterable[Position]) -> Decimal:
    """The sum of the positions' unrealized P&L; positions whose broker reports none are skipped."""
    return sum(
        (p.unrealized_pl for p in positions if p.unrealized_pl is not None), start=Decimal(0)
    )


def daily_summary(balance: Balance, positions: Iterable[Position]) -> DailySummary:
    """Cash and buying power from ``balance`` with the daily P&L of its account's positions."""
    by_symbol: dict[str, Decimal | None] = {}
    for position in positions:
        if position.account_id != balance.account_id:
            continue
        earlier = by_symbol.get(position.symbol)
        if position.daily_pl is None:
            by_symbol.setdefault(position.symbol, None)
        else:
            by_symbol[position.symbol] = position.daily_pl + (earlier or 0)
    total = sum((pl for pl in by_symbol.values() if pl is not None), start=Decimal(0))
    return DailySummary(
        account_id=balance.account_id,
        cash=balance.cash,
        buying_power=balance.buying_power,
        daily_pl_by_symbol=by_symbol,
        total_daily_pl=total,
    )
