"""Execution: a confirmed staging sent to the broker once, then the guard's orders followed
(``refresh``, ``wait`` with one audit entry per wait) and cancelled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from connecttrade._exceptions import APIConnectionError, APIError, OrderWaitTimeoutError
from connecttrade.agent.guard import _store
from connecttrade.agent.guard._estimate import Estimate
from connecttrade.agent.guard._outcome import Outcome, order_result
from connecttrade.agent.guard._reconciliation import GuardReconciliation
from connecttrade.agent.guard._rules import (
    approval_needed,
    first_failure,
    order_checks,
    timing_checks,
)
from connecttrade.agent.guard._wire import dump_request, load_request
from connecttrade.agent.guard.checks import RuleCheck
from connecttrade.agent.guard.errors import Halted, Refused
from connecttrade.agent.guard.handle import GuardedOrderHandle
from connecttrade.agent.guard.prepared import ExecutionResult
from connecttrade.rest.order_handle import OrderHandle
from connecttrade.types.enums import Instrument
from connecttrade.types.orders import OrderRequest
from connecttrade.types.results import Order

__all__ = ["GuardExecution"]


class GuardExecution(GuardReconciliation):
    """Confirm staged orders (the second step) and cancel orders the guard placed."""

    __slots__ = ()

    def _consume(self, confirmation_id: str, status: str) -> None:
        with self._store.transaction() as db:
            self._store.update_staged(db, confirmation_id, self._now(), status=status)

    def _confirm(self, confirmation_id: str) -> Outcome[ExecutionResult]:
        now = self._now()
        self._require_audit()
        row = self._store.staged(confirmation_id) if isinstance(confirmation_id, str) else None
        if row is None:
            raise Refused("confirmation_unknown", f"no staged order {confirmation_id!r}")
        if row.status == _store.PENDING_APPROVAL:
            deadline = row.approval_expires_at or row.expires_at
            if now >= deadline:
                self._consume(confirmation_id, _store.EXPIRED)
                raise Refused(
                    "confirmation_expired",
                    f"{confirmation_id} was not approved before {deadline.isoformat()}",
                )
            return Outcome(
                ExecutionResult(
                    confirmation_id,
                    "pending_approval",
                    f"waiting for a human to approve (until {deadline.isoformat()})",
                ),
                {"confirmation_id": confirmation_id, "status": "pending_approval"},
                decision="pending_approval",
                rule="approval_threshold",
                reason="waiting for a human decision",
            )
        if row.status == _store.REJECTED:
            raise Refused(
                "approval_rejected",
                f"{row.decided_by or 'a human'} rejected {confirmation_id}"
                + (f": {row.note}" if row.note else ""),
            )
        if row.status == _store.EXPIRED:
            raise Refused("confirmation_expired", f"{confirmation_id} expired; prepare it again")
        if row.status not in (_store.PREPARED, _store.APPROVED):
            raise Refused(
                "confirmation_used", f"{confirmation_id} was already used (it is {row.status})"
            )
        if row.status == _store.PREPARED or row.approval_expires_at is None:
            deadline = row.expires_at
        else:
            deadline = row.approval_expires_at
        if now >= deadline:
            self._consume(confirmation_id, _store.EXPIRED)
            raise Refused(
                "confirmation_expired",
                f"{confirmation_id} expired at {deadline.isoformat()}; prepare the order again",
            )
        try:
            self._check_not_halted()
        except Halted:
            self._consume(confirmation_id, _store.REFUSED)
            raise
        order = load_request(row.request_json)
        try:
            self._ensure_baseline(row.account_id)
        except APIError:
            self._consume(confirmation_id, _store.REFUSED)
            raise
        found, priced = self._estimate(order, now)
        claimed = self._claim(row, order, found, priced, now)
        if claimed is not None:
            return claimed
        assert found is not None
        return self._submit(row, order, found)

    def _claim(
        self,
        row: _store.StagedRow,
        order: OrderRequest,
        found: Estimate | None,
        priced: RuleCheck,
        now: dt.datetime,
    ) -> Outcome[ExecutionResult] | None:
        """Re-check and claim the confirmation in one locked transaction.

        Returns the pending-approval outcome, or ``None`` when the claim succeeded and
        the order is to be sent; raises :class:`Refused` otherwise.
        """
        day = self._policy.trading_day(now).isoformat()
        refusal: Refused | None = None
        with self._store.transaction() as db:
            current = self._store.get_staged(db, row.confirmation_id)
            if current is None or current.status != row.status:
                raise Refused("confirmation_used", f"{row.confirmation_id} was used concurrently")
            halt = self._store.get_halt(db)
            used = self._store.day_usage(db, day)
            checks = [
                RuleCheck(
                    "halted",
                    not halt.halted,
                    f"halted: {halt.reason}" if halt.halted else "running",
                )
            ]
            notional = Decimal(0) if found is None else found.notional
            checks += order_checks(
                self._policy,
                order,
                row.account_id,
                None if found is None else found.notional,
                None if found is None else found.quantity,
            )
            checks.append(priced)
            checks += timing_checks(self._policy, now, used[0], used[1], notional)
            failed = first_failure(checks)
            if failed is not None:
                self._store.update_staged(db, row.confirmation_id, now, status=_store.REFUSED)
                cls = Halted if failed.rule == "halted" else Refused
                refusal = cls(failed.rule, failed.detail, checks)
            elif (
                row.status == _store.PREPARED and not approval_needed(self._policy, notional).passed
            ):
                until = now + self._policy.approval_ttl
                self._store.update_staged(
                    db,
                    row.confirmation_id,
                    now,
                    status=_store.PENDING_APPROVAL,
                    approval_expires_at=until,
                    notional=notional,
                )
                return Outcome(
                    ExecutionResult(
                        row.confirmation_id,
                        "pending_approval",
                        f"estimated notional {notional} is over the approval threshold "
                        f"{self._policy.approval_threshold}; a human must approve it "
                        f"(connecttrade-agent approvals approve {row.confirmation_id}) "
                        f"before {until.isoformat()}, then confirm again",
                    ),
                    {
                        "confirmation_id": row.confirmation_id,
                        "status": "pending_approval",
                        "account_id": row.account_id,
                        "symbol": row.symbol,
                        "notional": notional,
                    },
                    decision="pending_approval",
                    rule="approval_threshold",
                    reason=f"estimated notional {notional} > {self._policy.approval_threshold}",
                )
            else:
                self._store.update_staged(
                    db,
                    row.confirmation_id,
                    now,
                    status=_store.SUBMITTING,
                    trading_day=day,
                    notional=notional,
                )
        if refusal is not None:
            raise refusal
        return None

    def _submit(
        self, row: _store.StagedRow, order: OrderRequest, found: Estimate
    ) -> Outcome[ExecutionResult]:
        try:
            if row.kind == "modify":
                assert row.target_order_id is not None
                self._store.update_order(row.target_order_id, replace_requested=1)
                # A multi-leg net price goes as credit= or debit= (its sign's direction).
                price, net = order.limit_price, order.instrument is Instrument.MLEG_OPT
                handle = self._client.orders.modify(
                    row.account_id,
                    row.target_order_id,
                    qty=order.qty,
                    notional=order.notional,
                    limit_price=None if net else price,
                    credit=-price if net and price is not None and price < 0 else None,
                    debit=price if net and price is not None and price > 0 else None,
                    stop_price=order.stop_price,
                    tif=order.tif,
                    new_cl_order_id=order.cl_order_id,
                )
            else:
                handle = self._client.orders.place(order)
        except APIError as exc:
            # A lost answer may still have placed the order: it stays counted against the
            # daily limits, and reconciliation reports it (an open order the guard does not
            # know, or a position that moved), which halts execution.
            self._consume(row.confirmation_id, _store.FAILED)
            if isinstance(exc, APIConnectionError):
                self._halt(
                    "api_errors",
                    f"the outcome of {row.confirmation_id} is unknown ({exc}); reconcile first",
                )
            raise
        placed = handle.order
        now = self._now()
        with self._store.transaction() as db:
            self._store.update_staged(
                db, row.confirmation_id, now, status=_store.SUBMITTED, order_id=placed.order_id
            )
            self._store.insert_order(
                db,
                _store.OrderRow(
                    order_id=placed.order_id,
                    account_id=row.account_id,
                    cl_order_id=placed.cl_order_id,
                    request_json=dump_request(order),
                    status=str(placed.status),
                    filled_qty=placed.filled_qty,
                    cancel_requested=False,
                    replace_requested=False,
                    placed_at=now,
                ),
            )
        result = order_result(
            placed, confirmation_id=row.confirmation_id, estimated_notional=found.notional
        )
        value = ExecutionResult(
            row.confirmation_id,
            "submitted",
            f"order {placed.order_id} is {placed.status}",
            placed,
            GuardedOrderHandle._bind(self, handle),
        )
        if placed.is_rejected:
            self._count_error(f"order {placed.order_id} rejected: {placed.reject_reason}")
            return Outcome(
                value,
                result,
                decision="error",
                rule="broker_rejected",
                reason=f"the broker rejected the order: {placed.reject_reason}",
            )
        return Outcome(value, result)

    def _refresh_handle(self, handle: OrderHandle) -> Outcome[Order]:
        self._require_audit()
        return Outcome(handle.refresh(), order_result(handle.order))

    def _wait_handle(
        self, handle: OrderHandle, timeout: float, poll_interval: float
    ) -> Outcome[Order | OrderWaitTimeoutError]:
        """The SDK handle's wait; a timeout is returned, to be raised after the audit entry."""
        self._require_audit()
        try:
            done = handle.wait(timeout, poll_interval)
        except OrderWaitTimeoutError as exc:
            return Outcome(
                exc,
                order_result(exc.order),
                rule="order_wait_timeout",
                reason=f"still {exc.order.status} after {timeout:g} seconds",
            )
        return Outcome(done, order_result(done))

    def _cancel(self, account_id: str, order_id: str) -> Outcome[Order]:
        now = self._now()
        self._require_audit()
        self._check_not_halted()
        self._check_account(account_id)
        own = self._store.order(order_id)
        if own is not None and own.account_id != account_id:
            raise Refused("order_ownership", f"{order_id} is not in account {account_id}")
        if own is None and not self._policy.cancel_external_orders:
            raise Refused(
                "order_ownership",
                f"{order_id} was not placed through this guard (cancel_external_orders is off)",
            )
        session = timing_checks(self._policy, now, 0, Decimal(0), Decimal(0))[0]
        if not session.passed:
            raise Refused(session.rule, session.detail, [session])
        if own is not None:
            self._store.update_order(order_id, cancel_requested=1)
        cancelled = self._client.orders.cancel(account_id, order_id)
        if own is not None:
            self._store.update_order(order_id, status=str(cancelled.status))
        return Outcome(cancelled, order_result(cancelled))
