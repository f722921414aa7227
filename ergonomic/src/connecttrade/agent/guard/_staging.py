"""Staging: an order or a change checked against every rule, priced and stored until confirmed."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from connecttrade.agent.guard import _store
from connecttrade.agent.guard._estimate import Estimate, EstimateError, estimate
from connecttrade.agent.guard._outcome import Outcome
from connecttrade.agent.guard._reads import GuardReads
from connecttrade.agent.guard._rules import (
    approval_needed,
    first_failure,
    order_checks,
    timing_checks,
    underlyings,
)
from connecttrade.agent.guard._summary import summary as _summary
from connecttrade.agent.guard._wire import dump_request, load_request
from connecttrade.agent.guard.checks import RuleCheck
from connecttrade.agent.guard.errors import Halted, Refused
from connecttrade.agent.guard.prepared import PreparedOrder
from connecttrade.types.enums import TimeInForce
from connecttrade.types.orders import Amount, InvalidOrder, OrderRequest, new_cl_order_id

__all__ = ["GuardStaging"]


class GuardStaging(GuardReads):
    """Prepare orders and modifications: the first of the two steps."""

    __slots__ = ()

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
