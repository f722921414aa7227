"""The report's Markdown, HTML and SVG: same content, self-contained, hostile text escaped."""

from __future__ import annotations

import base64
import datetime as dt
import re
import xml.etree.ElementTree as ET  # our own SVG, not untrusted input
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from connecttrade.agent import VerifyResult
from connecttrade.agent.report import DailyReport, HourActivity, build_daily_report
from connecttrade.agent.report.chart import nice_ticks
from connecttrade.agent.report.pnl import intraday_pnl
from connecttrade.agent.report.render import amount, money

from .agent_report_fakes import make_fill, write_audit_log

NEW_YORK = ZoneInfo("America/New_York")
DAY = dt.date(2026, 3, 2)
HOSTILE = "<script>alert(1)</script> | **bold** [link](http://evil.example) `code` _x_"
SVG_NS = "{http://www.w3.org/2000/svg}"


def ny(hour: int, minute: int = 0) -> dt.datetime:
    """A New York wall-clock moment of the test day."""
    return dt.datetime.combine(DAY, dt.time(hour, minute), tzinfo=NEW_YORK)


def hostile_report(tmp_path: Path) -> DailyReport:
    """An audit-only report whose refusal and alert texts try to inject markup."""
    log = tmp_path / "audit.jsonl"
    write_audit_log(
        log,
        [
            dict(time=ny(10), action="prepare_order", decision="allowed", level="prepare"),
            dict(time=ny(10, 1), action="confirm_order", decision="allowed"),
            dict(
                time=ny(11),
                action="prepare_order",
                decision="refused",
                rule="symbol_allowlist",
                reason=HOSTILE,
                actor="agent<b>",
            ),
            dict(
                time=ny(14),
                action="alert",
                decision="info",
                level="system",
                rule="partial_fill",
                reason=HOSTILE,
            ),
        ],
    )
    return build_daily_report(log, None, DAY, None, "America/New_York", now=ny(18))


class _TagCollector(HTMLParser):
    """Collects the tags and attributes of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs


def test_html_is_self_contained_and_escapes_log_text(tmp_path: Path) -> None:
    """The page loads nothing from elsewhere (no scripts, links, sources or URLs besides
    the SVG namespace) and text from the audit log appears only escaped."""
    page = hostile_report(tmp_path).html
    parser = _TagCollector()
    parser.feed(page)
    assert "script" not in parser.tags
    assert not {"link", "img", "iframe", "object", "embed"} & set(parser.tags)
    assert not [name for name, _ in parser.attributes if name in ("src", "href")]
    assert re.findall(r"https?://[^\s\"'<>]+", page.replace("http://evil.example", "")) == [
        "http://www.w3.org/2000/svg"
    ]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "agent&lt;b&gt;" in page
    assert "url(" not in page


def test_markdown_escapes_log_text_and_keeps_table_shape(tmp_path: Path) -> None:
    """Audit text cannot open HTML, links, emphasis or extra table columns in Markdown."""
    text = hostile_report(tmp_path).markdown
    assert "<script>" not in text
    assert r"\<script\>alert(1)\</script\> \| \*\*bold\*\* \[link\](http://evil.example)" in text
    assert r"\`code\` \_x\_" in text
    refusal_rows = [line for line in text.splitlines() if "symbol" in line and "refused" in line]
    [row] = refusal_rows
    assert len(re.split(r"(?<!\\)\|", row)) - 2 == 6  # the refusals table has six columns


def test_markdown_embeds_the_same_chart(tmp_path: Path) -> None:
    """The Markdown carries the chart as an SVG data URI identical to ``chart_svg``."""
    report = hostile_report(tmp_path)
    [encoded] = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", report.markdown)
    assert base64.b64decode(encoded).decode() == report.chart_svg


def test_chart_is_valid_svg_with_one_bar_per_nonzero_count(tmp_path: Path) -> None:
    """The chart parses as XML, has a title, and draws one bar per non-zero hourly count,
    each with a tooltip naming its hour, series and count."""
    report = hostile_report(tmp_path)
    root = ET.fromstring(report.chart_svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG_NS}svg"
    assert "2026-03-02" in (root.findtext(f"{SVG_NS}title") or "")
    bars = [
        rect.findtext(f"{SVG_NS}title") for rect in root.iter(f"{SVG_NS}rect")
        if rect.find(f"{SVG_NS}title") is not None
    ]  # fmt: skip
    assert sorted(bars) == [  # type: ignore[type-var]
        "10:00 Confirmed: 1",
        "10:00 Prepared: 1",
        "11:00 Refused: 1",
        "14:00 Alerts: 1",
    ]


def test_chart_draws_the_pnl_curve_to_its_last_value() -> None:
    """The P&L line is a step path through every point and ends labelled with the total."""
    start = ny(0).astimezone(dt.UTC)
    fills = [
        make_fill(ny(10).astimezone(dt.UTC), "ZVZZT", "BUY", "10", "100"),
        make_fill(ny(11).astimezone(dt.UTC), "ZVZZT", "SELL", "10", "112.345"),
    ]
    pnl = intraday_pnl(
        fills,
        start=start,
        end=start + dt.timedelta(days=1),
        as_of=ny(12).astimezone(dt.UTC),
        marks={},
        multipliers={},
    )
    report = DailyReport(
        day=DAY,
        timezone="America/New_York",
        generated_at=ny(12),
        audit_log="audit.jsonl",
        account_ids=("acc_demo_margin",),
        hours=tuple(
            HourActivity(start=(start + dt.timedelta(hours=h)).astimezone(NEW_YORK))
            for h in range(24)
        ),
        totals={"calls": 0, "prepared": 0, "confirmed": 0, "refused": 0, "alerts": 0,
                "errors": 0, "pending_approval": 0},
        refusals_by_rule=(),
        refusals=(),
        alerts=(),
        audit_check=VerifyResult(ok=True, entries=0),
        pnl=pnl,
    )  # fmt: skip
    root = ET.fromstring(report.chart_svg)  # noqa: S314 - our own output
    [path] = [p for p in root.iter(f"{SVG_NS}path")]
    assert path.get("d", "").count("H") == len(pnl.points) - 1
    labels = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert "123.45" in labels  # 10 * 12.345, shown to the cent
    assert "| 11:00 | 0 | 0 | 0 | 0 | 0 | 123.45 |" in report.markdown


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        ("0", "12.72", ["0", "5", "10", "15"]),
        ("-5.9", "12.72", ["-10", "-5", "0", "5", "10", "15"]),
        ("0", "0", ["-1", "-0.5", "0", "0.5", "1"]),
        ("0", "3", ["0", "1", "2", "3"]),
        ("-250000", "0", ["-300000", "-200000", "-100000", "0"]),
    ],
    ids=["positive", "both-signs", "flat-zero", "counts", "large-loss"],
)
def test_nice_ticks_cover_the_range_in_round_steps(low: str, high: str, ticks: list[str]) -> None:
    """Axis ticks are round numbers (1, 2 or 5 times a power of ten apart) covering the data."""
    found = nice_ticks(Decimal(low), Decimal(high), target=3 if high == "3" else 4)
    assert [Decimal(t) for t in ticks] == found


@pytest.mark.parametrize(
    ("value", "as_money", "as_amount"),
    [
        ("1234.5", "1,234.50", "1234.5"),
        ("-0.005", "-0.00", "-0.005"),
        ("0.015", "0.02", "0.015"),
        ("100", "100.00", "100"),
        ("1.230000000", "1.23", "1.23"),
    ],
    ids=["thousands", "half-even-down", "half-even-up", "integer", "trailing-zeros"],
)
def test_numbers_are_displayed_exactly(value: str, as_money: str, as_amount: str) -> None:
    """Money shows two places, rounded half to even; prices and quantities show exactly."""
    assert money(Decimal(value)) == as_money
    assert amount(Decimal(value)) == as_amount
