"""Guard rails for trading agents: levels, policy, two-step execution, audit log.

```python
from connecttrade.agent import Guard, Policy

guard = Guard(client, Policy.from_toml("policy.toml"), audit_log="audit.jsonl",
              state_dir="agent-state", actor="my-agent",
              quotes=SyncStreamQuotes.from_client(client, "conn_..."))
tools = guard.execute_tools()        # or read_tools() / prepare_tools()
staged = tools.prepare_order(connecttrade.limit("AAPL", 5, "170", side="BUY"))
print(staged.summary)                # what would be sent, cost, rules checked
tools.confirm(staged.confirmation_id)
```

Humans approve orders over the threshold and reset halts with the ``connecttrade-agent``
command (or :class:`Supervisor`), and check the audit log with
``connecttrade-agent audit verify PATH``.
"""

from connecttrade.agent.alerts.monitor import Alert, AlertKind, AlertMonitor, MarginThresholds
from connecttrade.agent.alerts.stream import StreamAlerts
from connecttrade.agent.audit import (
    AuditEntry,
    AuditLog,
    AuditLogError,
    VerifyResult,
    verify_audit_log,
)
from connecttrade.agent.guard._guard import Guard
from connecttrade.agent.guard.approval import Approval
from connecttrade.agent.guard.checks import RuleCheck
from connecttrade.agent.guard.errors import (
    ApprovalDenied,
    ApprovalWaitTimeoutError,
    GuardError,
    Halted,
    Refused,
)
from connecttrade.agent.guard.handle import GuardedOrderHandle
from connecttrade.agent.guard.levels import Level
from connecttrade.agent.guard.prepared import ExecutionResult, PreparedOrder
from connecttrade.agent.guard.reconcile import Mismatch, ReconciliationReport
from connecttrade.agent.guard.supervision import (
    HaltStatus,
    PendingApproval,
    Supervisor,
    SupervisorError,
)
from connecttrade.agent.guard.tools import ExecuteTools, PrepareTools, ReadTools
from connecttrade.agent.policy import Policy, PolicyError, SessionWindow, canonical_symbol
from connecttrade.agent.quotes.source import Quote, QuoteSource
from connecttrade.agent.quotes.stream import QuoteUnavailable, StreamQuotes, SyncStreamQuotes
from connecttrade.agent.report.daily import DailyReport, build_daily_report

__all__ = [
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
