"""Markdown and HTML for a :class:`~connecttrade.agent.report.DailyReport`.

The report is first laid out as blocks (headings, paragraphs, tables, the chart), then each
block is written in either format, so both carry the same content. Every piece of text
that came from the audit log or the broker is escaped for the format it lands in.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from html import escape
from typing import TYPE_CHECKING, Final, Protocol, TypeAlias

from connecttrade.agent.report.chart import ChartInput, activity_pnl_chart
from connecttrade.agent.report.pnl import PNL_METHOD, hourly_values

if TYPE_CHECKING:
    from collections.abc import Mapping

    from connecttrade.agent.audit import VerifyResult
    from connecttrade.agent.report.activity import AuditEvent, HourActivity
    from connecttrade.agent.report.pnl import IntradayPnl
    from connecttrade.types.results import Balance, Position

__all__ = ["chart", "html", "markdown"]


class ReportView(Protocol):
    """What rendering reads of a :class:`~connecttrade.agent.report.DailyReport`.

    A protocol rather than the class itself: the report's ``markdown`` and ``html`` call
    this module, so naming the class here would make the two import each other.
    """

    @property
    def day(self) -> dt.date: ...
    @property
    def timezone(self) -> str: ...
    @property
    def generated_at(self) -> dt.datetime: ...
    @property
    def audit_log(self) -> str: ...
    @property
    def account_ids(self) -> tuple[str, ...]: ...
    @property
    def hours(self) -> tuple[HourActivity, ...]: ...
    @property
    def totals(self) -> Mapping[str, int]: ...
    @property
    def refusals_by_rule(self) -> tuple[tuple[str, int], ...]: ...
    @property
    def refusals(self) -> tuple[AuditEvent, ...]: ...
    @property
    def alerts(self) -> tuple[AuditEvent, ...]: ...
    @property
    def audit_check(self) -> VerifyResult: ...
    @property
    def pnl(self) -> IntradayPnl | None: ...
    @property
    def broker_daily_pl(self) -> Mapping[str, Decimal | None]: ...
    @property
    def orders_by_status(self) -> tuple[tuple[str, int], ...]: ...
    @property
    def positions(self) -> tuple[Position, ...]: ...
    @property
    def balances(self) -> tuple[Balance, ...]: ...
    @property
    def broker_error(self) -> str | None: ...
    @property
    def notes(self) -> tuple[str, ...]: ...


LISTED_EVENTS: Final = 50
_CENT: Final = Decimal("0.01")
# Markdown punctuation that could start markup; "_" only where it could start emphasis
# (not inside words like acc_demo_margin), "&" only where it would form an entity.
_MD_SPECIAL: Final = re.compile(r"[\\`*\[\]|~<>]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|&(?=#?\w+;)")


@dataclass(frozen=True, slots=True)
class _Heading:
    text: str
    level: int = 2


@dataclass(frozen=True, slots=True)
class _Paragraph:
    text: str
    status: str | None = None  # "ok" or "bad": shown as a coloured badge in HTML


@dataclass(frozen=True, slots=True)
class _Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class _Chart:
    svg: str
    caption: str


_Block: TypeAlias = _Heading | _Paragraph | _Table | _Chart


def money(value: Decimal | None) -> str:
    """Money for display: grouped thousands, two places (rounded half to even)."""
    if value is None:
        return "n/a"
    return f"{value.quantize(_CENT, rounding=ROUND_HALF_EVEN):,}"


def amount(value: Decimal | None) -> str:
    """A price or quantity for display: exact, without trailing zeros or exponent."""
    if value is None:
        return "n/a"
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def chart(report: ReportView) -> str:
    """The report's SVG chart."""
    currency = report.balances[0].currency if report.balances else "USD"
    return activity_pnl_chart(
        ChartInput(
            title=f"Activity and trading P&L, {report.day.isoformat()} ({report.timezone})",
            hour_starts=[hour.start for hour in report.hours],
            counts=[
                {
                    "prepared": h.prepared,
                    "confirmed": h.confirmed,
                    "refused": h.refused,
                    "alerts": h.alerts,
                }
                for h in report.hours
            ],
            pnl=report.pnl.points if report.pnl is not None else (),
            currency=currency,
        )
    )


def _time(moment: dt.datetime) -> str:
    return f"{moment:%H:%M:%S}"


def _blocks(report: ReportView) -> list[_Block]:
    blocks: list[_Block] = [
        _Heading(f"Daily activity report: {report.day.isoformat()} ({report.timezone})", 1),
        _Paragraph(
            f"Generated {report.generated_at:%Y-%m-%d %H:%M %Z} from the audit log "
            f"{report.audit_log}"
            + (
                f" and the broker's state for accounts {', '.join(report.account_ids)}."
                if report.pnl is not None
                else " only (no broker state)."
            )
        ),
        _Heading("Audit log"),
        _Paragraph(
            f"Hash chain check: {report.audit_check}",
            status="ok" if report.audit_check.ok else "bad",
        ),
    ]
    totals = report.totals
    pnl = report.pnl
    blocks += [
        _Heading("Totals"),
        _Table(
            (
                "Calls",
                "Prepared",
                "Confirmed",
                "Refused",
                "Pending approval",
                "Alerts",
                "Errors",
                "Trading P&L",
                "Fees",
            ),
            (
                (
                    str(totals["calls"]),
                    str(totals["prepared"]),
                    str(totals["confirmed"]),
                    str(totals["refused"]),
                    str(totals["pending_approval"]),
                    str(totals["alerts"]),
                    str(totals["errors"]),
                    money(pnl.total) if pnl else "n/a",
                    money(pnl.fees) if pnl else "n/a",
                ),
            ),
            numeric=frozenset(range(9)),
        ),
        _Chart(chart(report), "Trading P&L through the day (top) and activity per hour (bottom)"),
    ]
    blocks += _hourly_blocks(report)
    blocks += _pnl_blocks(report)
    blocks += _audit_event_blocks(report)
    blocks += _broker_blocks(report)
    if report.notes:
        blocks.append(_Heading("Notes"))
        blocks += [_Paragraph(note) for note in report.notes]
    return blocks


def _hourly_blocks(report: ReportView) -> list[_Block]:
    points = report.pnl.points if report.pnl is not None else ()
    values = hourly_values(points, [h.start for h in report.hours])
    rows = []
    previous = Decimal(0)
    for hour, value in zip(report.hours, values, strict=True):
        moved = value is not None and value != previous
        if hour.calls or moved:
            rows.append(
                (
                    f"{hour.start:%H:%M}",
                    str(hour.calls),
                    str(hour.prepared),
                    str(hour.confirmed),
                    str(hour.refused),
                    str(hour.alerts),
                    money(value),
                )
            )
        if value is not None:
            previous = value
    heading = _Heading("Activity and P&L by hour")
    if not rows:
        return [heading, _Paragraph("No activity and no fills on this day.")]
    return [
        heading,
        _Table(
            ("Hour", "Calls", "Prepared", "Confirmed", "Refused", "Alerts", "P&L at hour end"),
            tuple(rows),
            numeric=frozenset(range(1, 7)),
        ),
    ]


def _pnl_blocks(report: ReportView) -> list[_Block]:
    blocks: list[_Block] = [_Heading("Trading P&L"), _Paragraph(f"Method: {PNL_METHOD}")]
    if report.broker_error is not None:
        blocks.append(_Paragraph(f"Broker state unavailable: {report.broker_error}", "bad"))
        return blocks
    if report.pnl is None:
        return blocks
    if report.pnl.by_symbol:
        blocks.append(
            _Table(
                ("Account", "Symbol", "Bought", "Sold", "Net", "Mark", "Mark from", "Fees", "P&L"),
                tuple(
                    (
                        s.account_id,
                        s.symbol,
                        amount(s.bought),
                        amount(s.sold),
                        amount(s.net_quantity),
                        amount(s.mark),
                        s.mark_source,
                        money(s.fees),
                        money(s.pnl),
                    )
                    for s in report.pnl.by_symbol
                ),
                numeric=frozenset({2, 3, 4, 5, 7, 8}),
            )
        )
    else:
        blocks.append(_Paragraph("No fills on this day."))
    if report.broker_daily_pl:
        blocks.append(
            _Table(
                ("Account", "Broker-reported daily P&L"),
                tuple((account, money(pl)) for account, pl in report.broker_daily_pl.items()),
                numeric=frozenset({1}),
            )
        )
    return blocks


def _listed(count: int) -> str:
    return f" (first {LISTED_EVENTS} of {count})" if count > LISTED_EVENTS else ""


def _audit_event_blocks(report: ReportView) -> list[_Block]:
    blocks: list[_Block] = [_Heading("Refusals by rule")]
    if report.refusals_by_rule:
        blocks.append(
            _Table(
                ("Rule", "Refusals"),
                tuple((rule, str(count)) for rule, count in report.refusals_by_rule),
                numeric=frozenset({1}),
            )
        )
        blocks.append(_Heading(f"Refusals{_listed(len(report.refusals))}", 3))
        blocks.append(
            _Table(
                ("Time", "Actor", "Action", "Decision", "Rule", "Reason"),
                tuple(
                    (
                        _time(e.time),
                        e.actor,
                        e.action,
                        e.decision,
                        e.rule or "",
                        e.reason or "",
                    )
                    for e in report.refusals[:LISTED_EVENTS]
                ),
            )
        )
    else:
        blocks.append(_Paragraph("Nothing was refused."))
    blocks.append(_Heading(f"Alerts{_listed(len(report.alerts))}"))
    if report.alerts:
        blocks.append(
            _Table(
                ("Time", "Condition", "Message"),
                tuple(
                    (_time(e.time), e.rule or "", e.reason or "")
                    for e in report.alerts[:LISTED_EVENTS]
                ),
            )
        )
    else:
        blocks.append(_Paragraph("No alerts."))
    return blocks


def _broker_blocks(report: ReportView) -> list[_Block]:
    if report.broker_error is not None or report.pnl is None:
        return []
    blocks: list[_Block] = [_Heading("Fills")]
    fills = report.pnl.fills
    if fills:
        blocks.append(
            _Table(
                ("Time", "Account", "Symbol", "Side", "Quantity", "Price", "Cash"),
                tuple(
                    (
                        _time(f.time.astimezone(report.generated_at.tzinfo)),
                        f.account_id,
                        f.symbol or "",
                        str(f.side or ""),
                        amount(f.quantity),
                        amount(f.price),
                        money(f.amount),
                    )
                    for f in fills
                ),
                numeric=frozenset({4, 5, 6}),
            )
        )
    else:
        blocks.append(_Paragraph("No fills."))
    blocks.append(_Heading("Orders of the day by status"))
    if report.orders_by_status:
        blocks.append(
            _Table(
                ("Status", "Orders"),
                tuple((status, str(count)) for status, count in report.orders_by_status),
                numeric=frozenset({1}),
            )
        )
    else:
        blocks.append(_Paragraph("No orders."))
    blocks.append(_Heading("Positions now"))
    if report.positions:
        blocks.append(
            _Table(
                (
                    "Account",
                    "Symbol",
                    "Quantity",
                    "Average price",
                    "Last price",
                    "Unrealized P&L",
                    "Daily P&L",
                ),
                tuple(
                    (
                        p.account_id,
                        p.symbol,
                        amount(p.quantity),
                        amount(p.avg_price),
                        amount(p.last_price),
                        money(p.unrealized_pl),
                        money(p.daily_pl),
                    )
                    for p in report.positions
                ),
                numeric=frozenset({2, 3, 4, 5, 6}),
            )
        )
    else:
        blocks.append(_Paragraph("No open positions."))
    blocks.append(_Heading("Balances now"))
    blocks.append(
        _Table(
            ("Account", "Currency", "Cash", "Buying power", "Equity", "Margin used", "Daily P&L"),
            tuple(
                (
                    b.account_id,
                    b.currency,
                    money(b.cash),
                    money(b.buying_power),
                    money(b.equity),
                    money(b.margin_used),
                    money(b.daily_pl),
                )
                for b in report.balances
            ),
            numeric=frozenset({2, 3, 4, 5, 6}),
        )
    )
    return blocks


# ---------------------------------------------------------------------- Markdown
def _md(text: str) -> str:
    """Text safe in a Markdown paragraph or table cell: no markup, no raw HTML, one line."""
    return _MD_SPECIAL.sub(lambda match: "\\" + match.group(0), " ".join(text.split()))


def _md_table(table: _Table) -> list[str]:
    align = tuple("---:" if i in table.numeric else "---" for i in range(len(table.headers)))
    lines = [
        "| " + " | ".join(_md(h) for h in table.headers) + " |",
        "| " + " | ".join(align) + " |",
    ]
    lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in table.rows]
    return lines


def markdown(report: ReportView) -> str:
    """The report as Markdown."""
    lines: list[str] = []
    for block in _blocks(report):
        if isinstance(block, _Heading):
            lines += ["#" * block.level + " " + _md(block.text), ""]
        elif isinstance(block, _Paragraph):
            prefix = {"ok": "**OK** ", "bad": "**ATTENTION** "}.get(block.status or "", "")
            lines += [prefix + _md(block.text), ""]
        elif isinstance(block, _Table):
            lines += [*_md_table(block), ""]
        else:
            data = base64.b64encode(block.svg.encode()).decode()
            lines += [f"![{_md(block.caption)}](data:image/svg+xml;base64,{data})", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------- HTML
_CSS: Final = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #111827;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; } h3 { font-size: 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #d1d5db; padding: 0.25rem 0.6rem; text-align: left;
         vertical-align: top; }
th { background: #f3f4f6; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0.1rem 0.5rem; border-radius: 0.3rem;
         font-weight: 600; margin-right: 0.4rem; }
.ok .badge { background: #dcfce7; color: #166534; }
.bad .badge { background: #fee2e2; color: #991b1b; }
figure { margin: 1rem 0; } figcaption { color: #6b7280; font-size: 0.85rem; }
svg { max-width: 100%; height: auto; }
""".strip()


def _html_table(table: _Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    rows = []
    for row in table.rows:
        cells = "".join(
            f'<td class="num">{escape(c)}</td>' if i in table.numeric else f"<td>{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _html_block(block: _Block) -> str:
    if isinstance(block, _Heading):
        return f"<h{block.level}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, _Paragraph):
        if block.status is None:
            return f"<p>{escape(block.text)}</p>"
        badge = "OK" if block.status == "ok" else "ATTENTION"
        return (
            f'<p class="{block.status}"><span class="badge">{badge}</span>{escape(block.text)}</p>'
        )
    if isinstance(block, _Table):
        return _html_table(block)
    return f"<figure>{block.svg}<figcaption>{escape(block.caption)}</figcaption></figure>"


def html(report: ReportView) -> str:
    """The report as a self-contained HTML page."""
    title = f"Daily activity report {report.day.isoformat()}"
    body = "\n".join(_html_block(block) for block in _blocks(report))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
