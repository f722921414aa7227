"""Order events against the real mock: fills once each, cancels, rejections, polled and
pushed, across forced stream reconnects; and a raising callback that does not stop them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from decimal import Decimal

import pytest

import connecttrade
from connecttrade import (
    OrderCancelled,
    OrderEvent,
    OrderFill,
    OrderFilled,
    OrderRejected,
    OrderStatus,
)
from connecttrade_mock.pytest_plugin import MockBrokerFixture
from connecttrade_mock.testing import MockServer

from .stream_support import async_client, demo_login, sync_client

FAST = connecttrade.Backoff(base=0.05, cap=0.2)
CASH = "acc_demo_cash"
# The mock's scenario symbols: ZWZZT fills in three parts one simulated second apart,
# ZAZZT rests until cancelled, ZXZZT is rejected by the broker.
PARTIAL, HOLD, REJECT = "ZWZZT", "ZAZZT", "ZXZZT"

# Placement answers a ZWZZT order with its first third filled; two fills follow.
PARTIAL_EVENTS = [
    "OrderFill",
    "OrderPartiallyFilled",
    "OrderFill",
    "OrderFill",
    "OrderFilled",
]


def _kinds(events: Sequence[OrderEvent]) -> list[str]:
    return [type(e).__name__ for e in events]


def _assert_each_fill_once(fills: list[OrderFill], qty: int) -> None:
    ids = [f.fill.fill_id for f in fills]
    assert len(ids) == len(set(ids)) == 3, ids
    assert sum((f.quantity for f in fills), Decimal(0)) == qty
    assert all(isinstance(f.price, Decimal) and f.price > 0 for f in fills)


async def _wait_for(condition: Callable[[], bool], timeout: float = 15) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


def test_polled_fills_fire_once_each_however_often_the_order_is_read(
    mock_broker: MockBrokerFixture,
) -> None:
    """Without a stream, refresh() feeds the callbacks: on the manual clock each of the
    three fills fires OrderFill exactly once (reading twice per step repeats nothing) and
    OrderFilled fires once, last."""
    c = mock_broker.credentials
    with connecttrade.Client(
        base_url=mock_broker.base_url,
        client_id=c.client_id,
        client_secret=c.client_secret,
        user_id=c.user_id,
        user_secret=c.user_secret,
    ) as ct:
        handle = ct.orders.place(connecttrade.market(PARTIAL, 3, side="BUY"), account_id=CASH)
        fills: list[OrderFill] = []
        everything: list[OrderEvent] = []
        handle.on(OrderFill, fills.append)
        handle.on(OrderEvent, everything.append)
        for _ in range(5):
            mock_broker.control.advance(1)
            handle.refresh()
            handle.refresh()
    _assert_each_fill_once(fills, 3)
    assert _kinds(everything) == PARTIAL_EVENTS
    assert everything[-1].order.status is OrderStatus.FILLED


@pytest.mark.anyio
async def test_async_iteration_polls_until_filled(live_mock: MockServer) -> None:
    """``async for`` over events() of an untracked handle polls and ends after OrderFilled."""
    async with async_client(live_mock, demo_login(live_mock)) as ct:
        handle = await ct.orders.place(connecttrade.market(PARTIAL, 3, side="BUY"), account_id=CASH)
        events = [e async for e in handle.events(timeout=20, poll_interval=0.1)]
    assert _kinds(events) == PARTIAL_EVENTS
    _assert_each_fill_once([e for e in events if isinstance(e, OrderFill)], 3)
    assert handle.is_done


def test_sync_iteration_polls_until_filled(live_mock: MockServer) -> None:
    """``for`` over events() of an untracked sync handle polls and ends after OrderFilled."""
    with sync_client(live_mock, demo_login(live_mock)) as ct:
        handle = ct.orders.place(connecttrade.market(PARTIAL, 3, side="BUY"), account_id=CASH)
        events = list(handle.events(timeout=20, poll_interval=0.1))
    assert _kinds(events) == PARTIAL_EVENTS


def test_iteration_times_out_on_an_order_that_never_ends(live_mock: MockServer) -> None:
    """events(timeout=) on a resting order raises OrderWaitTimeoutError naming the order."""
    with sync_client(live_mock, demo_login(live_mock)) as ct:
        handle = ct.orders.place(connecttrade.market(HOLD, 1, side="BUY"), account_id=CASH)
        with pytest.raises(connecttrade.OrderWaitTimeoutError) as caught:
            list(handle.events(timeout=0.3, poll_interval=0.05))
        handle.cancel()
    assert caught.value.order.order_id == handle.order.order_id


def test_cancel_fires_one_cancelled_event(live_mock: MockServer) -> None:
    """Cancelling a resting order fires OrderCancelled once, with no fill before it."""
    with sync_client(live_mock, demo_login(live_mock)) as ct:
        handle = ct.orders.place(connecttrade.market(HOLD, 2, side="BUY"), account_id=CASH)
        cancelled: list[OrderCancelled] = []
        fills: list[OrderFill] = []
        handle.on(OrderCancelled, cancelled.append)
        handle.on(OrderFill, fills.append)
        handle.cancel()
        order = handle.wait(timeout=10, poll_interval=0.05)
        handle.refresh()
    assert order.status is OrderStatus.CANCELLED
    assert len(cancelled) == 1
    assert cancelled[0].order.filled_qty == 0
    assert fills == []


def test_a_rejected_order_fires_rejected_with_the_reason(live_mock: MockServer) -> None:
    """A broker rejection in the placement answer is an OrderRejected event (replayed to a
    callback registered afterwards) carrying the reason; iteration yields it and ends."""
    with sync_client(live_mock, demo_login(live_mock)) as ct:
        handle = ct.orders.place(connecttrade.market(REJECT, 1, side="BUY"), account_id=CASH)
        rejected: list[OrderRejected] = []
        handle.on(OrderRejected, rejected.append)
        events = list(handle.events(timeout=5))
    assert len(rejected) == 1
    assert rejected[0].reason == handle.order.reject_reason
    assert rejected[0].reason
    assert _kinds(events) == ["OrderRejected"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    "abrupt", [pytest.param(False, id="close-1011"), pytest.param(True, id="tcp-drop")]
)
async def test_pushed_events_survive_a_forced_reconnect(
    live_mock: MockServer, abrupt: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """With a view tracking the handle, the stream is dropped after the second fill: the
    callbacks stay registered, every fill still fires exactly once and OrderFilled once,
    the wait is woken by pushes (its hour-long poll never runs), and a callback that raises
    on every event is logged without stopping the stream."""
    assert live_mock.control is not None
    async with (
        async_client(live_mock, demo_login(live_mock)) as ct,
        connecttrade.LiveAccountView.from_client(ct, backoff=FAST) as view,
    ):
        await view.wait_synced(10)
        handle = view.track(
            await ct.orders.place(connecttrade.market(PARTIAL, 3, side="BUY"), account_id=CASH)
        )
        fills: list[OrderFill] = []
        filled: list[OrderFilled] = []

        def broken(_event: OrderEvent) -> None:
            raise RuntimeError("a bug in the strategy")

        handle.on(OrderEvent, broken)
        handle.on(OrderFill, fills.append)
        handle.on(OrderFilled, filled.append)
        with caplog.at_level(logging.ERROR, logger="connecttrade.orders"):
            await _wait_for(lambda: len(fills) >= 2)
            connects = view.stream.connects
            assert live_mock.control.drop_streams("brokerage", abrupt=abrupt) >= 1
            order = await asyncio.wait_for(handle.wait(timeout=30, poll_interval=3600), 30)
            await _wait_for(lambda: view.stream.connects > connects and view.synced)
    assert order.status is OrderStatus.FILLED
    _assert_each_fill_once(fills, 3)
    assert len(filled) == 1
    failures = [r for r in caplog.records if r.name == "connecttrade.orders"]
    assert len(failures) == len(PARTIAL_EVENTS)
    assert handle.tracker.fed is False  # the view closed and detached


def test_sync_iteration_is_fed_by_a_sync_view_across_a_reconnect(live_mock: MockServer) -> None:
    """A sync handle tracked by a SyncAccountView iterates over pushed events (an hour-long
    poll interval never polls) and finishes after the stream is dropped mid-order."""
    assert live_mock.control is not None
    with (
        sync_client(live_mock, demo_login(live_mock)) as ct,
        connecttrade.SyncAccountView(ct, backoff=FAST) as view,
    ):
        view.wait_synced(10)
        handle = view.track(
            ct.orders.place(connecttrade.market(PARTIAL, 3, side="BUY"), account_id=CASH)
        )
        events: list[OrderEvent] = []
        for event in handle.events(timeout=30, poll_interval=3600):  # raises if not done
            events.append(event)
            if len(events) == 2:
                live_mock.control.drop_streams("brokerage")
    assert _kinds(events) == PARTIAL_EVENTS
