"""The state of one order as a client observes it; pure, so any source can feed it.

REST refreshes and (later) stream updates both arrive as :class:`~connecttrade.results.Order`
snapshots, possibly out of order. :meth:`OrderTracker.apply` keeps the newest by the
order's ``version`` and records every status change it sees.
"""

from __future__ import annotations

import datetime as dt

from connecttrade.enums import OrderStatus
from connecttrade.results import Fill, Order

__all__ = ["OrderTracker"]


class OrderTracker:
    """The latest snapshot of one order and the statuses it went through."""

    __slots__ = ("_order", "_status_log")

    def __init__(self, order: Order) -> None:
        self._order = order
        self._status_log: list[tuple[dt.datetime, OrderStatus | str]] = [
            (order.updated_at, order.status)
        ]

    @property
    def order(self) -> Order:
        """The newest snapshot applied."""
        return self._order

    @property
    def fills(self) -> tuple[Fill, ...]:
        """The executions of the newest snapshot."""
        return self._order.fills

    @property
    def status_log(self) -> list[tuple[dt.datetime, OrderStatus | str]]:
        """``(updated_at, status)`` for each status observed, oldest first (a copy)."""
        return list(self._status_log)

    @property
    def is_done(self) -> bool:
        """True once the order is in a terminal status."""
        return self._order.is_done

    def apply(self, order: Order) -> bool:
        """Take ``order`` if it is newer than the one held; return whether it was taken.

        A snapshot of another order raises ``ValueError``; a stale or repeated version
        (``version`` not above the one held) is ignored.
        """
        if order.order_id != self._order.order_id:
            raise ValueError(
                f"snapshot of order {order.order_id} applied to the tracker of "
                f"{self._order.order_id}"
            )
        if order.version <= self._order.version:
            return False
        if order.status != self._order.status:
            self._status_log.append((order.updated_at, order.status))
        self._order = order
        return True
