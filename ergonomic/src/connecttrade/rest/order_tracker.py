"""The state of one order as a client observes it; pure, so any source can feed it.

REST refreshes and stream updates both arrive as :class:`~connecttrade.types.results.Order`
snapshots, possibly out of order. :meth:`OrderTracker.apply` keeps the newest by the
order's ``version`` and records every status change it sees. A live feed (a
:class:`~connecttrade.streams.account_view.LiveAccountView` tracking the order) marks itself with
:meth:`OrderTracker.attach_feed`, and waiters :meth:`~OrderTracker.watch` for pushes
instead of polling.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from connecttrade.types.enums import OrderStatus
from connecttrade.types.results import Fill, Order

__all__ = ["OrderTracker"]

logger = logging.getLogger("connecttrade")


class OrderTracker:
    """The latest snapshot of one order and the statuses it went through."""

    __slots__ = ("_feeds", "_order", "_status_log", "_watchers")

    def __init__(self, order: Order) -> None:
        self._order = order
        self._feeds = 0
        self._watchers: list[Callable[[Order], None]] = []
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
        for watcher in list(self._watchers):
            try:
                watcher(order)
            except Exception:
                logger.exception("an order watcher failed")
        return True

    @property
    def fed(self) -> bool:
        """True while a live feed pushes this order's updates (waits need not poll)."""
        return self._feeds > 0

    def attach_feed(self) -> None:
        """A live feed starts pushing updates into this tracker."""
        self._feeds += 1

    def detach_feed(self) -> None:
        """A live feed stopped pushing updates."""
        self._feeds = max(0, self._feeds - 1)

    def watch(self, callback: Callable[[Order], None]) -> Callable[[], None]:
        """Call ``callback(order)`` after every snapshot taken; returns the unwatch function.

        Callbacks may run on another thread (a sync stream's loop): keep them thread-safe.
        """
        self._watchers.append(callback)

        def unwatch() -> None:
            if callback in self._watchers:
                self._watchers.remove(callback)

        return unwatch
