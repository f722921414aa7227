"""`connecttrade-agent report` and `connecttrade-agent mcp` reach their commands, and the
package's public names are pinned."""

from __future__ import annotations

from pathlib import Path

import pytest

import connecttrade.agent
from connecttrade.agent import AuditLog
from connecttrade.agent.cli import main

AGENT_NAMES = [
    "Alert",
    "AlertKind",
    "AlertMonitor",
    "Approval",
    "ApprovalDenied",
    "ApprovalWaitTimeoutError",
    "AuditEntry",
    "AuditLog",
    "AuditLogError",
    "DailyReport",
    "ExecuteTools",
    "ExecutionResult",
    "Guard",
    "GuardError",
    "GuardedOrderHandle",
    "HaltStatus",
    "Halted",
    "Level",
    "MarginThresholds",
    "Mismatch",
    "PendingApproval",
    "Policy",
    "PolicyError",
    "PrepareTools",
    "PreparedOrder",
    "Quote",
    "QuoteSource",
    "QuoteUnavailable",
    "ReadTools",
    "ReconciliationReport",
    "Refused",
    "RuleCheck",
    "SessionWindow",
    "StreamAlerts",
    "StreamQuotes",
    "Supervisor",
    "SupervisorError",
    "SyncStreamQuotes",
    "VerifyResult",
    "build_daily_report",
    "canonical_symbol",
    "verify_audit_log",
]


def test_agent_package_exports_exactly_its_public_names() -> None:
    """`connecttrade.agent.__all__` is this sorted list and every name exists."""
    assert connecttrade.agent.__all__ == AGENT_NAMES
    assert all(hasattr(connecttrade.agent, name) for name in AGENT_NAMES)


def test_report_subcommand_writes_an_offline_report(tmp_path: Path) -> None:
    """`connecttrade-agent report --no-broker` writes report.md and report.html from the log."""
    log = tmp_path / "audit.jsonl"
    AuditLog(log).append(
        actor="bot",
        level="prepare",
        action="prepare_order",
        inputs={"symbol": "TSLA"},
        decision="refused",
        rule="symbol_allowlist",
        reason="TSLA is not on the allowlist",
    )
    out = tmp_path / "out"
    status = main(
        ["report", "--audit-log", str(log), "--no-broker", "--tz", "UTC", "--out", str(out)]
    )
    assert status == 0
    assert "symbol_allowlist" in (out / "report.md").read_text()
    assert "TSLA is not on the allowlist" in (out / "report.html").read_text()


def test_mcp_subcommand_refuses_to_serve_without_a_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`connecttrade-agent mcp` with a missing policy file exits 2 and serves nothing."""
    status = main(
        [
            "mcp",
            "--policy",
            str(tmp_path / "missing.toml"),
            "--level",
            "read",
            "--state-dir",
            str(tmp_path),
        ]
    )
    assert status == 2
    assert "error" in capsys.readouterr().err
