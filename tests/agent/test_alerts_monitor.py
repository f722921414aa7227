"""AlertMonitor's conditions, deduplication and delivery, on SDK values built in the test."""

from __future__ import annotations

import datetime as dt
import enum
import logging
from decimal import Decimal
from typing import Any

import pytest

from connecttrade import Fill, OrderStatus
from connecttrade.agent.alerts import Alert, AlertKind, AlertMonitor, MarginThresholds

from .agent_report_fakes import T0, RecordingAudit, make_balance, make_order


def monitor_with(
    audit: RecordingAudit | None = None, thresholds: MarginThresholds | None = None
) -> tuple[AlertMonitor, list[Alert]]:
    """A monitor at a fixed clock and the list its callback fills."""
    received: list[Alert] = []
    monitor = AlertMonitor(
        callbacks=[received.append], audit=audit, thresholds=thresholds, clock=lambda: T0
    )
    return monitor, received


def test_rejected_order_alerts_once_with_the_reason() -> None:
    """A rejected order raises one alert naming the order and the broker's reason, however
    often it is observed again."""
    monitor, received = monitor_with()
    rejected = make_order(status=OrderStatus.REJECTED, reject_reason="insufficient buying power")
    first = monitor.observe_order(rejected)
    again = monitor.observe_order(rejected)
    assert [a.kind for a in first] == [AlertKind.ORDER_REJECTED]
    assert again == []
    assert received == first
    alert = first[0]
    assert alert.order_id == "ord_1"
    assert alert.account_id == "acc_demo_margin"
    assert alert.symbol == "ZVZZT"
    assert "insufficient buying power" in alert.message
    assert alert.time == T0


@pytest.mark.parametrize(
    ("status", "filled", "alerts"),
    [
        (OrderStatus.PARTIALLY_FILLED, "40", [AlertKind.PARTIAL_FILL]),
        (OrderStatus.CANCELLED, "40", [AlertKind.PARTIAL_FILL]),
        (OrderStatus.EXPIRED, "40", [AlertKind.PARTIAL_FILL]),
        (OrderStatus.CANCELLED, "0", []),
        (OrderStatus.FILLED, "100", []),
        (OrderStatus.WORKING, "0", []),
    ],
    ids=[
        "still-filling",
        "cancelled-after-part",
        "expired-after-part",
        "cancelled-unfilled",
        "filled",
        "working",
    ],
)
def test_partial_fill_conditions(status: OrderStatus, filled: str, alerts: list[AlertKind]) -> None:
    """An order that is partly filled, or ended with only part filled, alerts; others do not."""
    monitor, _ = monitor_with()
    order = make_order(
        status=status,
        filled_qty=Decimal(filled),
        remaining_qty=Decimal(100) - Decimal(filled),
        avg_fill_price=Decimal("12.5") if filled != "0" else None,
    )
    assert [a.kind for a in monitor.observe_order(order)] == alerts


def test_partial_fill_alerts_once_per_order_while_it_keeps_filling() -> None:
    """Successive partial fills of one order raise one alert; another order raises its own."""
    monitor, received = monitor_with()
    fill = Fill(fill_id="f1", time=T0, quantity=Decimal(33), price=Decimal("12.5"))
    for filled in ("33", "66"):
        monitor.observe_order(
            make_order(
                status=OrderStatus.PARTIALLY_FILLED,
                filled_qty=Decimal(filled),
                remaining_qty=Decimal(100) - Decimal(filled),
                avg_fill_price=Decimal("12.5"),
                fills=(fill,),
            )
        )
    monitor.observe_order(
        make_order(order_id="ord_2", status=OrderStatus.PARTIALLY_FILLED, filled_qty=Decimal(1))
    )
    assert [(a.kind, a.order_id) for a in received] == [
        (AlertKind.PARTIAL_FILL, "ord_1"),
        (AlertKind.PARTIAL_FILL, "ord_2"),
    ]
    assert received[0].details["filled_qty"] == "33"
    assert "33 of 100" in received[0].message


def test_rejection_and_partial_fill_of_one_order_are_separate_conditions() -> None:
    """One order can raise both a partial-fill and a rejection alert, each once."""
    monitor, received = monitor_with()
    monitor.observe_order(make_order(status=OrderStatus.PARTIALLY_FILLED, filled_qty=Decimal(10)))
    monitor.observe_order(make_order(status=OrderStatus.REJECTED, filled_qty=Decimal(10)))
    monitor.observe_order(make_order(status=OrderStatus.REJECTED, filled_qty=Decimal(10)))
    assert [a.kind for a in received] == [AlertKind.PARTIAL_FILL, AlertKind.ORDER_REJECTED]


@pytest.mark.parametrize(
    ("field", "before", "after", "alerts"),
    [
        ("buying_power", "100000", "89000", 1),
        ("buying_power", "100000", "91000", 0),
        ("buying_power", "100000", "90000", 0),
        ("buying_power", "100000", "111000", 1),
        ("margin_used", "10000", "11500", 1),
        ("margin_used", "10000", "10500", 0),
        ("margin_used", "0", "1", 1),
    ],
    ids=[
        "bp-fell-11pct",
        "bp-fell-9pct",
        "bp-exactly-threshold",
        "bp-rose-11pct",
        "margin-rose-15pct",
        "margin-rose-5pct",
        "margin-from-zero",
    ],
)
def test_margin_change_past_threshold(field: str, before: str, after: str, alerts: int) -> None:
    """A watched balance figure moving by more than the threshold (10%) alerts; a smaller
    move or one exactly at the threshold does not."""
    monitor, received = monitor_with()
    monitor.observe_balance(make_balance(**{field: Decimal(before)}))
    monitor.observe_balance(make_balance(**{field: Decimal(after)}))
    assert [a.kind for a in received] == [AlertKind.MARGIN_CHANGE] * alerts
    if alerts:
        assert received[0].details == {
            "field": field,
            "before": before,
            "after": after,
            "change_percent": received[0].details["change_percent"],
        }


def test_slow_drift_alerts_once_it_has_moved_far_enough() -> None:
    """Small steps are measured from the value last alerted on, so a drift of 4% per step
    alerts on the third step, and then not again until it moves 10% further."""
    monitor, received = monitor_with()
    for buying_power in ("100000", "96000", "92000", "88000", "84000", "80000"):
        monitor.observe_balance(make_balance(buying_power=Decimal(buying_power)))
    assert [a.details["after"] for a in received] == ["88000"]
    monitor.observe_balance(make_balance(buying_power=Decimal(79000)))
    assert [a.details["after"] for a in received] == ["88000", "79000"]
    assert "fell" in received[1].message


def test_buying_power_floor_alerts_on_each_crossing() -> None:
    """Falling below the floor alerts once; staying below does not; rising back above and
    falling again alerts again."""
    thresholds = MarginThresholds(change_percent=Decimal(1000), buying_power_floor=Decimal(5000))
    monitor, received = monitor_with(thresholds=thresholds)
    for buying_power in ("6000", "4000", "3000", "7000", "4500"):
        monitor.observe_balance(make_balance(buying_power=Decimal(buying_power)))
    assert [(a.kind, a.details["buying_power"]) for a in received] == [
        (AlertKind.BUYING_POWER_FLOOR, "4000"),
        (AlertKind.BUYING_POWER_FLOOR, "4500"),
    ]


def test_margin_state_is_per_account() -> None:
    """One account's baseline does not count for another's."""
    monitor, received = monitor_with()
    monitor.observe_balance(make_balance(account_id="a", buying_power=Decimal(100)))
    monitor.observe_balance(make_balance(account_id="b", buying_power=Decimal(50)))
    assert received == []
    monitor.observe_balance(make_balance(account_id="b", buying_power=Decimal(40)))
    assert [a.account_id for a in received] == ["b"]


def test_cash_account_without_margin_figure_is_not_a_change() -> None:
    """A balance whose broker omits margin used never alerts on that figure."""
    monitor, received = monitor_with()
    monitor.observe_balance(make_balance(margin_used=None))
    monitor.observe_balance(make_balance(margin_used=None))
    monitor.observe_balance(make_balance(margin_used=Decimal(10000)))
    assert received == []


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "above 0"), ("-5", "above 0"), ("abc", "not a number"), ("NaN", "finite")],
    ids=["zero", "negative", "text", "nan"],
)
def test_thresholds_are_validated(value: str, message: str) -> None:
    """A threshold that is not a positive number is refused with a message naming it."""
    with pytest.raises(ValueError, match=message) as caught:
        MarginThresholds(change_percent=value)  # type: ignore[arg-type]
    assert "change_percent" in str(caught.value)


def test_thresholds_accept_text_as_exact_decimals() -> None:
    """Thresholds given as text become exact Decimals."""
    thresholds = MarginThresholds(
        change_percent="12.5",  # type: ignore[arg-type]
        buying_power_floor="2500.10",  # type: ignore[arg-type]
    )
    assert thresholds.change_percent == Decimal("12.5")
    assert thresholds.buying_power_floor == Decimal("2500.10")


class StreamState(enum.Enum):
    """A stream client's own state enum, as the monitor may be handed one."""

    CONNECTED = "CONNECTED"
    RECONNECTING = "RECONNECTING"


def test_stream_disconnect_alerts_once_per_outage() -> None:
    """A stream going down alerts once until it is connected again, across reconnect
    attempts; enum members and strings in any case are understood."""
    monitor, received = monitor_with()
    monitor.observe_stream_state("connecting", "connected")
    monitor.observe_stream_state(StreamState.CONNECTED, StreamState.RECONNECTING, "socket closed")
    monitor.observe_stream_state("reconnecting", "Connecting")
    monitor.observe_stream_state("connecting", "DISCONNECTED", "refused")
    assert len(received) == 1
    assert received[0].kind == AlertKind.STREAM_DISCONNECTED
    assert received[0].details == {
        "stream": "stream",
        "old_state": "connected",
        "new_state": "reconnecting",
        "reason": "socket closed",
    }
    monitor.observe_stream_state("connecting", "connected")
    monitor.observe_stream_state("connected", "closed")
    assert len(received) == 2


def test_streams_are_tracked_separately() -> None:
    """An outage of one stream does not hide an outage of another."""
    monitor, received = monitor_with()
    monitor.observe_stream_state("connected", "disconnected", stream="account")
    monitor.observe_stream_state("connected", "disconnected", stream="market-data")
    assert [a.details["stream"] for a in received] == ["account", "market-data"]


def test_failing_callback_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    """A callback that raises is logged; the callbacks after it still get the alert."""
    after: list[Alert] = []

    def broken(alert: Alert) -> None:
        raise RuntimeError("pager down")

    monitor = AlertMonitor(callbacks=[broken, after.append], clock=lambda: T0)
    with caplog.at_level(logging.WARNING, logger="connecttrade.agent.alerts"):
        monitor.observe_order(make_order(status=OrderStatus.REJECTED))
    assert [a.kind for a in after] == [AlertKind.ORDER_REJECTED]
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 1
    assert "callback" in failures[0].getMessage()
    assert failures[0].exc_info is not None


def test_alerts_reach_the_log_and_the_audit_sink(caplog: pytest.LogCaptureFixture) -> None:
    """Every alert is logged at WARNING and recorded as a system ``alert`` entry with
    decision ``info``, its kind as the rule and the alert as the result."""
    audit = RecordingAudit()
    monitor, _ = monitor_with(audit=audit)
    with caplog.at_level(logging.WARNING, logger="connecttrade.agent.alerts"):
        monitor.observe_order(make_order(status=OrderStatus.REJECTED, reject_reason="halted"))
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "order_rejected" in caplog.records[0].getMessage()
    [entry] = audit.entries
    assert entry["action"] == "alert"
    assert entry["decision"] == "info"
    assert entry["level"] == "system"
    assert entry["actor"] == "alert-monitor"
    assert entry["rule"] == "order_rejected"
    assert entry["inputs"] == {
        "kind": "order_rejected",
        "account_id": "acc_demo_margin",
        "order_id": "ord_1",
    }
    assert entry["result"]["time"] == T0.isoformat()
    assert "halted" in entry["reason"]


def test_failing_audit_sink_still_delivers(caplog: pytest.LogCaptureFixture) -> None:
    """When the audit log cannot be written the failure is logged and callbacks still run."""

    class BrokenAudit:
        def append(self, **kwargs: Any) -> None:
            raise OSError("disk full")

    received: list[Alert] = []
    monitor = AlertMonitor(callbacks=[received.append], audit=BrokenAudit())
    with caplog.at_level(logging.WARNING, logger="connecttrade.agent.alerts"):
        monitor.observe_stream_state("connected", "lost")
    assert len(received) == 1
    assert any("audit log" in r.getMessage() for r in caplog.records)


def test_callback_added_later_gets_later_alerts_and_history_keeps_all() -> None:
    """``add_callback`` applies to alerts after it; ``alerts`` lists every alert so far."""
    monitor = AlertMonitor(clock=lambda: T0 + dt.timedelta(seconds=1))
    monitor.observe_stream_state("connected", "lost", stream="a")
    late: list[Alert] = []
    monitor.add_callback(late.append)
    monitor.observe_stream_state("connected", "lost", stream="b")
    assert [a.details["stream"] for a in late] == ["b"]
    assert [a.details["stream"] for a in monitor.alerts] == ["a", "b"]
    assert "alerts=2" in repr(monitor)
