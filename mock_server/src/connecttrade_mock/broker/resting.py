"""Resting limit orders indexed by limit price and expiry, so a market tick visits only
the orders that can act.

A plain limit order that rests (no scripted outcome, not an auction or IOC/FOK order, not
a pending cancel or replace) does nothing on a tick unless the quote crosses its limit or
its time in force ran out. :class:`RestingOrders` finds exactly those: per symbol and side
the limit prices in use, sorted (bisected against the touch), with the orders at each, and
a heap of expiry times. The engine works every other open order on every tick, as before.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from connecttrade_mock.broker.accounting import BUY_SIDES
from connecttrade_mock.broker.state import Order
from connecttrade_mock.lifecycle import OPEN, OrderStatus

__all__ = ["RestingOrders", "rests_quietly"]

_AWAITING_BROKER = frozenset({OrderStatus.PENDING_CANCEL, OrderStatus.PENDING_REPLACE})
_NEVER_QUIET_TIFS = frozenset({"OPEN", "CLOSE", "IOC", "FOK"})


def rests_quietly(order: Order) -> bool:
    """Whether a tick can only fill ``order`` at its limit or expire it."""
    return (
        order.status in OPEN
        and order.status not in _AWAITING_BROKER
        and order.scenario is None
        and order.order_type == "LMT"
        and order.instrument != "MLEG_OPT"
        and order.order_tif not in _NEVER_QUIET_TIFS
        and order.side is not None
        and order.symbol is not None
        and order.order_limit_price is not None
    )


class _Side:
    """The resting orders of one symbol and side: limit prices ascending, and the orders
    at each price in the order they came to rest."""

    __slots__ = ("levels", "prices")

    def __init__(self) -> None:
        self.prices: list[Decimal] = []
        self.levels: dict[Decimal, dict[str, Order]] = {}

    def add(self, order: Order, price: Decimal) -> None:
        level = self.levels.get(price)
        if level is None:
            bisect.insort(self.prices, price)
            level = self.levels[price] = {}
        level[order.order_id] = order

    def remove(self, order: Order, price: Decimal) -> None:
        level = self.levels.get(price)
        if level is None or level.pop(order.order_id, None) is None or level:
            return
        del self.levels[price]
        del self.prices[bisect.bisect_left(self.prices, price)]

    def at(self, prices: list[Decimal]) -> list[Order]:
        return [order for price in prices for order in self.levels[price].values()]


class RestingOrders:
    """The quietly resting orders, by (symbol, side) and limit price, and by expiry.

    Orders at one price share a level, so resting another order at a price already used
    (what a burst of placements mostly does) costs no insertion into a sorted list.
    """

    __slots__ = ("_expiries", "_orders", "_sides")

    def __init__(self) -> None:
        self._orders: dict[str, Order] = {}
        self._sides: dict[tuple[str, bool], _Side] = {}  # by (symbol, buying)
        self._expiries: list[tuple[datetime, int, str]] = []  # a heap; stale entries skipped

    def __contains__(self, order_id: object) -> bool:
        return order_id in self._orders

    def __len__(self) -> int:
        return len(self._orders)

    def add(self, order: Order) -> None:
        """Index an order for which :func:`rests_quietly` holds."""
        assert order.symbol is not None
        assert order.order_limit_price is not None
        if order.order_id in self._orders:
            return
        self._orders[order.order_id] = order
        key = (order.symbol, order.side in BUY_SIDES)
        side = self._sides.get(key)
        if side is None:
            side = self._sides[key] = _Side()
        side.add(order, order.order_limit_price)
        if order.expires_at is not None:
            heapq.heappush(self._expiries, (order.expires_at, order.seq, order.order_id))

    def remove(self, order_id: str) -> None:
        """Forget an order (it stopped resting quietly); unknown ids are ignored."""
        order = self._orders.pop(order_id, None)
        if order is None:
            return
        assert order.symbol is not None
        assert order.order_limit_price is not None
        self._sides[(order.symbol, order.side in BUY_SIDES)].remove(order, order.order_limit_price)

    def symbols(self) -> Iterator[tuple[str, bool]]:
        """Every (symbol, buying) that has resting orders."""
        return (key for key, side in self._sides.items() if side.prices)

    def crossing(self, symbol: str, buying: bool, touch: Decimal) -> list[Order]:
        """Orders whose limit the touch reaches: buys at or above the ask, sells at or
        below the bid (by limit price, then in the order they came to rest)."""
        side = self._sides[(symbol, buying)]
        prices = side.prices
        if buying:
            return side.at(prices[bisect.bisect_left(prices, touch) :])
        return side.at(prices[: bisect.bisect_right(prices, touch)])

    def everything(self, symbol: str, buying: bool) -> list[Order]:
        """Every resting order on one side of a symbol (when its quote is unavailable)."""
        side = self._sides[(symbol, buying)]
        return side.at(side.prices)

    def expired(self, now: datetime) -> list[Order]:
        """Resting orders whose time in force ended at or before ``now``."""
        due: list[Order] = []
        while self._expiries and self._expiries[0][0] <= now:
            _, _, order_id = heapq.heappop(self._expiries)
            order = self._orders.get(order_id)
            if order is not None:
                due.append(order)
        return due
