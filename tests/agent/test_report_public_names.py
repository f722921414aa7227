"""The public names of the alert, report and MCP modules, pinned."""

from __future__ import annotations

import importlib

import pytest

EXPECTED = {
    "connecttrade.agent.alerts": [
        "DOWN_STREAM_STATES",
        "Alert",
        "AlertCallback",
        "AlertKind",
        "AlertMonitor",
        "AuditSink",
        "MarginThresholds",
    ],
    "connecttrade.agent.report": [
        "AuditEvent",
        "DailyReport",
        "HourActivity",
        "build_daily_report",
        "resolve_timezone",
    ],
    "connecttrade.agent.report.pnl": [
        "PNL_METHOD",
        "IntradayPnl",
        "PnlPoint",
        "SymbolPnl",
        "hour_starts",
        "hourly_values",
        "intraday_pnl",
    ],
    "connecttrade.agent.report.chart": ["SERIES", "ChartInput", "activity_pnl_chart", "nice_ticks"],
    "connecttrade.agent.report.render": ["chart", "html", "markdown"],
    "connecttrade.agent.report.command": ["report_parser", "run_report_command"],
    "connecttrade.agent.mcp_server": ["TOOLS_BY_LEVEL", "create_server", "main", "to_json"],
}


@pytest.mark.parametrize("module", sorted(EXPECTED), ids=lambda name: name.rsplit(".", 1)[-1])
def test_module_exports_exactly_its_public_names(module: str) -> None:
    """Each module's ``__all__`` lists exactly these names (ruff keeps it sorted) and every
    one exists."""
    loaded = importlib.import_module(module)
    assert loaded.__all__ == EXPECTED[module]
    for name in loaded.__all__:
        assert hasattr(loaded, name), name
