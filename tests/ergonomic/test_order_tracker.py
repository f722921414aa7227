"""Tests for OrderTracker, the pure state of one observed order."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sdk_fakes import order_json

from connecttrade import Order, OrderStatus, OrderTracker
from connecttrade._wire import parse

START = dt.datetime(2026, 11, 20, 15, 4, 5, tzinfo=dt.UTC)


def _order(version: int, status: str, **overrides: str) -> Order:
    base = parse.order(order_json(status=status, version=str(version), **overrides))
    return dataclasses.replace(base, updated_at=START + dt.timedelta(seconds=version))


def test_newer_versions_are_applied_and_logged() -> None:
    """Each newer snapshot replaces the order and a changed status is logged with its time."""
    tracker = OrderTracker(_order(1, "pending"))
    assert tracker.apply(_order(2, "working"))
    assert tracker.apply(_order(3, "working"))
    assert tracker.apply(_order(4, "filled"))
    assert tracker.order.version == 4
    assert tracker.is_done
    assert tracker.status_log == [
        (START + dt.timedelta(seconds=1), OrderStatus.PENDING),
        (START + dt.timedelta(seconds=2), OrderStatus.WORKING),
        (START + dt.timedelta(seconds=4), OrderStatus.FILLED),
    ]


@pytest.mark.parametrize("version", [pytest.param(1, id="older"), pytest.param(2, id="same")])
def test_stale_or_repeated_versions_are_ignored(version: int) -> None:
    """A snapshot whose version is not above the held one changes nothing."""
    tracker = OrderTracker(_order(2, "working"))
    assert not tracker.apply(_order(version, "pending"))
    assert tracker.order.status is OrderStatus.WORKING
    assert len(tracker.status_log) == 1


def test_out_of_order_delivery_converges_on_the_newest() -> None:
    """Whatever order snapshots arrive in, the tracker ends on the highest version."""
    tracker = OrderTracker(_order(1, "pending"))
    for version, status in [(3, "partially_filled"), (2, "working"), (5, "filled"), (4, "x")]:
        tracker.apply(_order(version, status))
    assert tracker.order.version == 5
    assert tracker.order.status is OrderStatus.FILLED


def test_snapshot_of_another_order_is_refused() -> None:
    """Applying a different order's snapshot raises ValueError and changes nothing."""
    tracker = OrderTracker(_order(1, "working"))
    with pytest.raises(ValueError, match="ord_other"):
        tracker.apply(_order(2, "filled", order_id="ord_other"))
    assert tracker.order.version == 1


def test_status_log_is_a_copy() -> None:
    """Changing the returned log does not change the tracker."""
    tracker = OrderTracker(_order(1, "working"))
    tracker.status_log.clear()
    assert len(tracker.status_log) == 1
