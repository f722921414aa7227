"""Waiting for a human's decision on a pending order, with one audit entry per wait.

Polling ``confirm`` while a human decides wrote an entry per poll; the wait reads the
guard's state file (where the ``connecttrade-agent approvals`` CLI writes, from any
process) as often as it needs and lets the caller's ``_run`` write a single entry for
the outcome.
"""

from __future__ import annotations

import datetime as dt

from connecttrade.agent.guard import _store
from connecttrade.agent.guard._execution import GuardExecution
from connecttrade.agent.guard._outcome import Outcome
from connecttrade.agent.guard.approval import Approval
from connecttrade.agent.guard.errors import ApprovalDenied, ApprovalWaitTimeoutError, Refused

__all__ = ["GuardWaiting"]


class GuardWaiting(GuardExecution):
    """Block until a human approves, rejects or lets expire an order pending approval."""

    __slots__ = ()

    def _wait_for_approval(
        self, confirmation_id: str, timeout: float, poll_interval: float
    ) -> Outcome[Approval | ApprovalWaitTimeoutError]:
        """Poll the state file until approved, rejected, expired or ``timeout`` passes.

        An approval is returned, a rejection or expiry raised (:class:`ApprovalDenied`,
        audited by ``_run``), and a timeout returned as the error to raise once the one
        audit entry is written.
        """
        self._require_audit()
        started = self._now()
        deadline = started + dt.timedelta(seconds=timeout)
        polls = 0
        while True:
            row = self._store.staged(confirmation_id) if isinstance(confirmation_id, str) else None
            polls += 1
            if row is None:
                raise Refused("confirmation_unknown", f"no staged order {confirmation_id!r}")
            now = self._now()
            closes = row.approval_expires_at or row.expires_at
            if row.status in (_store.APPROVED, _store.PENDING_APPROVAL) and now >= closes:
                # An approval not confirmed in time is as dead as no approval: confirm
                # would refuse it, so the wait says so instead of handing it back.
                self._consume(confirmation_id, _store.EXPIRED)
                raise ApprovalDenied(
                    "confirmation_expired",
                    f"{confirmation_id} was not approved and confirmed before {closes.isoformat()}",
                    confirmation_id=confirmation_id,
                    decided_by=row.decided_by,
                )
            if row.status == _store.APPROVED:
                approval = Approval(
                    confirmation_id,
                    row.decided_by or "a human",
                    row.note,
                    row.status_at,
                    closes,
                    max(now - started, dt.timedelta(0)),
                )
                return Outcome(
                    approval,
                    _wait_result(row, "approved", now - started, polls),
                    reason=f"approved by {approval.approved_by}",
                )
            if row.status == _store.REJECTED:
                raise ApprovalDenied(
                    "approval_rejected",
                    f"{row.decided_by or 'a human'} rejected {confirmation_id}"
                    + (f": {row.note}" if row.note else ""),
                    confirmation_id=confirmation_id,
                    decided_by=row.decided_by,
                    note=row.note,
                )
            if row.status == _store.EXPIRED:
                raise ApprovalDenied(
                    "confirmation_expired",
                    f"{confirmation_id} expired before anyone approved it",
                    confirmation_id=confirmation_id,
                )
            if row.status == _store.PREPARED:
                raise Refused(
                    "approval_not_requested",
                    f"{confirmation_id} is not waiting for a human: confirm it first (confirm "
                    "answers pending_approval when the order needs an approval)",
                )
            if row.status != _store.PENDING_APPROVAL:
                raise Refused(
                    "confirmation_used", f"{confirmation_id} was already used (it is {row.status})"
                )
            if now >= deadline:
                return Outcome(
                    ApprovalWaitTimeoutError(confirmation_id, timeout, closes),
                    _wait_result(row, "pending_approval", now - started, polls),
                    decision="pending_approval",
                    rule="approval_wait_timeout",
                    reason=f"no human decision within {timeout:g} seconds",
                )
            # Sleep to the next poll, but wake for the deadline or the window's close.
            self._sleep(min(poll_interval, (min(deadline, closes) - now).total_seconds()))


def _wait_result(
    row: _store.StagedRow, status: str, waited: dt.timedelta, polls: int
) -> dict[str, object]:
    return {
        "confirmation_id": row.confirmation_id,
        "status": status,
        "decided_by": row.decided_by,
        "account_id": row.account_id,
        "symbol": row.symbol,
        "waited_seconds": max(waited, dt.timedelta(0)).total_seconds(),
        "polls": polls,
    }
