"""The daily activity report: what the agent did (audit log) and what it came to (broker).

```python
report = build_daily_report("audit.jsonl", client, dt.date(2026, 3, 2),
                            tz="America/New_York")
Path("report.md").write_text(report.markdown)
Path("report.html").write_text(report.html)     # self-contained, inline SVG chart
```

From the audit log: calls, orders prepared, confirmed and refused, and alerts per hour of
the day in ``tz``; refusals by the rule that decided them; the log's hash-chain check
(:func:`~connecttrade.agent.audit.verify_audit_log`).
From the broker (REST): the day's fills and fees, the trading P&L through the day (method
in :data:`~connecttrade.agent.report.pnl.PNL_METHOD`), the day's orders by status, and
current positions and balances. A broker error does not stop the report: the audit part
is still made and the error is shown where the broker part would be.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from connecttrade._exceptions import ConnectTradeError
from connecttrade.agent.audit import VerifyResult, verify_audit_log
from connecttrade.agent.report import render as report_render
from connecttrade.agent.report.activity import AuditEvent, HourActivity
from connecttrade.agent.report.pnl import (
    IntradayPnl,
    SymbolKey,
    hour_starts,
    intraday_pnl,
)
from connecttrade.types.results import Balance, Order, Position, Transaction

if TYPE_CHECKING:
    from connecttrade.rest.client import Client

__all__ = [
    "DailyReport",
    "build_daily_report",
    "resolve_timezone",
]

#: Decisions that mean the guard did not do what was asked.
REFUSED_DECISIONS: Final = frozenset({"refused", "halted", "expired"})
PREPARE_ACTIONS: Final = frozenset({"prepare_order"})
CONFIRM_ACTIONS: Final = frozenset({"confirm_order"})
ALERT_ACTION: Final = "alert"
_ONE_DAY: Final = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DailyReport:
    """A day's report as data; ``markdown``, ``html`` and ``chart_svg`` render it."""

    day: dt.date
    timezone: str
    generated_at: dt.datetime
    audit_log: str
    account_ids: tuple[str, ...]
    hours: tuple[HourActivity, ...]
    totals: Mapping[str, int]
    refusals_by_rule: tuple[tuple[str, int], ...]
    refusals: tuple[AuditEvent, ...]
    alerts: tuple[AuditEvent, ...]
    audit_check: VerifyResult
    pnl: IntradayPnl | None = None
    broker_daily_pl: Mapping[str, Decimal | None] = field(default_factory=dict)
    orders_by_status: tuple[tuple[str, int], ...] = ()
    positions: tuple[Position, ...] = ()
    balances: tuple[Balance, ...] = ()
    broker_error: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def markdown(self) -> str:
        """The report as Markdown (tables; the chart embedded as an SVG data URI)."""
        return report_render.markdown(self)

    @property
    def html(self) -> str:
        """The report as one self-contained HTML page (inline CSS and SVG, text escaped)."""
        return report_render.html(self)

    @property
    def chart_svg(self) -> str:
        """The chart of P&L and activity through the day, as an SVG document."""
        return report_render.chart(self)


def resolve_timezone(tz: str | dt.tzinfo) -> dt.tzinfo:
    """A time zone from an IANA name (``"America/New_York"``) or a ``tzinfo``."""
    if isinstance(tz, dt.tzinfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"tz: {tz!r} is not a known IANA time zone") from None


def _zone_name(tz: dt.tzinfo) -> str:
    return getattr(tz, "key", None) or str(tz)


def build_daily_report(
    audit_log_path: str | os.PathLike[str],
    client: Client | None,
    day: dt.date,
    account_ids: Iterable[str] | None = None,
    tz: str | dt.tzinfo = "America/New_York",
    *,
    now: dt.datetime | None = None,
) -> DailyReport:
    """Build the report of ``day`` (midnight to midnight in ``tz``).

    ``account_ids`` limits the broker part and the audit entries that name an account
    (default: every account of the client's user, and every entry). ``client`` ``None``
    makes an audit-only report. ``now`` (default: the wall clock) is when the report is
    made: a day still running is charted up to it and marked at current prices.
    """
    zone = resolve_timezone(tz)
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(day + _ONE_DAY, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    as_of = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    wanted = None if account_ids is None else tuple(account_ids)
    path = Path(audit_log_path)

    entries, unreadable = _read_entries(path)
    in_day = [
        (time, entry)
        for time, entry in entries
        if start <= time < end and (wanted is None or _entry_account(entry) in (None, *wanted))
    ]
    notes: list[str] = []
    if unreadable:
        notes.append(f"{unreadable} line(s) of the audit log could not be read and are left out.")

    broker = _BrokerPart()
    if client is None:
        notes.append("No broker client was given: the report shows the audit log only.")
    else:
        try:
            broker = _read_broker(client, wanted=wanted, day=day, start=start, end=end, as_of=as_of)
        except ConnectTradeError as exc:
            broker = _BrokerPart(error=f"{type(exc).__name__}: {exc}")
    if broker.pnl is not None and any(s.mark_source != "broker" for s in broker.pnl.by_symbol):
        notes.append("Symbols without a current broker price are marked at their last fill price.")

    hours = _hourly_activity(in_day, hour_starts(start, end), zone)
    refusals = [
        _event(time, e, zone) for time, e in in_day if e.get("decision") in REFUSED_DECISIONS
    ]
    return DailyReport(
        day=day,
        timezone=_zone_name(zone),
        generated_at=as_of.astimezone(zone),
        audit_log=str(path),
        account_ids=broker.account_ids or (wanted or ()),
        hours=tuple(hours),
        totals=_totals(in_day, hours),
        refusals_by_rule=tuple(Counter(r.rule or "(no rule)" for r in refusals).most_common()),
        refusals=tuple(refusals),
        alerts=tuple(
            _event(time, e, zone) for time, e in in_day if e.get("action") == ALERT_ACTION
        ),
        audit_check=verify_audit_log(path),
        pnl=broker.pnl,
        broker_daily_pl=broker.daily_pl,
        orders_by_status=broker.orders_by_status,
        positions=broker.positions,
        balances=broker.balances,
        broker_error=broker.error,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------- audit log
def _read_entries(path: Path) -> tuple[list[tuple[dt.datetime, Mapping[str, Any]]], int]:
    """Every readable entry with its time (UTC), and how many lines could not be read.

    Tolerant on purpose: a damaged log still gets a report, whose check says it is damaged.
    """
    if not path.exists():
        return [], 0
    entries: list[tuple[dt.datetime, Mapping[str, Any]]] = []
    unreadable = 0
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                time = dt.datetime.fromisoformat(str(entry["time"]))
            except (ValueError, TypeError, KeyError):
                unreadable += 1
                continue
            if not isinstance(entry, dict):
                unreadable += 1
                continue
            if time.tzinfo is None:
                time = time.replace(tzinfo=dt.UTC)
            entries.append((time.astimezone(dt.UTC), entry))
    return entries, unreadable


def _entry_account(entry: Mapping[str, Any]) -> str | None:
    for part in ("inputs", "result"):
        value = entry.get(part)
        if isinstance(value, Mapping) and isinstance(value.get("account_id"), str):
            return str(value["account_id"])
    return None


def _event(time: dt.datetime, entry: Mapping[str, Any], zone: dt.tzinfo) -> AuditEvent:
    def text(key: str) -> str | None:
        value = entry.get(key)
        return None if value is None else str(value)

    return AuditEvent(
        time=time.astimezone(zone),
        actor=text("actor") or "?",
        action=text("action") or "?",
        decision=text("decision") or "?",
        rule=text("rule"),
        reason=text("reason"),
    )


def _hourly_activity(
    entries: list[tuple[dt.datetime, Mapping[str, Any]]],
    starts: list[dt.datetime],
    zone: dt.tzinfo,
) -> list[HourActivity]:
    counts = [Counter[str]() for _ in starts]
    for time, entry in entries:
        index = int((time - starts[0]).total_seconds() // 3600)
        action, decision = entry.get("action"), entry.get("decision")
        bucket = counts[index]
        bucket["calls"] += 1
        if action in PREPARE_ACTIONS and decision in ("allowed", "pending_approval"):
            bucket["prepared"] += 1
        if action in CONFIRM_ACTIONS and decision == "allowed":
            bucket["confirmed"] += 1
        if decision in REFUSED_DECISIONS:
            bucket["refused"] += 1
        if action == ALERT_ACTION:
            bucket["alerts"] += 1
        if decision == "error":
            bucket["errors"] += 1
    return [
        HourActivity(start=start.astimezone(zone), **dict(count))
        for start, count in zip(starts, counts, strict=True)
    ]


def _totals(
    entries: list[tuple[dt.datetime, Mapping[str, Any]]], hours: list[HourActivity]
) -> dict[str, int]:
    totals = {
        name: sum(getattr(hour, name) for hour in hours)
        for name in ("calls", "prepared", "confirmed", "refused", "alerts", "errors")
    }
    totals["pending_approval"] = sum(
        1 for _, e in entries if e.get("decision") == "pending_approval"
    )
    return totals


# ---------------------------------------------------------------------- broker state
@dataclass(frozen=True, slots=True)
class _BrokerPart:
    account_ids: tuple[str, ...] = ()
    pnl: IntradayPnl | None = None
    daily_pl: Mapping[str, Decimal | None] = field(default_factory=dict)
    orders_by_status: tuple[tuple[str, int], ...] = ()
    positions: tuple[Position, ...] = ()
    balances: tuple[Balance, ...] = ()
    error: str | None = None


def _read_broker(
    client: Client,
    *,
    wanted: tuple[str, ...] | None,
    day: dt.date,
    start: dt.datetime,
    end: dt.datetime,
    as_of: dt.datetime,
) -> _BrokerPart:
    accounts = wanted if wanted is not None else tuple(a.account_id for a in client.accounts.list())
    transactions: list[Transaction] = []
    orders: list[Order] = []
    positions: list[Position] = []
    balances: list[Balance] = []
    for account_id in accounts:
        # Trade dates are the broker's; a day in a far time zone can straddle two of them.
        transactions += client.transactions.list(
            account_id, start_date=day - _ONE_DAY, end_date=day + _ONE_DAY, sort="asc"
        )
        orders += client.orders.list(account_id, status="all", start_time=start, end_time=end)
        positions += client.positions.list(account_id=account_id)
        balances += client.balances.list(account_id=account_id)
    marks: dict[SymbolKey, Decimal] = {}
    multipliers: dict[SymbolKey, Decimal] = {}
    for position in positions:
        key = (position.account_id, position.symbol)
        multipliers[key] = position.multiplier
        if position.last_price is not None:
            marks[key] = position.last_price
    pnl = intraday_pnl(
        transactions, start=start, end=end, as_of=as_of, marks=marks, multipliers=multipliers
    )
    return _BrokerPart(
        account_ids=tuple(accounts),
        pnl=pnl,
        daily_pl={b.account_id: b.daily_pl for b in balances},
        orders_by_status=tuple(Counter(str(o.status) for o in orders).most_common()),
        positions=tuple(positions),
        balances=tuple(balances),
    )
