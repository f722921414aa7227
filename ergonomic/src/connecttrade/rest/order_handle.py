"""What ``orders.place`` returns: a live view of one order (like ib_async's ``Trade``).

:class:`OrderHandle` (sync) and :class:`AsyncOrderHandle` (awaitable) hold an
:class:`~connecttrade.rest.order_tracker.OrderTracker` and add the calls that move it on:
``refresh``, ``wait`` until the order is done, ``cancel`` and ``modify``. The tracker is
public (``handle.tracker``) so a stream can push updates into the same handle: once a live
account view tracks the handle (``view.track(handle)``), ``wait`` and ``events`` sleep until
an update is pushed instead of polling the API.

Order events (:mod:`connecttrade.types.order_events`: fills, partial fills, cancels,
rejections, replacements, expiries) reach callbacks registered with ``handle.on(kind,
callback)`` and iteration over ``handle.events()``. They come from whatever feeds the
handle: the brokerage stream when a live view tracks it, otherwise the REST reads of
``refresh``, ``wait`` and ``events`` (which poll).

The two handles are twins kept in step by construction: the same public names,
signatures and docstrings modulo ``async``/``await`` and ``Async``-prefixed types, checked
by ``tests/ergonomic/test_twins.py``; change both or neither.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

from connecttrade._exceptions import OrderWaitTimeoutError
from connecttrade._http import endpoints as ops
from connecttrade.rest.order_tracker import OrderTracker
from connecttrade.types.enums import OrderStatus, TimeInForce
from connecttrade.types.order_events import OrderEvent, OrderStatusChanged
from connecttrade.types.orders import Amount
from connecttrade.types.results import Fill, Order

if TYPE_CHECKING:
    from connecttrade._http.async_driver import AsyncDriver
    from connecttrade._http.sync_driver import SyncDriver

__all__ = ["AsyncOrderHandle", "OrderHandle"]

DEFAULT_WAIT_TIMEOUT = 30.0
DEFAULT_POLL_INTERVAL = 0.5

_E = TypeVar("_E", bound=OrderEvent)


_MANUAL_CLOCK_HINT = (
    "the mock broker's clock is manual: advance it (control.advance) for the order to progress"
)


def _clock_hint(driver: SyncDriver | AsyncDriver) -> str | None:
    """Why an order may not have moved: the mock's latest answer named a manual clock."""
    return _MANUAL_CLOCK_HINT if driver.mock_clock == "manual" else None


def _check_wait(timeout: float | None, poll_interval: float) -> None:
    if timeout is not None and not timeout >= 0:
        raise ValueError(f"timeout must be >= 0, got {timeout!r}")
    if not poll_interval > 0:
        raise ValueError(f"poll_interval must be > 0, got {poll_interval!r}")


def _is_last(event: OrderEvent) -> bool:
    """The status change that made the order done: nothing follows it."""
    return isinstance(event, OrderStatusChanged) and event.order.is_done


class _HandleState:
    """What both handles read from their tracker."""

    __slots__ = ("tracker",)

    tracker: OrderTracker

    @property
    def order(self) -> Order:
        """The latest snapshot of the order."""
        return self.tracker.order

    @property
    def fills(self) -> tuple[Fill, ...]:
        """The executions so far."""
        return self.tracker.fills

    @property
    def status_log(self) -> list[tuple[dt.datetime, OrderStatus | str]]:
        """``(updated_at, status)`` for each status observed, oldest first."""
        return self.tracker.status_log

    @property
    def is_done(self) -> bool:
        """True once the order is filled, cancelled, rejected, expired or replaced."""
        return self.tracker.is_done

    def apply(self, order: Order) -> bool:
        """Push a snapshot (from a stream, say); stale versions are ignored."""
        return self.tracker.apply(order)

    def on(
        self, kind: type[_E], callback: Callable[[_E], object], *, replay: bool = True
    ) -> Callable[[], None]:
        """Call ``callback(event)`` for every order event of type ``kind``; returns the remover.

        ``kind`` is an event class of :mod:`connecttrade.types.order_events`:
        ``OrderFill`` (each execution, exactly once), ``OrderFilled``,
        ``OrderPartiallyFilled``, ``OrderCancelled``, ``OrderRejected``, ``OrderReplaced``,
        ``OrderExpired``, ``OrderStatusChanged`` (every status change) or ``OrderEvent``
        (all of them). With ``replay`` (the default) the events already seen are passed
        first, so a callback registered after an order filled at once still hears of it.
        Events come from the brokerage stream while a live view tracks the handle, else from
        the reads of ``refresh``, ``wait`` and ``events``. A callback that raises is logged
        (logger ``connecttrade.orders``) and the feed goes on; callbacks may run on a sync
        stream's thread.
        """
        return self.tracker.on(kind, callback, replay=replay)

    def __repr__(self) -> str:
        order = self.tracker.order
        return (
            f"{type(self).__name__}(order_id={order.order_id!r}, "
            f"cl_order_id={order.cl_order_id!r}, status={str(order.status)!r})"
        )


class OrderHandle(_HandleState):
    """A placed order that can refresh itself, be waited on, cancelled or modified."""

    __slots__ = ("_driver",)

    def __init__(self, order: Order, driver: SyncDriver) -> None:
        self.tracker = OrderTracker(order)
        self._driver = driver

    def refresh(self) -> Order:
        """Fetch the order and apply it; return the latest snapshot."""
        order = self.tracker.order
        self.tracker.apply(self._driver.run(ops.get_order(order.account_id, order.order_id)))
        return self.tracker.order

    def wait(
        self, timeout: float = DEFAULT_WAIT_TIMEOUT, poll_interval: float = DEFAULT_POLL_INTERVAL
    ) -> Order:
        """Wait until the order is done; return it, or raise :class:`OrderWaitTimeoutError`.

        Polls every ``poll_interval`` seconds, unless a live feed pushes the updates.
        """
        _check_wait(timeout, poll_interval)
        if self.tracker.fed:
            return self._wait_pushed(timeout)
        deadline = self._driver.clock() + timeout
        while not self.is_done:
            remaining = deadline - self._driver.clock()
            if remaining <= 0:
                raise OrderWaitTimeoutError(self.tracker.order, timeout, _clock_hint(self._driver))
            self._driver.sleep(min(poll_interval, remaining))
            self.refresh()
        return self.tracker.order

    def events(
        self, timeout: float | None = None, poll_interval: float = DEFAULT_POLL_INTERVAL
    ) -> Iterator[OrderEvent]:
        """Iterate over the order's events, from the first, until it is done.

        The last event is the status change that ended the order (``OrderFilled``,
        ``OrderCancelled``, ...). Events are pushed while a live view tracks the handle;
        otherwise the order is fetched every ``poll_interval`` seconds. Raises
        :class:`OrderWaitTimeoutError` when the order is not done within ``timeout``
        seconds (``None``: no limit).
        """
        _check_wait(timeout, poll_interval)
        pending: queue.SimpleQueue[OrderEvent] = queue.SimpleQueue()
        remove = self.tracker.on(OrderEvent, pending.put)
        try:
            deadline = None if timeout is None else self._driver.clock() + timeout
            while True:
                while not pending.empty():
                    event = pending.get()
                    yield event
                    if _is_last(event):
                        return
                step = poll_interval
                if deadline is not None:
                    remaining = deadline - self._driver.clock()
                    if remaining <= 0:
                        raise OrderWaitTimeoutError(
                            self.tracker.order, timeout or 0.0, _clock_hint(self._driver)
                        )
                    step = min(step, remaining)
                if self.tracker.fed:
                    # Woken by the next push; the bound only re-checks that a feed remains.
                    try:
                        event = pending.get(timeout=step)
                    except queue.Empty:
                        continue
                    yield event
                    if _is_last(event):
                        return
                else:
                    self._driver.sleep(step)
                    self.refresh()
        finally:
            remove()

    def _wait_pushed(self, timeout: float) -> Order:
        pushed = threading.Event()
        unwatch = self.tracker.on(OrderEvent, lambda _event: pushed.set(), replay=False)
        try:
            deadline = self._driver.clock() + timeout
            while not self.tracker.is_done:
                remaining = deadline - self._driver.clock()
                woken = remaining > 0 and pushed.wait(remaining)
                pushed.clear()
                if not woken and not self.tracker.is_done:
                    raise OrderWaitTimeoutError(
                        self.tracker.order, timeout, _clock_hint(self._driver)
                    )
        finally:
            unwatch()
        return self.tracker.order

    def cancel(self) -> Order:
        """Ask the broker to cancel; return the order with its cancel requested."""
        order = self.tracker.order
        self.tracker.apply(self._driver.run(ops.cancel_order(order.account_id, order.order_id)))
        return self.tracker.order

    def modify(
        self,
        *,
        qty: Amount | None = None,
        notional: Amount | None = None,
        limit_price: Amount | None = None,
        credit: Amount | None = None,
        debit: Amount | None = None,
        stop_price: Amount | None = None,
        tif: TimeInForce | str | None = None,
        new_cl_order_id: str | None = None,
    ) -> OrderHandle:
        """Replace the order; return a handle on the replacement (this one becomes replaced).

        A multi-leg order's net price is changed with ``credit=`` or ``debit=`` (a positive
        amount) in the order's own direction; ``debit=`` on a credit order, or a bare
        ``limit_price=``, raises :class:`InvalidOrder` before anything is sent.
        """
        order = self.tracker.order
        replacement = self._driver.run(
            ops.modify_order(
                order.account_id,
                order.order_id,
                self._driver.accounts,
                qty=qty,
                notional=notional,
                limit_price=limit_price,
                credit=credit,
                debit=debit,
                stop_price=stop_price,
                tif=tif,
                new_cl_order_id=new_cl_order_id,
                broker=str(order.broker),
                current=order,
            )
        )
        return OrderHandle(replacement, self._driver)


class AsyncOrderHandle(_HandleState):
    """A placed order that can refresh itself, be waited on, cancelled or modified."""

    __slots__ = ("_driver",)

    def __init__(self, order: Order, driver: AsyncDriver) -> None:
        self.tracker = OrderTracker(order)
        self._driver = driver

    async def refresh(self) -> Order:
        """Fetch the order and apply it; return the latest snapshot."""
        order = self.tracker.order
        fresh = await self._driver.run(ops.get_order(order.account_id, order.order_id))
        self.tracker.apply(fresh)
        return self.tracker.order

    async def wait(
        self, timeout: float = DEFAULT_WAIT_TIMEOUT, poll_interval: float = DEFAULT_POLL_INTERVAL
    ) -> Order:
        """Wait until the order is done; return it, or raise :class:`OrderWaitTimeoutError`.

        Polls every ``poll_interval`` seconds, unless a live feed pushes the updates.
        """
        _check_wait(timeout, poll_interval)
        if self.tracker.fed:
            return await self._wait_pushed(timeout)
        deadline = self._driver.clock() + timeout
        while not self.is_done:
            remaining = deadline - self._driver.clock()
            if remaining <= 0:
                raise OrderWaitTimeoutError(self.tracker.order, timeout, _clock_hint(self._driver))
            await self._driver.sleep(min(poll_interval, remaining))
            await self.refresh()
        return self.tracker.order

    async def events(
        self, timeout: float | None = None, poll_interval: float = DEFAULT_POLL_INTERVAL
    ) -> AsyncIterator[OrderEvent]:
        """Iterate (``async for``) over the order's events, from the first, until it is done.

        The last event is the status change that ended the order (``OrderFilled``,
        ``OrderCancelled``, ...). Events are pushed while a live view tracks the handle;
        otherwise the order is fetched every ``poll_interval`` seconds. Raises
        :class:`OrderWaitTimeoutError` when the order is not done within ``timeout``
        seconds (``None``: no limit).
        """
        _check_wait(timeout, poll_interval)
        loop = asyncio.get_running_loop()
        loop_thread = threading.get_ident()
        pending: asyncio.Queue[OrderEvent] = asyncio.Queue()

        # The feed may run on another thread's loop (a sync stream): hop onto ours.
        def push(event: OrderEvent) -> None:
            if threading.get_ident() == loop_thread:
                pending.put_nowait(event)
            else:
                loop.call_soon_threadsafe(pending.put_nowait, event)

        remove = self.tracker.on(OrderEvent, push)
        try:
            deadline = None if timeout is None else self._driver.clock() + timeout
            while True:
                while not pending.empty():
                    event = pending.get_nowait()
                    yield event
                    if _is_last(event):
                        return
                step = poll_interval
                if deadline is not None:
                    remaining = deadline - self._driver.clock()
                    if remaining <= 0:
                        raise OrderWaitTimeoutError(
                            self.tracker.order, timeout or 0.0, _clock_hint(self._driver)
                        )
                    step = min(step, remaining)
                if self.tracker.fed:
                    # Woken by the next push; the bound only re-checks that a feed remains.
                    try:
                        async with asyncio.timeout(step):
                            event = await pending.get()
                    except TimeoutError:
                        continue
                    yield event
                    if _is_last(event):
                        return
                else:
                    await self._driver.sleep(step)
                    await self.refresh()
        finally:
            remove()

    async def _wait_pushed(self, timeout: float) -> Order:
        loop = asyncio.get_running_loop()
        pushed = asyncio.Event()

        # The feed may run on another thread's loop (a sync stream): hop onto ours.
        def wake(_event: OrderEvent) -> None:
            loop.call_soon_threadsafe(pushed.set)

        unwatch = self.tracker.on(OrderEvent, wake, replay=False)
        try:
            async with asyncio.timeout(timeout):
                while not self.is_done:
                    await pushed.wait()
                    pushed.clear()
        except TimeoutError:
            if not self.is_done:
                raise OrderWaitTimeoutError(
                    self.tracker.order, timeout, _clock_hint(self._driver)
                ) from None
        finally:
            unwatch()
        return self.tracker.order

    async def cancel(self) -> Order:
        """Ask the broker to cancel; return the order with its cancel requested."""
        order = self.tracker.order
        fresh = await self._driver.run(ops.cancel_order(order.account_id, order.order_id))
        self.tracker.apply(fresh)
        return self.tracker.order

    async def modify(
        self,
        *,
        qty: Amount | None = None,
        notional: Amount | None = None,
        limit_price: Amount | None = None,
        credit: Amount | None = None,
        debit: Amount | None = None,
        stop_price: Amount | None = None,
        tif: TimeInForce | str | None = None,
        new_cl_order_id: str | None = None,
    ) -> AsyncOrderHandle:
        """Replace the order; return a handle on the replacement (this one becomes replaced).

        A multi-leg order's net price is changed with ``credit=`` or ``debit=`` (a positive
        amount) in the order's own direction; ``debit=`` on a credit order, or a bare
        ``limit_price=``, raises :class:`InvalidOrder` before anything is sent.
        """
        order = self.tracker.order
        replacement = await self._driver.run(
            ops.modify_order(
                order.account_id,
                order.order_id,
                self._driver.accounts,
                qty=qty,
                notional=notional,
                limit_price=limit_price,
                credit=credit,
                debit=debit,
                stop_price=stop_price,
                tif=tif,
                new_cl_order_id=new_cl_order_id,
                broker=str(order.broker),
                current=order,
            )
        )
        return AsyncOrderHandle(replacement, self._driver)
