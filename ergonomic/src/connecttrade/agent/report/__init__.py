"""The daily activity report: what the guard did, and the day's P&L, as Markdown or HTML.

``daily`` builds the :class:`DailyReport`, ``pnl`` the intraday P&L, ``chart`` the SVG,
``render`` the Markdown and HTML, ``command`` the ``connecttrade-agent report`` command.
"""

from __future__ import annotations

from connecttrade.agent.report.activity import AuditEvent, HourActivity
from connecttrade.agent.report.daily import (
    DailyReport,
    build_daily_report,
    resolve_timezone,
)

__all__ = [
    "AuditEvent",
    "DailyReport",
    "HourActivity",
    "build_daily_report",
    "resolve_timezone",
]
