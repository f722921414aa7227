"""build_daily_report: activity from the audit log, P&L and state from the mock broker."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from connecttrade import Client, market
from connecttrade.agent.report import build_daily_report
from connecttrade_mock.pytest_plugin import MockBrokerFixture

from .agent_report_fakes import write_audit_log
from .demo_clients import sdk_client

NEW_YORK = ZoneInfo("America/New_York")
DAY = dt.date(2026, 3, 2)
MARGIN, CASH = "acc_demo_margin", "acc_demo_cash"


def ny(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    """A New York wall-clock moment of ``day``."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NEW_YORK)


def mock_now(mock: MockBrokerFixture) -> dt.datetime:
    """The mock broker's current simulated time."""
    return dt.datetime.fromisoformat(mock.control.state()["now"])


AUDIT_DAY: list[dict[str, Any]] = [
    dict(time=ny(10, 5), action="prepare_order", decision="allowed", level="prepare",
         inputs={"account_id": MARGIN}),
    dict(time=ny(10, 6), action="confirm_order", decision="allowed", inputs={}),
    dict(time=ny(10, 10), action="prepare_order", decision="pending_approval", level="prepare"),
    dict(time=ny(11, 30), action="prepare_order", decision="refused", level="prepare",
         rule="symbol_allowlist", reason="'TSLA' is not on the allowlist"),
    dict(time=ny(11, 40), action="confirm_order", decision="halted", rule="halted",
         reason="execution is halted"),
    dict(time=ny(12, 0), action="confirm_order", decision="expired",
         rule="confirmation_expired", reason="cf_1 expired"),
    dict(time=ny(12, 5), action="alert", decision="info", level="system",
         rule="order_rejected", reason="Order ord_1 was rejected"),
    dict(time=ny(12, 10), action="get_positions", decision="error", level="read",
         rule="api_error", reason="InternalServerError"),
    dict(time=ny(12, 20), action="prepare_order", decision="refused", level="prepare",
         rule="symbol_allowlist", inputs={"account_id": "acc_elsewhere"}),
    dict(time=ny(23, 59, DAY - dt.timedelta(days=1)), action="prepare_order",
         decision="refused", rule="max_notional"),
    dict(time=ny(0, 0, DAY + dt.timedelta(days=1)), action="prepare_order",
         decision="refused", rule="max_notional"),
]  # fmt: skip


def test_activity_per_hour_and_refusals_by_rule(tmp_path: Path) -> None:
    """Entries are counted in the hour of the day (in the report's zone) they fall in:
    prepared, confirmed, refused (refused, halted, expired), alerts and errors; entries of
    other days and of accounts not reported are left out; refusals are grouped by rule."""
    log = tmp_path / "audit.jsonl"
    write_audit_log(log, AUDIT_DAY)
    report = build_daily_report(log, None, DAY, [MARGIN], "America/New_York", now=ny(18))
    by_hour = {h.start.hour: h for h in report.hours if h.calls}
    assert sorted(by_hour) == [10, 11, 12]
    assert (by_hour[10].prepared, by_hour[10].confirmed, by_hour[10].refused) == (2, 1, 0)
    assert (by_hour[11].refused, by_hour[11].calls) == (2, 2)
    assert (by_hour[12].refused, by_hour[12].alerts, by_hour[12].errors) == (1, 1, 1)
    assert report.totals == {
        "calls": 8,
        "prepared": 2,
        "confirmed": 1,
        "refused": 3,
        "alerts": 1,
        "errors": 1,
        "pending_approval": 1,
    }
    assert report.refusals_by_rule == (
        ("symbol_allowlist", 1),
        ("halted", 1),
        ("confirmation_expired", 1),
    )
    assert [a.reason for a in report.alerts] == ["Order ord_1 was rejected"]
    assert report.audit_check.ok
    assert report.pnl is None
    assert any("audit log only" in note for note in report.notes)
    assert "audit.jsonl only (no broker state)." in report.markdown
    assert "No broker data: P&amp;L not available" in report.chart_svg


def test_hours_of_the_report_follow_its_time_zone(tmp_path: Path) -> None:
    """The same log read in UTC puts 10:05 New York (15:05 UTC) in the 15:00 hour."""
    log = tmp_path / "audit.jsonl"
    write_audit_log(log, AUDIT_DAY[:1])
    report = build_daily_report(log, None, DAY, None, "UTC", now=ny(18))
    assert [h.start.hour for h in report.hours if h.calls] == [15]
    assert report.timezone == "UTC"


def test_edited_audit_line_is_reported_and_the_report_still_renders(tmp_path: Path) -> None:
    """Changing one line of the log makes the report's chain check fail at that line, and
    both formats say so prominently."""
    log = tmp_path / "audit.jsonl"
    write_audit_log(log, AUDIT_DAY[:4])
    lines = log.read_text(encoding="utf-8").splitlines()
    edited = json.loads(lines[1])
    edited["decision"] = "refused"
    lines[1] = json.dumps(edited)
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = build_daily_report(log, None, DAY, None, "America/New_York", now=ny(18))
    assert not report.audit_check.ok
    assert report.audit_check.line == 2
    assert "**ATTENTION** Hash chain check: BAD line 2" in report.markdown
    assert '<p class="bad"><span class="badge">ATTENTION</span>' in report.html


def test_unreadable_and_missing_logs_still_give_a_report(tmp_path: Path) -> None:
    """A line that is not JSON is left out and noted; a log that does not exist gives an
    empty report whose check says so."""
    log = tmp_path / "audit.jsonl"
    write_audit_log(log, AUDIT_DAY[:2])
    with open(log, "a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    report = build_daily_report(log, None, DAY, None, "America/New_York", now=ny(18))
    assert report.totals["calls"] == 2
    assert any("1 line(s)" in note for note in report.notes)
    assert not report.audit_check.ok
    missing = build_daily_report(tmp_path / "none.jsonl", None, DAY, now=ny(18))
    assert missing.totals["calls"] == 0
    assert "does not exist" in str(missing.audit_check)


def test_unknown_time_zone_is_refused(tmp_path: Path) -> None:
    """A time zone that is not an IANA name is a ValueError naming it."""
    with pytest.raises(ValueError, match="Mars/Olympus"):
        build_daily_report(tmp_path / "a.jsonl", None, DAY, None, "Mars/Olympus")


def test_trading_pnl_from_fills_matches_the_brokers_daily_pnl(
    mock_broker: MockBrokerFixture, client: Client, tmp_path: Path
) -> None:
    """On a fresh account (nothing carried in) the report's trading P&L per account equals
    the daily P&L the broker reports; fills, orders and positions are the broker's."""
    client.orders.place(market("AAPL", 10, side="BUY"), account_id=MARGIN)
    mock_broker.control.advance(3600)
    client.orders.place(market("AAPL", 4, side="SELL"), account_id=MARGIN)
    client.orders.place(market("ZXZZT", 1, side="BUY"), account_id=MARGIN)
    mock_broker.control.advance(1800)
    client.orders.place(market("MSFT", 3, side="BUY"), account_id=CASH)
    mock_broker.control.advance(5400)
    now = mock_now(mock_broker)
    log = tmp_path / "audit.jsonl"
    write_audit_log(log, [dict(time=now, action="get_positions", decision="allowed")])
    report = build_daily_report(log, client, now.astimezone(NEW_YORK).date(), now=now)
    balances = {b.account_id: b for b in client.balances.list()}
    assert report.broker_error is None
    assert report.pnl is not None
    per_account: dict[str, Decimal] = {}
    for symbol in report.pnl.by_symbol:
        per_account[symbol.account_id] = per_account.get(symbol.account_id, Decimal(0)) + symbol.pnl
        assert symbol.mark_source == "broker"
    assert per_account == {MARGIN: balances[MARGIN].daily_pl, CASH: balances[CASH].daily_pl}
    assert report.pnl.total == sum(per_account.values())
    assert report.pnl.total != 0  # prices moved, so the comparison is not trivially 0 == 0
    assert [(f.symbol, f.quantity) for f in report.pnl.fills] == [
        ("AAPL", Decimal(10)),
        ("AAPL", Decimal(4)),
        ("MSFT", Decimal(3)),
    ]
    assert dict(report.orders_by_status) == {"filled": 3, "rejected": 1}
    assert {(p.account_id, p.symbol) for p in report.positions} == {
        (MARGIN, "AAPL"),
        (CASH, "MSFT"),
    }
    assert report.pnl.points[-1].time == now
    assert set(report.account_ids) == {MARGIN, CASH}


def test_broker_failure_leaves_the_audit_part_and_says_why(
    mock_broker: MockBrokerFixture, tmp_path: Path
) -> None:
    """When the broker cannot be read the report is still made from the audit log and
    shows the broker's error in place of its state."""
    log = tmp_path / "audit.jsonl"
    write_audit_log(log, AUDIT_DAY[:3])
    mock_broker.control.faults(fail_next=1, error_status=500)
    with sdk_client(mock_broker) as flaky:  # no retries: the failure reaches the report
        report = build_daily_report(log, flaky, DAY, [MARGIN], now=ny(18))
    assert report.broker_error is not None
    assert report.broker_error.startswith("InternalServerError")
    assert report.totals["calls"] == 3
    assert "Broker state unavailable: InternalServerError" in report.markdown
