"""Reconciliation: the guard's own orders and expected positions against the broker's state.

The policy's ``reconcile_scope`` says what else is compared: everything in its accounts
(``"accounts"``), or only allowlisted symbols (``"symbols"``), so that a human's holding
in an unrelated symbol of the same account does not halt the agent. The guard's own
orders, and the symbols they traded, are compared under either scope.
"""

from __future__ import annotations

import json
from decimal import Decimal

from connecttrade._exceptions import APIError, NotFoundError
from connecttrade.agent.guard import _store
from connecttrade.agent.guard._naming import order_name
from connecttrade.agent.guard._outcome import Outcome
from connecttrade.agent.guard._rules import in_reconcile_scope
from connecttrade.agent.guard._staging import GuardStaging
from connecttrade.agent.guard._wire import load_request, signed_legs
from connecttrade.agent.guard.reconcile import Mismatch, ReconciliationReport
from connecttrade.types.enums import TERMINAL_STATUSES, OrderStatus
from connecttrade.types.results import Order

__all__ = ["GuardReconciliation"]

# How often a reconciliation reads again while the broker's state is still settling.
_SETTLE_ATTEMPTS = 3


class GuardReconciliation(GuardStaging):
    """Compare what the guard placed with what the broker holds; a mismatch halts."""

    __slots__ = ()

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
        traded = {
            symbol
            for row in rows
            for symbol, _ in signed_legs(load_request(row.request_json), Decimal(1))
        }
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
                if symbol not in traded and not in_reconcile_scope(self._policy, [symbol]):
                    continue
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
                if order.order_id in known:
                    continue
                symbols = [leg.symbol for leg in order.legs] or [str(order.symbol)]
                if not in_reconcile_scope(self._policy, symbols):
                    continue
                mismatches.append(
                    Mismatch(
                        "unknown_order",
                        account_id,
                        order.order_id,
                        "only orders placed through the guard",
                        f"open order {order_name(order)} ({order.cl_order_id})",
                    )
                )
        return mismatches


def _is_terminal(status: str) -> bool:
    try:
        return OrderStatus(status) in TERMINAL_STATUSES
    except ValueError:
        return False


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
