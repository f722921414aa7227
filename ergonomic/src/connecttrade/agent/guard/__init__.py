"""The guard: levels, rules, two-step execution and the human side (approvals, halts).

``Guard`` wraps a client; its ``read_tools()`` / ``prepare_tools()`` / ``execute_tools()``
hand an agent only the calls its level allows. One concept per module: ``levels``,
``checks`` (a rule's outcome), ``errors``, ``prepared`` (a staged order and what
confirming it returns), ``approval`` (what waiting for a human returns), ``handle`` (the
agent's handle on an order it placed), ``reconcile`` (its report), ``supervision``
(approvals and halt resets), ``tools`` (the agent-facing objects). The guard itself is
built up in one line of private mixins, one step of a call each: ``_state`` (its parts,
the audited run, the halt switch) < ``_reads`` < ``_staging`` (prepare) <
``_reconciliation`` < ``_execution`` (confirm, cancel) < ``_waiting`` (for a human's
approval, for an order to finish) < ``_guard`` (construction and the human's side);
``_summary`` and ``_naming`` word orders and ``_calls`` is the shape the tools see, so
they never import the guard.
"""

from __future__ import annotations

from connecttrade.agent.guard._guard import (
    Guard,
)
from connecttrade.agent.guard.approval import (
    Approval,
)
from connecttrade.agent.guard.checks import (
    RuleCheck,
)
from connecttrade.agent.guard.errors import (
    ApprovalDenied,
    ApprovalWaitTimeoutError,
    GuardError,
    Halted,
    Refused,
)
from connecttrade.agent.guard.handle import (
    GuardedOrderHandle,
)
from connecttrade.agent.guard.levels import (
    Level,
)
from connecttrade.agent.guard.prepared import (
    ExecutionResult,
    PreparedOrder,
)
from connecttrade.agent.guard.reconcile import (
    Mismatch,
    ReconciliationReport,
)
from connecttrade.agent.guard.supervision import (
    HaltStatus,
    PendingApproval,
    Supervisor,
    SupervisorError,
)
from connecttrade.agent.guard.tools import (
    ExecuteTools,
    PrepareTools,
    ReadTools,
)

__all__ = [
    "Approval",
    "ApprovalDenied",
    "ApprovalWaitTimeoutError",
    "ExecuteTools",
    "ExecutionResult",
    "Guard",
    "GuardError",
    "GuardedOrderHandle",
    "HaltStatus",
    "Halted",
    "Level",
    "Mismatch",
    "PendingApproval",
    "PrepareTools",
    "PreparedOrder",
    "ReadTools",
    "ReconciliationReport",
    "Refused",
    "RuleCheck",
    "Supervisor",
    "SupervisorError",
]
