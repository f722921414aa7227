"""Resting limit orders indexed by limit price and expiry, so a market tick visits only
the orders that can act.

A plain limit order that rests (no scripted outcome, not an auction or IOC/FOK order, not
a pending cancel or replace) does nothing on a tick unless the quote crosses its limit or
its time in force ran out. :class:`RestingOrders` finds exactly those: per symbol and side
a list sorted by limit price (bisected against the touch), and a heap of expiry times. The
engine works every other open order on every tick, as before.
"""

from __future__ import annotations

import bisect
import heapq
import sys
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from connecttrade_mock.accounting import BUY_SIDES
from connecttrade_mock.lifecycle import OPEN, OrderStatus
from connecttrade_mock.state import Order

__all__ = ["RestingOrders", "rests_quietly"]

_AWAITING_BROKER = frozenset({OrderStatus.PENDING_CANCEL, OrderStatus.PENDING_REPLACE})
_NEVER_QUIET_TIFS = frozenset({"OPEN", "CLOSE", "IOC", "FOK"})
_LAST_SEQ = sys.maxsize


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


class RestingOrders:
    """The quietly resting orders, by (symbol, side) and limit price, and by expiry."""

    __slots__ = ("_books", "_expiries", "_orders")

    def __init__(self) -> None:
        self._orders: dict[str, Order] = {}
        # (symbol, buying) -> keys (limit, seq) ascending, and the orders by seq
        self._books: dict[tuple[str, bool], tuple[list[tuple[Decimal, int]], dict[int, Order]]]
        self._books = {}
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
        keys, by_seq = self._books.setdefault((order.symbol, order.side in BUY_SIDES), ([], {}))
        bisect.insort(keys, (order.order_limit_price, order.seq))
        by_seq[order.seq] = order
        if order.expires_at is not None:
            heapq.heappush(self._expiries, (order.expires_at, order.seq, order.order_id))

    def remove(self, order_id: str) -> None:
        """Forget an order (it stopped resting quietly); unknown ids are ignored."""
        order = self._orders.pop(order_id, None)
        if order is None:
            return
        assert order.symbol is not None
        assert order.order_limit_price is not None
        keys, by_seq = self._books[(order.symbol, order.side in BUY_SIDES)]
        key = (order.order_limit_price, order.seq)
        index = bisect.bisect_left(keys, key)
        if index < len(keys) and keys[index] == key:
            del keys[index]
        by_seq.pop(order.seq, None)

    def symbols(self) -> Iterator[tuple[str, bool]]:
        """Every (symbol, buying) that has resting orders."""
        return (side for side, (keys, _) in self._books.items() if keys)

    def crossing(self, symbol: str, buying: bool, touch: Decimal) -> list[Order]:
        """Orders whose limit the touch reaches: buys at or above the ask, sells at or
        below the bid."""
        keys, by_seq = self._books[(symbol, buying)]
        if buying:
            chosen = keys[bisect.bisect_left(keys, (touch,)) :]
        else:
            chosen = keys[: bisect.bisect_right(keys, (touch, _LAST_SEQ))]
        return [by_seq[seq] for _, seq in chosen]

    def everything(self, symbol: str, buying: bool) -> list[Order]:
        """Every resting order on one side of a symbol (when its quote is unavailable)."""
        return list(self._books[(symbol, buying)][1].values())

    def expired(self, now: datetime) -> list[Order]:
        """Resting orders whose time in force ended at or before ``now``."""
        due: list[Order] = []
        while self._expiries and self._expiries[0][0] <= now:
            _, _, order_id = heapq.heappop(self._expiries)
            order = self._orders.get(order_id)
            if order is not None:
                due.append(order)
        return due
