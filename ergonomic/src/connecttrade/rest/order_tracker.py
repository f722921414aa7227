"""The state of one order as a client observes it, and the events between its snapshots.

REST refreshes and stream updates both arrive as :class:`~connecttrade.types.results.Order`
snapshots, possibly out of order and repeated. :meth:`OrderTracker.apply` keeps the newest
by the order's ``version``, records every status change, and turns each newer snapshot
into :mod:`order events <connecttrade.types.order_events>` (fills, status changes), which
it keeps and hands to the callbacks registered with :meth:`OrderTracker.on`. A fill is
reported once, by its id, however many snapshots repeat it.

A live feed (a :class:`~connecttrade.streams.account_view.LiveAccountView` tracking the
order) marks itself with :meth:`OrderTracker.attach_feed`, so waits need not poll.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from connecttrade.types.enums import OrderStatus
from connecttrade.types.order_events import OrderEvent, order_events
from connecttrade.types.results import Fill, Order

__all__ = ["OrderTracker"]

logger = logging.getLogger("connecttrade.orders")

_E = TypeVar("_E", bound=OrderEvent)


class _Listener:
    """One registration of :meth:`OrderTracker.on` (compared by identity)."""

    __slots__ = ("callback", "kind")

    def __init__(self, kind: type[OrderEvent], callback: Callable[[Any], object]) -> None:
        self.kind = kind
        self.callback = callback


class OrderTracker:
    """The latest snapshot of one order, the statuses it went through and its events."""

    __slots__ = (
        "_delivering",
        "_events",
        "_feeds",
        "_listeners",
        "_lock",
        "_order",
        "_outbox",
        "_rebased",
        "_seen_fills",
        "_status_log",
    )

    def __init__(self, order: Order) -> None:
        self._order = order
        self._feeds = 0
        self._rebased = False
        self._lock = threading.Lock()
        self._listeners: list[_Listener] = []
        # Events waiting for delivery, each with the listeners registered when it happened.
        # One thread at a time delivers, outside the lock: callbacks see the events in
        # order, and a callback that blocks on another thread (a sync view's read, say)
        # cannot deadlock with a push arriving there.
        self._outbox: deque[tuple[OrderEvent, tuple[_Listener, ...]]] = deque()
        self._delivering = False
        self._events: list[OrderEvent] = order_events(None, order, ())
        self._seen_fills = {fill.fill_id for fill in order.fills}
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
    def events(self) -> tuple[OrderEvent, ...]:
        """Every event so far, oldest first (those of the first snapshot included)."""
        return tuple(self._events)

    @property
    def is_done(self) -> bool:
        """True once the order is in a terminal status."""
        return self._order.is_done

    def apply(self, order: Order) -> bool:
        """Take ``order`` if it is newer than the one held; return whether it was taken.

        A snapshot of another order raises ``ValueError``; a stale or repeated version
        (``version`` not above the one held) is ignored. The events the snapshot brings
        go to the callbacks in order: before this returns, unless another thread is
        delivering events of this order already (then that thread delivers them).
        """
        if order.order_id != self._order.order_id:
            raise ValueError(
                f"snapshot of order {order.order_id} applied to the tracker of "
                f"{self._order.order_id}"
            )
        with self._lock:
            if order.version <= self._order.version and not self._rebased:
                return False
            if self._rebased and self._order.is_done and not order.is_done:
                return False  # a snapshot from before the restart: a done order stays done
            self._rebased = False
            events = order_events(self._order, order, self._seen_fills)
            self._seen_fills.update(fill.fill_id for fill in order.fills)
            if order.status != self._order.status:
                self._status_log.append((order.updated_at, order.status))
            self._order = order
            self._events.extend(events)
            listeners = tuple(self._listeners)
            self._outbox.extend((event, listeners) for event in events)
        self._deliver()
        return True

    def on(
        self, kind: type[_E], callback: Callable[[_E], object], *, replay: bool = True
    ) -> Callable[[], None]:
        """Call ``callback(event)`` for every event of type ``kind``; returns the remover.

        With ``replay`` (the default) the events already seen are passed first, so a
        callback registered after the order filled still hears of the fill. A callback
        that raises is logged on the ``connecttrade.orders`` logger and the others still
        run. Callbacks may run on another thread (a sync stream's loop): keep them
        thread-safe.
        """
        entry = _Listener(kind, callback)
        with self._lock:
            self._listeners.append(entry)
            if replay:
                self._outbox.extend((event, (entry,)) for event in self._events)
        self._deliver()

        def remove() -> None:
            with self._lock:
                if entry in self._listeners:
                    self._listeners.remove(entry)

        return remove

    def _deliver(self) -> None:
        with self._lock:
            if self._delivering:
                return  # the thread delivering now takes the new events too
            self._delivering = True
        try:
            while True:
                with self._lock:
                    if not self._outbox:
                        self._delivering = False
                        return
                    event, targets = self._outbox.popleft()
                    live = [t for t in targets if t in self._listeners]
                for listener in live:
                    if isinstance(event, listener.kind):
                        _call(listener.callback, event)
        except BaseException:
            with self._lock:
                self._delivering = False
            raise

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

    def rebase(self) -> None:
        """The feed's versions started over (the server restarted): take the next snapshot
        whatever its version. Fills already reported stay reported."""
        with self._lock:
            self._rebased = True


def _call(callback: Callable[[Any], object], event: OrderEvent) -> None:
    try:
        callback(event)
    except Exception:
        logger.exception(
            "an order event callback failed (%s of order %s)", type(event).__name__, event.order_id
        )
