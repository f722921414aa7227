"""The human side of the guard: pending approvals and the halt switch.

Both work on the guard's state directory only (no broker credentials), so the
``connecttrade-agent`` CLI can run them from another process while the guard works::

    desk = Supervisor("state/", audit_log="audit.jsonl", human="alice")
    for pending in desk.pending():
        print(pending.confirmation_id, pending.summary)
    desk.approve("cf_...", note="checked the size")
    desk.reset_halt(note="reconciled by hand")

Every decision is written to the audit log with level ``human``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from connecttrade.agent.audit import AuditLog
from connecttrade.agent.guard import _store
from connecttrade.agent.guard.errors import GuardError

__all__ = ["HaltStatus", "PendingApproval", "Supervisor", "SupervisorError"]

_AUDIT_META_KEY = "audit_log"


class SupervisorError(GuardError):
    """A human action could not be done (unknown id, not pending, expired)."""


@dataclass(frozen=True, slots=True)
class PendingApproval:
    """A confirmed order over the approval threshold, waiting for a human."""

    confirmation_id: str
    actor: str
    account_id: str
    symbol: str
    estimated_notional: Decimal
    summary: str
    requested_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class HaltStatus:
    """Whether execution is halted, since when and why, and the API errors counted."""

    halted: bool
    reason: str | None
    since: dt.datetime | None
    errors: int

    def __str__(self) -> str:
        if not self.halted:
            return f"running ({self.errors} API errors since the last reset)"
        since = "" if self.since is None else f" since {self.since.isoformat()}"
        return f"HALTED{since}: {self.reason} ({self.errors} API errors counted)"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Supervisor:
    """Approve or reject pending orders and reset a halt, as a named human."""

    __slots__ = ("_audit", "_clock", "_store", "human")

    def __init__(
        self,
        state_dir: str | os.PathLike[str],
        *,
        audit_log: str | os.PathLike[str] | None = None,
        human: str | None = None,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self._store = _store.Store(state_dir)
        path = audit_log if audit_log is not None else self._store.meta(_AUDIT_META_KEY)
        if path is None:
            raise SupervisorError(
                f"no audit log is recorded in {state_dir}; pass the audit log path"
            )
        self._audit = AuditLog(Path(path), clock=clock)
        self._clock = clock
        self.human = human or os.environ.get("USER") or "human"

    def __repr__(self) -> str:
        return f"Supervisor(state={str(self._store.path)!r}, human={self.human!r})"

    def pending(self) -> list[PendingApproval]:
        """Orders waiting for a decision (expired ones are left out)."""
        now = self._clock()
        rows = self._store.staged_with_status(_store.PENDING_APPROVAL)
        return [
            PendingApproval(
                confirmation_id=row.confirmation_id,
                actor=row.actor,
                account_id=row.account_id,
                symbol=row.symbol,
                estimated_notional=row.notional,
                summary=row.summary,
                requested_at=row.status_at,
                expires_at=row.approval_expires_at or row.expires_at,
            )
            for row in rows
            if row.approval_expires_at is None or row.approval_expires_at > now
        ]

    def approve(self, confirmation_id: str, note: str | None = None) -> None:
        """Let the agent submit it: its next ``confirm`` re-checks the rules and sends it."""
        self._decide(confirmation_id, _store.APPROVED, "approve", note)

    def reject(self, confirmation_id: str, note: str | None = None) -> None:
        """Refuse it for good: ``confirm`` will be refused with rule ``approval_rejected``."""
        self._decide(confirmation_id, _store.REJECTED, "reject", note)

    def _decide(self, confirmation_id: str, status: str, action: str, note: str | None) -> None:
        now = self._clock()
        inputs = {"confirmation_id": confirmation_id, "note": note}
        with self._store.transaction() as db:
            row = self._store.get_staged(db, confirmation_id)
            problem = None
            if row is None:
                problem = f"no confirmation {confirmation_id!r}"
            elif row.status != _store.PENDING_APPROVAL:
                problem = f"{confirmation_id} is {row.status}, not pending approval"
            elif row.approval_expires_at is not None and row.approval_expires_at <= now:
                problem = f"{confirmation_id} expired at {row.approval_expires_at.isoformat()}"
            if problem is None:
                self._store.update_staged(
                    db, confirmation_id, now, status=status, decided_by=self.human, note=note
                )
        if problem is not None:
            self._audit.append(
                actor=self.human,
                level="human",
                action=action,
                inputs=inputs,
                decision="refused",
                rule="approval_state",
                reason=problem,
            )
            raise SupervisorError(problem)
        assert row is not None
        self._audit.append(
            actor=self.human,
            level="human",
            action=action,
            inputs=inputs,
            decision="allowed",
            reason=f"{self.human} {action}d the order of {row.actor}",
            result={
                "confirmation_id": confirmation_id,
                "status": status,
                "account_id": row.account_id,
                "symbol": row.symbol,
                "notional": row.notional,
            },
        )

    def halt_status(self) -> HaltStatus:
        """The halt switch as persisted."""
        row = self._store.halt_state()
        return HaltStatus(row.halted, row.reason, row.since, row.errors)

    def halt(self, reason: str) -> HaltStatus:
        """Stop execution now (a human's emergency stop)."""
        if self._store.halt(f"halted by {self.human}: {reason}", self._clock()):
            self._audit.append(
                actor=self.human,
                level="human",
                action="halt",
                inputs={"reason": reason},
                decision="halted",
                rule="manual_halt",
                reason=reason,
            )
        return self.halt_status()

    def reset_halt(self, note: str | None = None) -> HaltStatus:
        """Resume execution, clear the error count, and re-take reconciliation baselines.

        The baselines are taken again (from the broker's positions at the next
        reconciliation or order) because a human resetting after a mismatch accepts the
        broker's state as the new truth.
        """
        before = self._store.reset_halt()
        self._store.clear_baselines()
        self._audit.append(
            actor=self.human,
            level="human",
            action="reset",
            inputs={"note": note},
            decision="allowed",
            reason=f"was {'halted: ' + str(before.reason) if before.halted else 'running'}",
            result={"halted": False, "errors": 0},
        )
        return self.halt_status()
