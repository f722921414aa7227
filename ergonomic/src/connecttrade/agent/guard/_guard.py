"""The guard: a client, a policy, an audit log and persisted state, owned by human code.

The human's code builds a :class:`Guard` and hands the agent one level object from
:meth:`Guard.read_tools`, :meth:`Guard.prepare_tools` or :meth:`Guard.execute_tools`.
The agent never sees the client, the credentials or the guard; every call it makes is
checked against the policy and written to the audit log, allowed or refused::

    guard = Guard(client, Policy.from_toml("policy.toml"), audit_log="audit.jsonl",
                  state_dir="state/", actor="rebalancer", quotes=my_quote_source)
    agent = guard.execute_tools()
    staged = agent.prepare_order(connecttrade.limit("AAPL", 5, "170", side="BUY"),
                                 account_id="acc_...")
    print(staged.summary)
    result = agent.confirm(staged.confirmation_id)

In-process Python cannot stop code from reading private attributes (``obj._x``,
``gc.get_referents``): the level objects keep honest code honest and make the safe path
the only documented one. Where the agent's code is not trusted, run it in another
process and give it tools over the MCP server (``connecttrade.agent.mcp_server``),
which is the hard boundary.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from connecttrade._exceptions import APIConnectionError, APIError, NotFoundError
from connecttrade.agent.audit import AuditDecision, AuditLog, AuditLogError
from connecttrade.agent.guard import _store
from connecttrade.agent.guard._estimate import Estimate, EstimateError, estimate
from connecttrade.agent.guard._outcome import Outcome, order_result
from connecttrade.agent.guard._rules import (
    account_check,
    approval_needed,
    first_failure,
    order_checks,
    timing_checks,
    underlyings,
)
from connecttrade.agent.guard._wire import dump_request, load_request, signed_legs
from connecttrade.agent.guard.checks import RuleCheck
from connecttrade.agent.guard.errors import Halted, Refused
from connecttrade.agent.guard.levels import Level
from connecttrade.agent.guard.prepared import ExecutionResult, PreparedOrder
from connecttrade.agent.guard.reconcile import Mismatch, ReconciliationReport
from connecttrade.agent.guard.supervision import HaltStatus, Supervisor
from connecttrade.agent.guard.tools import ExecuteTools, PrepareTools, ReadTools
from connecttrade.agent.policy import Policy, canonical_symbol
from connecttrade.agent.quotes.source import Quote, QuoteSource
from connecttrade.types.enums import TERMINAL_STATUSES, OrderStatus, TimeInForce
from connecttrade.types.option_symbol import InvalidOptionSymbol, OptionSymbol
from connecttrade.types.orders import Amount, InvalidOrder, OrderRequest, new_cl_order_id
from connecttrade.types.results import Account, Balance, Order, Position

if TYPE_CHECKING:
    from connecttrade.rest.client import Client

__all__ = ["Guard"]

_T = TypeVar("_T")
_SYSTEM_ACTOR = "guard"
_AUDIT_META_KEY = "audit_log"
_SETTLE_ATTEMPTS = 3


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _is_terminal(status: str) -> bool:
    try:
        return OrderStatus(status) in TERMINAL_STATUSES
    except ValueError:
        return False


class Guard:
    """Checks, records and performs an agent's calls; hands out one object per level.

    ``client`` is a :class:`connecttrade.Client` for the end user whose accounts the
    agent works on; it stays inside the guard. ``audit_log`` is the JSONL file every
    call is appended to; ``state_dir`` holds confirmations, approvals, the halt switch
    and reconciliation baselines (shared with the ``connecttrade-agent`` CLI).
    ``clock`` returns the current aware time (tests inject one); ``quotes`` prices
    orders (see :mod:`connecttrade.agent.quotes.source`).
    """

    __slots__ = ("_actor", "_audit", "_client", "_clock", "_policy", "_quotes", "_store")

    def __init__(
        self,
        client: Client,
        policy: Policy,
        *,
        audit_log: str | os.PathLike[str],
        state_dir: str | os.PathLike[str],
        actor: str = "agent",
        clock: Callable[[], dt.datetime] | None = None,
        quotes: QuoteSource | None = None,
    ) -> None:
        if not isinstance(policy, Policy):
            raise TypeError(f"policy must be a Policy, got {type(policy).__name__}")
        if not isinstance(actor, str) or not actor.strip():
            raise ValueError("actor must be a non-empty name")
        self._client = client
        self._policy = policy
        self._actor = actor.strip()
        self._clock = clock or _utc_now
        self._audit = AuditLog(audit_log, clock=self._now)
        self._quotes = quotes
        self._store = _store.Store(state_dir)
        self._store.set_meta(_AUDIT_META_KEY, str(Path(audit_log).resolve()))

    def __repr__(self) -> str:
        return (
            f"Guard(actor={self._actor!r}, accounts={sorted(self._policy.accounts)!r}, "
            f"state={str(self._store.path)!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        raise TypeError("a Guard holds a client and cannot be pickled")

    # -- the human's side ----------------------------------------------------------------

    @property
    def policy(self) -> Policy:
        """The policy every call is checked against."""
        return self._policy

    @property
    def audit_log_path(self) -> Path:
        """The JSONL audit log."""
        return self._audit.path

    def read_tools(self) -> ReadTools:
        """An object with the read tools only."""

        return ReadTools._bind(self)

    def prepare_tools(self) -> PrepareTools:
        """An object with the read and prepare tools."""

        return PrepareTools._bind(self)

    def execute_tools(self) -> ExecuteTools:
        """An object with the read, prepare and execute tools."""

        return ExecuteTools._bind(self)

    def tools(self, level: Level | str) -> ReadTools:
        """The object for ``level`` (``"read"``, ``"prepare"`` or ``"execute"``)."""
        chosen = Level(level)
        if chosen is Level.EXECUTE:
            return self.execute_tools()
        if chosen is Level.PREPARE:
            return self.prepare_tools()
        return self.read_tools()

    def supervisor(self, human: str | None = None) -> Supervisor:
        """Approvals and the halt switch for a named human, on this guard's state."""
        return Supervisor(
            self._store.path.parent, audit_log=self._audit.path, human=human, clock=self._now
        )

    def halt_status(self) -> HaltStatus:
        """Whether execution is halted, and why."""
        row = self._store.halt_state()
        return HaltStatus(row.halted, row.reason, row.since, row.errors)

    def reconcile(self) -> ReconciliationReport:
        """Compare the guard's orders and expected positions with the broker's state.

        Any mismatch, or broker state that cannot be read, halts execution.
        """
        return self._run(Level.EXECUTE, "reconcile", {}, self._reconcile, actor="supervisor")

    # -- plumbing ------------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the guard's clock must return aware datetimes")
        return now

    def _run(
        self,
        level: Level,
        action: str,
        inputs: Mapping[str, Any],
        body: Callable[[], Outcome[_T]],
        *,
        actor: str | None = None,
    ) -> _T:
        """Run one guarded call and append its audit entry, whatever happens."""
        who = actor or self._actor
        try:
            outcome = body()
        except Refused as exc:
            decision: AuditDecision = "refused"
            if isinstance(exc, Halted):
                decision = "halted"
            elif exc.rule == "confirmation_expired":
                decision = "expired"
            self._append(
                actor=who,
                level=level.value,
                action=action,
                inputs=inputs,
                decision=decision,
                rule=exc.rule,
                reason=exc.reason,
                result={"checks": [str(c) for c in exc.checks]} if exc.checks else None,
            )
            raise
        except APIError as exc:
            self._append(
                actor=who,
                level=level.value,
                action=action,
                inputs=inputs,
                decision="error",
                rule="api_error",
                reason=f"{type(exc).__name__}: {exc}",
            )
            self._count_error(f"{action}: {type(exc).__name__}: {exc}")
            raise
        self._append(
            actor=who,
            level=level.value,
            action=action,
            inputs=inputs,
            decision=outcome.decision,
            rule=outcome.rule,
            reason=outcome.reason,
            result=outcome.result,
        )
        return outcome.value

    def _append(self, **entry: Any) -> None:
        """Write an audit entry; a log that cannot be written halts execution."""
        try:
            self._audit.append(**entry)
        except (AuditLogError, OSError) as exc:
            self._store.halt(f"audit log could not be written: {exc}", self._now())
            raise

    def _require_audit(self) -> None:
        """Refuse an action if its audit entry could not be written afterwards."""
        try:
            self._audit.check()
        except AuditLogError as exc:
            raise Refused("audit_log", str(exc)) from None

    def _count_error(self, reason: str) -> None:
        errors = self._store.count_error()
        if errors >= self._policy.halt_after_errors:
            self._halt(
                "api_errors",
                f"{errors} API errors or broker rejections (limit "
                f"{self._policy.halt_after_errors}); last: {reason}",
            )

    def _halt(self, rule: str, reason: str) -> None:
        if self._store.halt(reason, self._now()):
            self._audit.append(
                actor=_SYSTEM_ACTOR,
                level="system",
                action="halt",
                inputs={},
                decision="halted",
                rule=rule,
                reason=reason,
            )

    def _check_not_halted(self) -> None:
        halt = self._store.halt_state()
        if halt.halted:
            raise Halted(
                "halted",
                f"execution is halted until a human resets it: {halt.reason}",
            )

    def _check_account(self, account_id: str) -> None:
        check = account_check(self._policy, account_id)
        if not check.passed:
            raise Refused(check.rule, check.detail)

    # -- read ----------------------------------------------------------------------------

    def _accounts(self) -> Outcome[list[Account]]:
        accounts = [
            a for a in self._client.accounts.list() if a.account_id in self._policy.accounts
        ]
        return Outcome(accounts, {"count": len(accounts)})

    def _balances(self, account_id: str | None) -> Outcome[list[Balance]]:
        if account_id is not None:
            self._check_account(account_id)
        items = [
            b
            for b in self._client.balances.list(account_id=account_id)
            if b.account_id in self._policy.accounts
        ]
        return Outcome(items, {"count": len(items)})

    def _positions(self, account_id: str | None) -> Outcome[list[Position]]:
        if account_id is not None:
            self._check_account(account_id)
        items = [
            p
            for p in self._client.positions.list(account_id=account_id)
            if p.account_id in self._policy.accounts
        ]
        return Outcome(items, {"count": len(items)})

    def _orders(self, account_id: str | None, status: str) -> Outcome[list[Order]]:
        if account_id is not None:
            self._check_account(account_id)
        items = [
            o
            for o in self._client.orders.list(account_id=account_id, status=status)
            if o.account_id in self._policy.accounts
        ]
        return Outcome(items, {"count": len(items)})

    def _order(self, account_id: str, order_id: str) -> Outcome[Order]:
        self._check_account(account_id)
        order = self._client.orders.get(account_id, order_id)
        return Outcome(order, order_result(order))

    def _quote(self, symbol: str) -> Outcome[Quote]:
        if not isinstance(symbol, str):
            raise Refused("symbol_allowlist", f"expected a symbol string, got {symbol!r}")
        try:
            underlying = OptionSymbol.parse(symbol).underlying
        except InvalidOptionSymbol:
            underlying = canonical_symbol(symbol)
        if underlying not in self._policy.symbols:
            raise Refused("symbol_allowlist", f"{symbol!r} is not on the allowlist")
        if self._quotes is None:
            raise Refused("market_data", "no quote source is configured")
        try:
            quote = self._quotes(symbol)
        except Exception as exc:  # any feed failure means "no quote"
            raise Refused("market_data", f"no quote for {symbol}: {exc}") from None
        return Outcome(quote, {"symbol": quote.symbol, "time": quote.time})

    # -- prepare -------------------------------------------------------------------------

    def _resolve_account(self, order: OrderRequest, account_id: str | None) -> str:
        if (
            account_id is not None
            and order.account_id is not None
            and account_id != order.account_id
        ):
            raise Refused(
                "account_allowlist",
                f"account_id {account_id!r} differs from the order's {order.account_id!r}",
            )
        chosen = account_id or order.account_id
        if chosen is None:
            if len(self._policy.accounts) == 1:
                return next(iter(self._policy.accounts))
            raise Refused("account_allowlist", "name the account (the policy allows several)")
        return chosen

    def _estimate(self, order: OrderRequest, now: dt.datetime) -> tuple[Estimate | None, RuleCheck]:
        try:
            found = estimate(order, self._quotes, now, self._policy.max_quote_age)
        except EstimateError as exc:
            return None, RuleCheck("market_data", False, str(exc))
        return found, RuleCheck("market_data", True, f"priced at {found.price} from {found.basis}")

    def _usage(self, now: dt.datetime) -> tuple[int, Decimal]:
        with self._store.transaction() as db:
            return self._store.day_usage(db, self._policy.trading_day(now).isoformat())

    def _all_checks(
        self, order: OrderRequest, account: str, now: dt.datetime, usage: tuple[int, Decimal]
    ) -> tuple[list[RuleCheck], Estimate | None]:
        found, priced = self._estimate(order, now)
        halt = self._store.halt_state()
        checks = [
            RuleCheck(
                "halted",
                not halt.halted,
                "execution is running" if not halt.halted else f"halted: {halt.reason}",
            )
        ]
        checks += order_checks(
            self._policy,
            order,
            account,
            None if found is None else found.notional,
            None if found is None else found.quantity,
        )
        checks.append(priced)
        notional = Decimal(0) if found is None else found.notional
        checks += timing_checks(self._policy, now, usage[0], usage[1], notional)
        return checks, found

    @staticmethod
    def _raise_first(checks: list[RuleCheck]) -> None:
        failed = first_failure(checks)
        if failed is not None:
            cls = Halted if failed.rule == "halted" else Refused
            raise cls(failed.rule, failed.detail, checks)

    def _prepare(self, order: OrderRequest, account_id: str | None) -> Outcome[PreparedOrder]:
        if not isinstance(order, OrderRequest):
            raise Refused("order", f"expected an OrderRequest, got {type(order).__name__}")
        now = self._now()
        account = self._resolve_account(order, account_id)
        # The guard chooses the client order id (retries reuse it) and the broker is the
        # account's own: nothing the agent supplies decides either.
        staged = replace(order, account_id=account, cl_order_id=new_cl_order_id(), broker=None)
        checks, found = self._all_checks(staged, account, now, self._usage(now))
        self._raise_first(checks)
        assert found is not None  # a failed estimate fails the market_data check
        return self._stage(staged, account, found, checks, now, kind="order", target=None)

    def _stage(
        self,
        order: OrderRequest,
        account: str,
        found: Estimate,
        checks: list[RuleCheck],
        now: dt.datetime,
        *,
        kind: str,
        target: str | None,
    ) -> Outcome[PreparedOrder]:
        approval = approval_needed(self._policy, found.notional)
        needs_approval = not approval.passed
        checks = [*checks, RuleCheck(approval.rule, True, approval.detail)]
        confirmation_id = f"cf_{secrets.token_hex(12)}"
        expires_at = now + self._policy.confirmation_ttl
        summary = _summary(
            confirmation_id,
            order=order,
            account=account,
            found=found,
            checks=checks,
            expires_at=expires_at,
            needs_approval=needs_approval,
            kind=kind,
            target=target,
        )
        symbols = ",".join(sent for sent, _ in underlyings(order))
        with self._store.transaction() as db:
            self._store.insert_staged(
                db,
                _store.StagedRow(
                    confirmation_id=confirmation_id,
                    kind=kind,
                    actor=self._actor,
                    account_id=account,
                    symbol=symbols,
                    cl_order_id=order.cl_order_id or "",
                    target_order_id=target,
                    request_json=dump_request(order),
                    summary=summary,
                    notional=found.notional,
                    created_at=now,
                    expires_at=expires_at,
                    status=_store.PREPARED,
                    status_at=now,
                    trading_day=None,
                    approval_expires_at=None,
                    decided_by=None,
                    note=None,
                    order_id=None,
                ),
            )
        prepared = PreparedOrder(
            confirmation_id=confirmation_id,
            summary=summary,
            expires_at=expires_at,
            checks=tuple(checks),
            order=order,
            estimated_notional=found.notional,
            requires_approval=needs_approval,
            kind="modify" if kind == "modify" else "order",
            target_order_id=target,
        )
        result = {
            "confirmation_id": confirmation_id,
            "expires_at": expires_at,
            "estimated_notional": found.notional,
            "requires_approval": needs_approval,
            "order": order.to_wire(),
        }
        return Outcome(prepared, result)

    def _prepare_modify(
        self,
        account_id: str,
        order_id: str,
        changes: Mapping[str, Amount | TimeInForce | str | None],
    ) -> Outcome[PreparedOrder]:
        now = self._now()
        self._check_account(account_id)
        own = self._store.order(order_id)
        if own is None or own.account_id != account_id:
            raise Refused(
                "order_ownership", f"{order_id} in {account_id} was not placed through this guard"
            )
        current = load_request(own.request_json)
        try:
            modified = _apply_changes(current, changes)
        except InvalidOrder as exc:
            raise Refused("order", str(exc)) from None
        staged = replace(modified, cl_order_id=new_cl_order_id())
        checks, found = self._all_checks(staged, account_id, now, self._usage(now))
        self._raise_first(checks)
        assert found is not None
        return self._stage(staged, account_id, found, checks, now, kind="modify", target=order_id)

    # -- execute -------------------------------------------------------------------------

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
                placed = self._client.orders.modify(
                    row.account_id,
                    row.target_order_id,
                    qty=order.qty,
                    notional=order.notional,
                    limit_price=order.limit_price,
                    stop_price=order.stop_price,
                    tif=order.tif,
                    new_cl_order_id=order.cl_order_id,
                ).order
            else:
                placed = self._client.orders.place(order).order
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
            row.confirmation_id, "submitted", f"order {placed.order_id} is {placed.status}", placed
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

    # -- reconciliation ------------------------------------------------------------------

    def _ensure_baseline(self, account_id: str) -> None:
        """Record the account's positions (and the guard's fills so far) once."""
        if self._store.baseline(account_id) is not None:
            return
        filled: dict[str, str] = {}
        for row in self._store.orders():
            if row.account_id != account_id:
                continue
            qty = row.filled_qty
            if not _is_terminal(row.status):
                qty = self._client.orders.get(account_id, row.order_id).filled_qty
                self._store.update_order(row.order_id, filled_qty=qty)
            filled[row.order_id] = format(qty, "f")
        positions = {
            p.symbol: format(p.quantity, "f")
            for p in self._client.positions.list(account_id=account_id)
        }
        data = json.dumps({"positions": positions, "filled": filled}, sort_keys=True)
        self._store.set_baseline(account_id, self._now(), data)

    def _reconcile(self) -> Outcome[ReconciliationReport]:
        now = self._now()
        mismatches: list[Mismatch] = []
        orders_checked = positions_checked = 0
        error: str | None = None
        try:
            for account_id in sorted(self._policy.accounts):
                self._ensure_baseline(account_id)
            for _ in range(_SETTLE_ATTEMPTS):
                first, found = self._check_orders()
                positions, count = self._check_positions()
                second, _ = self._check_orders(update=False)
                if first == second:  # no fill landed between the reads
                    break
            mismatches = found + positions + self._unknown_orders()
            orders_checked, positions_checked = len(first), count
        except APIError as exc:
            error = f"{type(exc).__name__}: {exc}"
            self._store.count_error()
        report = ReconciliationReport(
            now, tuple(mismatches), orders_checked, positions_checked, error
        )
        result = {
            "ok": report.ok,
            "orders_checked": orders_checked,
            "positions_checked": positions_checked,
            "mismatches": [str(m) for m in mismatches],
            "error": error,
        }
        if report.ok:
            return Outcome(report, result)
        reason = (
            f"{len(mismatches)} mismatches: {'; '.join(str(m) for m in mismatches)}"
            if mismatches
            else f"broker state could not be read: {error}"
        )
        self._halt("reconciliation", reason)
        return Outcome(report, result, decision="halted", rule="reconciliation", reason=reason)

    def _check_orders(self, *, update: bool = True) -> tuple[dict[str, Decimal], list[Mismatch]]:
        """Fetch each open order the guard placed; return fills by order and mismatches."""
        fills: dict[str, Decimal] = {}
        mismatches: list[Mismatch] = []
        for row in self._store.orders():
            if _is_terminal(row.status):
                fills[row.order_id] = row.filled_qty
                continue
            try:
                order = self._client.orders.get(row.account_id, row.order_id)
            except NotFoundError:
                mismatches.append(
                    Mismatch(
                        "order_missing", row.account_id, row.order_id, row.status, "no such order"
                    )
                )
                continue
            fills[row.order_id] = order.filled_qty
            mismatches += _order_mismatches(row, order)
            if update:
                self._store.update_order(
                    row.order_id, status=str(order.status), filled_qty=order.filled_qty
                )
        return fills, mismatches

    def _check_positions(self) -> tuple[list[Mismatch], int]:
        mismatches: list[Mismatch] = []
        count = 0
        rows = self._store.orders()
        for account_id in sorted(self._policy.accounts):
            baseline = self._store.baseline(account_id)
            if baseline is None:
                continue
            data = json.loads(baseline[1])
            expected = {s: Decimal(q) for s, q in data["positions"].items()}
            for row in rows:
                if row.account_id != account_id:
                    continue
                new_fills = row.filled_qty - Decimal(data["filled"].get(row.order_id, "0"))
                if new_fills:
                    for symbol, change in signed_legs(load_request(row.request_json), new_fills):
                        expected[symbol] = expected.get(symbol, Decimal(0)) + change
            actual = {
                p.symbol: p.quantity for p in self._client.positions.list(account_id=account_id)
            }
            for symbol in sorted(set(expected) | set(actual)):
                want, have = expected.get(symbol, Decimal(0)), actual.get(symbol, Decimal(0))
                count += 1
                if want != have:
                    mismatches.append(
                        Mismatch("position_mismatch", account_id, symbol, str(want), str(have))
                    )
        return mismatches, count

    def _unknown_orders(self) -> list[Mismatch]:
        known = {row.order_id for row in self._store.orders()}
        mismatches = []
        for account_id in sorted(self._policy.accounts):
            for order in self._client.orders.list(account_id=account_id, status="open"):
                if order.order_id not in known:
                    mismatches.append(
                        Mismatch(
                            "unknown_order",
                            account_id,
                            order.order_id,
                            "only orders placed through the guard",
                            f"open {order.side} {order.symbol} order {order.cl_order_id}",
                        )
                    )
        return mismatches


def _order_mismatches(row: _store.OrderRow, order: Order) -> list[Mismatch]:
    found = []

    def add(kind: str, expected: str, actual: str) -> None:
        found.append(Mismatch(kind, row.account_id, row.order_id, expected, actual))

    if order.status == OrderStatus.CANCELLED and not row.cancel_requested:
        add("cancelled_externally", f"{row.status} (no cancel sent)", "cancelled")
    if order.status == OrderStatus.REPLACED and not row.replace_requested:
        add("replaced_externally", f"{row.status} (no modify sent)", "replaced")
    if order.filled_qty < row.filled_qty:
        add("fills_went_backwards", f"filled {row.filled_qty}", f"filled {order.filled_qty}")
    request = load_request(row.request_json)
    if request.qty is not None and order.qty is not None and order.qty != request.qty:
        add("order_changed", f"qty {request.qty}", f"qty {order.qty}")
    if order.cl_order_id != row.cl_order_id:
        add("order_changed", f"cl_order_id {row.cl_order_id}", f"cl_order_id {order.cl_order_id}")
    return found


def _apply_changes(
    order: OrderRequest, changes: Mapping[str, Amount | TimeInForce | str | None]
) -> OrderRequest:
    from connecttrade.types.orders import _amount  # noqa: PLC0415 - the SDK's own number rules

    fields: dict[str, Any] = {}
    for name in ("qty", "notional", "limit_price", "stop_price"):
        value = changes.get(name)
        if value is not None:
            if isinstance(value, TimeInForce):
                raise InvalidOrder(name, "expected a number")
            fields[name] = _amount(name, value)
    tif = changes.get("tif")
    if tif is not None:
        try:
            fields["tif"] = TimeInForce(str(tif))
        except ValueError:
            raise InvalidOrder("tif", f"{tif!r} is not a time in force") from None
    if not fields:
        raise InvalidOrder(
            "changes", "give at least one of qty, notional, limit_price, stop_price, tif"
        )
    return replace(order, **fields)


def _summary(
    confirmation_id: str,
    *,
    order: OrderRequest,
    account: str,
    found: Estimate,
    checks: list[RuleCheck],
    expires_at: dt.datetime,
    needs_approval: bool,
    kind: str,
    target: str | None,
) -> str:
    what = _describe(order)
    head = f"Modify order {target} to: {what}" if kind == "modify" else f"Place order: {what}"
    approval = "yes: a human must approve it after you confirm" if needs_approval else "no"
    lines = [
        f"{head}",
        f"Account: {account}; client order id {order.cl_order_id}",
        f"Estimated cost: {found.notional.quantize(Decimal('0.01'))} "
        f"(price {found.price}, {found.basis})",
        f"Needs human approval: {approval}",
        f"Confirm with {confirmation_id} before {expires_at.isoformat()}",
        "Rules checked:",
        *(f"  {check}" for check in checks),
        "Would send: " + json.dumps(order.to_wire(), sort_keys=True),
    ]
    return "\n".join(lines)


def _describe(order: OrderRequest) -> str:
    amount = f"{order.qty}" if order.qty is not None else f"${order.notional} of"
    if order.legs:
        legs = " / ".join(f"{leg.action} {leg.ratio}x {leg.symbol}" for leg in order.legs)
        target = f"{amount} x [{legs}]"
    else:
        target = f"{order.side} {amount} {order.symbol}"
    prices = ""
    if order.limit_price is not None:
        prices += f" limit {order.limit_price}"
    if order.stop_price is not None:
        prices += f" stop {order.stop_price}"
    return f"{target} {order.order_type}{prices} {order.tif} ({order.instrument})"
