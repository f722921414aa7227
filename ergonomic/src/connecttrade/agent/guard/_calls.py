"""The guard's calls as the level objects see them: a protocol, so tools need no guard.

:class:`~connecttrade.agent.guard._guard.Guard` provides these; the level objects in
:mod:`connecttrade.agent.guard.tools` depend only on this shape, which keeps the import
graph one-way (the guard builds the tools, the tools never import the guard).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from connecttrade.agent.guard._outcome import Outcome
    from connecttrade.agent.guard.approval import Approval
    from connecttrade.agent.guard.errors import ApprovalWaitTimeoutError
    from connecttrade.agent.guard.levels import Level
    from connecttrade.agent.guard.prepared import ExecutionResult, PreparedOrder
    from connecttrade.agent.guard.reconcile import ReconciliationReport
    from connecttrade.agent.policy import Policy
    from connecttrade.agent.quotes.source import Quote
    from connecttrade.types.enums import TimeInForce
    from connecttrade.types.orders import Amount, OrderRequest
    from connecttrade.types.results import Account, Balance, Order, Position

__all__ = ["GuardedCalls"]

_T = TypeVar("_T")


class GuardedCalls(Protocol):
    """Run one call through the policy and the audit log; the bodies of every tool."""

    @property
    def policy(self) -> Policy: ...

    def _run(
        self,
        level: Level,
        action: str,
        inputs: Mapping[str, Any],
        body: Callable[[], Outcome[_T]],
        *,
        actor: str | None = None,
    ) -> _T: ...

    def _accounts(self) -> Outcome[list[Account]]: ...

    def _balances(self, account_id: str | None) -> Outcome[list[Balance]]: ...

    def _positions(self, account_id: str | None) -> Outcome[list[Position]]: ...

    def _orders(self, account_id: str | None, status: str) -> Outcome[list[Order]]: ...

    def _order(self, account_id: str, order_id: str) -> Outcome[Order]: ...

    def _quote(self, symbol: str) -> Outcome[Quote]: ...

    def _prepare(self, order: OrderRequest, account_id: str | None) -> Outcome[PreparedOrder]: ...

    def _prepare_modify(
        self,
        account_id: str,
        order_id: str,
        changes: Mapping[str, Amount | TimeInForce | str | None],
    ) -> Outcome[PreparedOrder]: ...

    def _confirm(self, confirmation_id: str) -> Outcome[ExecutionResult]: ...

    def _wait_for_approval(
        self, confirmation_id: str, timeout: float, poll_interval: float
    ) -> Outcome[Approval | ApprovalWaitTimeoutError]: ...

    def _cancel(self, account_id: str, order_id: str) -> Outcome[Order]: ...

    def _reconcile(self) -> Outcome[ReconciliationReport]: ...
