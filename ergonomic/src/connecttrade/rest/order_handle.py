"""What ``orders.place`` returns: a live view of one order (like ib_async's ``Trade``).

:class:`OrderHandle` (sync) and :class:`AsyncOrderHandle` (awaitable) hold an
:class:`~connecttrade.rest.order_tracker.OrderTracker` and add the calls that move it on:
``refresh``, ``wait`` until the order is done, ``cancel`` and ``modify``. The tracker is
public (``handle.tracker``) so a stream can push updates into the same handle: once a live
account view tracks the handle (``view.track(handle)``), ``wait`` sleeps until an update
is pushed instead of polling the API.

The two handles are twins kept in step by construction: the same public names,
signatures and docstrings modulo ``async``/``await`` and ``Async``-prefixed types, checked
by ``tests/ergonomic/test_twins.py``; change both or neither.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from typing import TYPE_CHECKING

from connecttrade._exceptions import OrderWaitTimeoutError
from connecttrade._http import endpoints as ops
from connecttrade.rest.order_tracker import OrderTracker
from connecttrade.types.enums import OrderStatus, TimeInForce
from connecttrade.types.orders import Amount
from connecttrade.types.results import Fill, Order

if TYPE_CHECKING:
    from connecttrade._http.async_driver import AsyncDriver
    from connecttrade._http.sync_driver import SyncDriver

__all__ = ["AsyncOrderHandle", "OrderHandle"]

DEFAULT_WAIT_TIMEOUT = 30.0
DEFAULT_POLL_INTERVAL = 0.5


_MANUAL_CLOCK_HINT = (
    "the mock broker's clock is manual: advance it (control.advance) for the order to progress"
)


def _clock_hint(driver: SyncDriver | AsyncDriver) -> str | None:
    """Why an order may not have moved: the mock's latest answer named a manual clock."""
    return _MANUAL_CLOCK_HINT if driver.mock_clock == "manual" else None


def _check_wait(timeout: float, poll_interval: float) -> None:
    if not timeout >= 0:
        raise ValueError(f"timeout must be >= 0, got {timeout!r}")
    if not poll_interval > 0:
        raise ValueError(f"poll_interval must be > 0, got {poll_interval!r}")


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

    def _wait_pushed(self, timeout: float) -> Order:
        pushed = threading.Event()
        unwatch = self.tracker.watch(lambda _order: pushed.set())
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

    async def _wait_pushed(self, timeout: float) -> Order:
        loop = asyncio.get_running_loop()
        pushed = asyncio.Event()

        # The feed may run on another thread's loop (a sync stream): hop onto ours.
        def wake(_order: Order) -> None:
            loop.call_soon_threadsafe(pushed.set)

        unwatch = self.tracker.watch(wake)
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
