"""Tests for order events: what a snapshot sequence turns into, and how callbacks get it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from sdk_fakes import order_json

from connecttrade import (
    Order,
    OrderCancelled,
    OrderEvent,
    OrderExpired,
    OrderFill,
    OrderFilled,
    OrderPartiallyFilled,
    OrderRejected,
    OrderReplaced,
    OrderStatus,
    OrderStatusChanged,
    OrderTracker,
)
from connecttrade._wire import parse
from connecttrade.types.order_events import order_events

START = dt.datetime(2026, 11, 20, 15, 4, 5, tzinfo=dt.UTC)


def _fill(n: int, qty: str = "2", price: str = "171.25") -> dict[str, Any]:
    return {
        "fill_id": f"fill_{n}",
        "time": (START + dt.timedelta(seconds=n)).isoformat(),
        "quantity": qty,
        "price": price,
    }


def _order(version: int, status: str, fills: int = 0, **overrides: Any) -> Order:
    filled = 2 * fills
    body = order_json(
        status=status,
        version=str(version),
        order_qty="6",
        fills=[_fill(n) for n in range(1, fills + 1)],
        filled_qty=str(filled),
        remaining_qty=str(6 - filled),
        **overrides,
    )
    return dataclasses.replace(parse.order(body), updated_at=START + dt.timedelta(seconds=version))


def _kinds(events: Sequence[OrderEvent]) -> list[str]:
    return [type(e).__name__ for e in events]


def test_each_fill_is_one_event_however_many_snapshots_repeat_it() -> None:
    """Three partial fills seen through five snapshots give three OrderFill events, one
    partially-filled status event and a final OrderFilled, in that order."""
    tracker = OrderTracker(_order(1, "working"))
    for version, status, count in [
        (2, "partially_filled", 1),
        (3, "partially_filled", 1),  # a new version with nothing new to report
        (4, "partially_filled", 2),
        (4, "partially_filled", 2),  # repeated
        (5, "filled", 3),
    ]:
        tracker.apply(_order(version, status, count))
    assert _kinds(tracker.events) == [
        "OrderFill",
        "OrderPartiallyFilled",
        "OrderFill",
        "OrderFill",
        "OrderFilled",
    ]
    fills = [e for e in tracker.events if isinstance(e, OrderFill)]
    assert [f.fill.fill_id for f in fills] == ["fill_1", "fill_2", "fill_3"]
    assert all(f.quantity == Decimal("2") and f.price == Decimal("171.25") for f in fills)
    last = tracker.events[-1]
    assert isinstance(last, OrderFilled)
    assert last.previous is OrderStatus.PARTIALLY_FILLED
    assert last.order.filled_qty == Decimal("6")


def test_fills_missed_between_polls_are_each_reported() -> None:
    """A poll that skips straight from working to filled still reports every fill."""
    tracker = OrderTracker(_order(1, "working"))
    tracker.apply(_order(7, "filled", 3))
    assert _kinds(tracker.events) == ["OrderFill", "OrderFill", "OrderFill", "OrderFilled"]


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        pytest.param("cancelled", OrderCancelled, id="cancelled"),
        pytest.param("rejected", OrderRejected, id="rejected"),
        pytest.param("replaced", OrderReplaced, id="replaced"),
        pytest.param("expired", OrderExpired, id="expired"),
        pytest.param("partially_filled", OrderPartiallyFilled, id="partially-filled"),
        pytest.param("pending_cancel", OrderStatusChanged, id="other-status"),
    ],
)
def test_a_status_change_is_one_event_of_the_status_class(
    status: str, kind: type[OrderStatusChanged]
) -> None:
    """Each status change is exactly one event, whose class names the new status."""
    (event,) = order_events(_order(1, "working"), _order(2, status), ())
    assert type(event) is kind
    assert event.previous is OrderStatus.WORKING
    assert event.status == status


def test_rejection_and_replacement_events_name_the_reason_and_the_replacement() -> None:
    """OrderRejected carries the broker's reason; OrderReplaced the replacement's id."""
    (rejected,) = order_events(
        None, _order(2, "rejected", reject_reason="insufficient buying power"), ()
    )
    assert isinstance(rejected, OrderRejected)
    assert rejected.reason == "insufficient buying power"
    assert rejected.previous is None
    (replaced,) = order_events(
        _order(1, "working"), _order(2, "replaced", replaced_by_order_id="ord_2"), ()
    )
    assert isinstance(replaced, OrderReplaced)
    assert replaced.replaced_by_order_id == "ord_2"


def test_a_first_snapshot_that_is_already_done_has_its_events() -> None:
    """An order filled in the placement answer itself starts with its fill and OrderFilled;
    one only just accepted starts with none."""
    assert _kinds(OrderTracker(_order(3, "filled", 3)).events) == [
        "OrderFill",
        "OrderFill",
        "OrderFill",
        "OrderFilled",
    ]
    assert OrderTracker(_order(1, "working")).events == ()
    assert OrderTracker(_order(1, "pending")).events == ()


def test_callbacks_are_replayed_then_fed_and_filtered_by_class() -> None:
    """on() passes the past events of its class first, then new ones; OrderStatusChanged
    receives the subclasses too; replay=False skips the past; the remover stops them."""
    tracker = OrderTracker(_order(1, "working"))
    tracker.apply(_order(2, "partially_filled", 1))
    fills: list[OrderFill] = []
    statuses: list[OrderStatusChanged] = []
    later: list[OrderEvent] = []
    remove = tracker.on(OrderFill, fills.append)
    tracker.on(OrderStatusChanged, statuses.append)
    tracker.on(OrderEvent, later.append, replay=False)
    assert [f.fill.fill_id for f in fills] == ["fill_1"]
    tracker.apply(_order(3, "partially_filled", 2))
    remove()
    tracker.apply(_order(4, "filled", 3))
    assert [f.fill.fill_id for f in fills] == ["fill_1", "fill_2"]
    assert _kinds(statuses) == ["OrderPartiallyFilled", "OrderFilled"]
    assert _kinds(later) == ["OrderFill", "OrderFill", "OrderFilled"]


def test_a_raising_callback_is_logged_and_the_others_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A callback's exception goes to the connecttrade.orders logger; the snapshot is taken
    and the next callback still gets the event."""
    tracker = OrderTracker(_order(1, "working"))

    def broken(_event: OrderEvent) -> None:
        raise RuntimeError("strategy bug")

    seen: list[OrderEvent] = []
    tracker.on(OrderEvent, broken)
    tracker.on(OrderEvent, seen.append)
    with caplog.at_level(logging.ERROR, logger="connecttrade.orders"):
        assert tracker.apply(_order(2, "cancelled"))
    assert tracker.order.status is OrderStatus.CANCELLED
    assert _kinds(seen) == ["OrderCancelled"]
    (record,) = caplog.records
    assert record.name == "connecttrade.orders"
    assert "OrderCancelled of order ord_1" in record.getMessage()
    assert record.exc_info is not None


def test_a_callback_may_refresh_its_own_order() -> None:
    """A callback that applies a snapshot of its own order (as refresh does) neither
    deadlocks nor loses events."""
    tracker = OrderTracker(_order(1, "working"))
    seen: list[str] = []

    def on_event(event: OrderEvent) -> None:
        seen.append(type(event).__name__)
        if isinstance(event, OrderPartiallyFilled):
            tracker.apply(_order(3, "filled", 3))

    tracker.on(OrderEvent, on_event)
    tracker.apply(_order(2, "partially_filled", 1))
    assert tracker.order.status is OrderStatus.FILLED
    assert seen == ["OrderFill", "OrderPartiallyFilled", "OrderFill", "OrderFill", "OrderFilled"]


def test_a_callback_waiting_for_a_push_on_another_thread_does_not_deadlock() -> None:
    """A callback that blocks until another thread has applied a snapshot (as a sync view's
    read waits for its loop thread) lets that thread through; its events follow in order."""
    tracker = OrderTracker(_order(1, "working"))
    seen: list[str] = []
    pusher_finished: list[bool] = []

    def on_event(event: OrderEvent) -> None:
        seen.append(type(event).__name__)
        if isinstance(event, OrderPartiallyFilled):
            pusher = threading.Thread(target=tracker.apply, args=(_order(3, "filled", 3),))
            pusher.start()
            pusher.join(timeout=5)
            pusher_finished.append(not pusher.is_alive())

    tracker.on(OrderEvent, on_event)
    tracker.apply(_order(2, "partially_filled", 1))
    assert pusher_finished == [True]
    assert seen == ["OrderFill", "OrderPartiallyFilled", "OrderFill", "OrderFill", "OrderFilled"]


def test_concurrent_pushes_deliver_every_event_once_and_in_order() -> None:
    """Snapshots applied from eight threads at once: each callback sees each fill once, and
    the status events in the order of the versions taken."""
    tracker = OrderTracker(_order(1, "working"))
    seen: list[OrderEvent] = []
    tracker.on(OrderEvent, seen.append)
    snapshots = [_order(v, "partially_filled", min(v - 1, 2)) for v in range(2, 40)]
    snapshots.append(_order(40, "filled", 3))
    threads = [
        threading.Thread(target=lambda part=part: [tracker.apply(o) for o in part])
        for part in (snapshots[i::8] for i in range(8))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fills = [e.fill.fill_id for e in seen if isinstance(e, OrderFill)]
    assert sorted(fills) == ["fill_1", "fill_2", "fill_3"]
    versions = [e.order.version for e in seen if isinstance(e, OrderStatusChanged)]
    assert versions == sorted(set(versions))  # status events in version order, once each


def test_after_a_rebase_a_lower_version_is_taken_and_old_fills_stay_reported() -> None:
    """After rebase() (the server's versions started over) the next snapshot is taken even
    with a lower version, and fills already reported are not reported again."""
    tracker = OrderTracker(_order(5, "partially_filled", 1))
    tracker.rebase()
    assert tracker.apply(_order(2, "filled", 3))
    assert _kinds(tracker.events) == [
        "OrderFill",
        "OrderPartiallyFilled",
        "OrderFill",
        "OrderFill",
        "OrderFilled",
    ]
    assert not tracker.apply(_order(1, "working"))


def test_after_a_rebase_a_done_order_does_not_go_back_to_working() -> None:
    """A snapshot taken before the server restarted may arrive after the rebase: a filled
    order stays filled, and no second OrderFilled is reported."""
    tracker = OrderTracker(_order(1, "working"))
    seen: list[OrderEvent] = []
    tracker.on(OrderEvent, seen.append)
    tracker.apply(_order(5, "filled", 3))
    tracker.rebase()
    assert not tracker.apply(_order(3, "working", 0))
    assert tracker.order.status == "filled"
    assert sum(isinstance(e, OrderFilled) for e in seen) == 1
