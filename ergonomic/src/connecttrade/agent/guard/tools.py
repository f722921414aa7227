"""The objects an agent is handed: one per permission level, each with only its methods.

:class:`ReadTools` < :class:`PrepareTools` < :class:`ExecuteTools`: a higher level has
the methods of the lower ones. None has an attribute giving the client, the credentials
or the guard, none returns a higher level, and they cannot be built, pickled or
modified by the agent. Every call is checked against the policy and written to the
audit log, whether it is allowed or refused; refusals raise
:class:`~connecttrade.agent.guard.errors.Refused`.

Python cannot hide an object's private state from code running in the same process
(``gc``, ``ctypes`` and friends reach anything). These objects keep a well-behaved
agent on the guarded path; an agent whose code you do not trust belongs in another
process, talking to the MCP server.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NoReturn, Self

from connecttrade.agent.guard.levels import Level
from connecttrade.types.enums import TimeInForce
from connecttrade.types.orders import Amount, OrderRequest

if TYPE_CHECKING:
    from connecttrade.agent.guard._calls import GuardedCalls
    from connecttrade.agent.guard.approval import Approval
    from connecttrade.agent.guard.prepared import ExecutionResult, PreparedOrder
    from connecttrade.agent.guard.reconcile import ReconciliationReport
    from connecttrade.agent.quotes.source import Quote
    from connecttrade.types.results import Account, Balance, Order, Position

__all__ = ["ExecuteTools", "PrepareTools", "ReadTools"]

#: How long ``wait_for_approval`` waits by default, and how often it looks (seconds).
DEFAULT_APPROVAL_TIMEOUT = 300.0
DEFAULT_APPROVAL_POLL = 1.0

_GUARD_SLOT = "_ReadTools__guard"


def _guard_of(tools: ReadTools) -> GuardedCalls:
    guard: GuardedCalls = object.__getattribute__(tools, _GUARD_SLOT)
    return guard


class ReadTools:
    """Inspect approved data: accounts on the allowlist, their balances, positions and
    orders, and quotes of allowlisted symbols."""

    __slots__ = ("__guard",)
    level = Level.READ

    def __init__(self) -> None:
        raise TypeError(f"{type(self).__name__} objects come from Guard.{self.level}_tools()")

    @classmethod
    def _bind(cls, guard: GuardedCalls) -> Self:
        tools = object.__new__(cls)
        object.__setattr__(tools, _GUARD_SLOT, guard)
        return tools

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __reduce__(self) -> NoReturn:
        raise TypeError(f"{type(self).__name__} cannot be pickled or copied")

    def __copy__(self) -> NoReturn:
        raise TypeError(f"{type(self).__name__} cannot be copied")

    def __deepcopy__(self, memo: dict[int, Any]) -> NoReturn:
        raise TypeError(f"{type(self).__name__} cannot be copied")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} level={self.level.value}>"

    def describe_policy(self) -> list[str]:
        """The rules this agent works under, one line each."""
        return _guard_of(self).policy.describe()

    def list_accounts(self) -> list[Account]:
        """The allowlisted accounts."""
        guard = _guard_of(self)
        return guard._run(self.level, "list_accounts", {}, guard._accounts)

    def get_balances(self, account_id: str | None = None) -> list[Balance]:
        """Balances of one allowlisted account, or of all of them."""
        guard = _guard_of(self)
        return guard._run(
            self.level,
            "get_balances",
            {"account_id": account_id},
            lambda: guard._balances(account_id),
        )

    def get_positions(self, account_id: str | None = None) -> list[Position]:
        """Positions of one allowlisted account, or of all of them."""
        guard = _guard_of(self)
        return guard._run(
            self.level,
            "get_positions",
            {"account_id": account_id},
            lambda: guard._positions(account_id),
        )

    def list_orders(self, account_id: str | None = None, status: str = "open") -> list[Order]:
        """Today's orders of allowlisted accounts; ``status`` is ``open``, ``closed`` or ``all``
        or an order status."""
        guard = _guard_of(self)
        return guard._run(
            self.level,
            "list_orders",
            {"account_id": account_id, "status": status},
            lambda: guard._orders(account_id, status),
        )

    def get_order(self, account_id: str, order_id: str) -> Order:
        """One order of an allowlisted account."""
        guard = _guard_of(self)
        return guard._run(
            self.level,
            "get_order",
            {"account_id": account_id, "order_id": order_id},
            lambda: guard._order(account_id, order_id),
        )

    def get_quote(self, symbol: str) -> Quote:
        """The current quote of an allowlisted symbol (options: of an allowlisted underlying)."""
        guard = _guard_of(self)
        return guard._run(self.level, "get_quote", {"symbol": symbol}, lambda: guard._quote(symbol))


class PrepareTools(ReadTools):
    """Read, and stage orders: nothing reaches the broker until a confirm at execute level."""

    __slots__ = ()
    level = Level.PREPARE

    def prepare_order(self, order: OrderRequest, account_id: str | None = None) -> PreparedOrder:
        """Check ``order`` against every rule, estimate its cost and stage it.

        Returns a :class:`PreparedOrder` with a confirmation id valid for one ``confirm``
        within the policy's confirmation time (2 minutes by default) and a summary for a
        human. Raises :class:`Refused` naming the first rule the order breaks.
        """
        guard = _guard_of(self)
        inputs = {
            "account_id": account_id,
            "order": order.to_wire() if isinstance(order, OrderRequest) else repr(order),
        }
        return guard._run(
            self.level, "prepare_order", inputs, lambda: guard._prepare(order, account_id)
        )

    def prepare_modify(
        self,
        account_id: str,
        order_id: str,
        *,
        qty: Amount | None = None,
        notional: Amount | None = None,
        limit_price: Amount | None = None,
        stop_price: Amount | None = None,
        tif: TimeInForce | str | None = None,
    ) -> PreparedOrder:
        """Stage a change to an open order placed through the guard; the changed order is
        checked like a new one."""
        guard = _guard_of(self)
        changes: dict[str, Amount | TimeInForce | str | None] = {
            "qty": qty,
            "notional": notional,
            "limit_price": limit_price,
            "stop_price": stop_price,
            "tif": tif,
        }
        inputs = {"account_id": account_id, "order_id": order_id, "changes": changes}
        return guard._run(
            self.level,
            "prepare_modify",
            inputs,
            lambda: guard._prepare_modify(account_id, order_id, changes),
        )


class ExecuteTools(PrepareTools):
    """Prepare and read, and change account state: confirm staged orders, cancel orders."""

    __slots__ = ()
    level = Level.EXECUTE

    def confirm(self, confirmation_id: str) -> ExecutionResult:
        """Submit a staged order after re-checking the rules that can change since prepare
        (halt, session window, daily limits, price). Refused when the id is unknown,
        used, expired or rejected by a human; ``pending_approval`` when a human must
        approve it first (``wait_for_approval``, then confirm again). A submitted
        result's ``handle`` waits for the fill or cancels."""
        guard = _guard_of(self)
        return guard._run(
            self.level,
            "confirm_order",
            {"confirmation_id": confirmation_id},
            lambda: guard._confirm(confirmation_id),
        )

    def wait_for_approval(
        self,
        confirmation_id: str,
        timeout: float = DEFAULT_APPROVAL_TIMEOUT,
        poll_interval: float = DEFAULT_APPROVAL_POLL,
    ) -> Approval:
        """Block until a human decides on an order ``confirm`` left ``pending_approval``.

        Returns the :class:`Approval` (then ``confirm`` again to send the order). Raises
        :class:`ApprovalDenied` when the human rejected it (rule ``approval_rejected``)
        or its approval window closed (``confirmation_expired``), and
        :class:`ApprovalWaitTimeoutError` after ``timeout`` seconds of the guard's clock with no
        decision (the order still waits; wait again). The state is read every
        ``poll_interval`` seconds and the wait writes one audit entry, whatever its length.
        """
        if not 0 <= timeout < math.inf:
            raise ValueError(f"timeout must be a finite number of seconds >= 0, got {timeout!r}")
        if not poll_interval > 0:
            raise ValueError(f"poll_interval must be > 0 seconds, got {poll_interval!r}")
        guard = _guard_of(self)
        outcome = guard._run(
            self.level,
            "wait_for_approval",
            {
                "confirmation_id": confirmation_id,
                "timeout": timeout,
                "poll_interval": poll_interval,
            },
            lambda: guard._wait_for_approval(confirmation_id, timeout, poll_interval),
        )
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def cancel_order(self, account_id: str, order_id: str) -> Order:
        """Cancel an open order placed through the guard (others only if the policy allows)."""
        guard = _guard_of(self)
        return guard._run(
            self.level,
            "cancel_order",
            {"account_id": account_id, "order_id": order_id},
            lambda: guard._cancel(account_id, order_id),
        )

    def reconcile(self) -> ReconciliationReport:
        """Compare the guard's orders and expected positions with the broker; a mismatch halts."""
        guard = _guard_of(self)
        return guard._run(self.level, "reconcile", {}, guard._reconcile)
