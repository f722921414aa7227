"""The agent's handle on an order it placed: wait for the fill, cancel, through the guard.

``confirm`` returns it as :attr:`ExecutionResult.handle
<connecttrade.agent.guard.prepared.ExecutionResult.handle>`. It wraps the SDK's
:class:`~connecttrade.rest.order_handle.OrderHandle` but is not one: the SDK handle's
``cancel`` and ``modify`` would reach the broker past the policy and the audit log, so
here ``cancel`` is the guard's (checked, audited, known to reconciliation) and a change
is staged with ``prepare_modify``. ``wait`` writes one audit entry for the whole wait,
not one per poll. Like the level objects it cannot be built, copied or pickled by the
agent and has no attribute leading to the client.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TypeVar

from connecttrade.agent.guard.levels import Level
from connecttrade.rest.order_handle import DEFAULT_POLL_INTERVAL, DEFAULT_WAIT_TIMEOUT

if TYPE_CHECKING:
    from connecttrade._exceptions import OrderWaitTimeoutError
    from connecttrade.agent.guard._outcome import Outcome
    from connecttrade.rest.order_handle import OrderHandle
    from connecttrade.types.enums import OrderStatus
    from connecttrade.types.results import Fill, Order

__all__ = ["GuardedOrderHandle"]

_T = TypeVar("_T")


class _OrderCalls(Protocol):
    """The guard's calls a handle makes (the guard's execution step provides them)."""

    def _run(
        self,
        level: Level,
        action: str,
        inputs: Mapping[str, Any],
        body: Callable[[], Outcome[_T]],
        *,
        actor: str | None = None,
    ) -> _T: ...

    def _refresh_handle(self, handle: OrderHandle) -> Outcome[Order]: ...

    def _wait_handle(
        self, handle: OrderHandle, timeout: float, poll_interval: float
    ) -> Outcome[Order | OrderWaitTimeoutError]: ...

    def _cancel(self, account_id: str, order_id: str) -> Outcome[Order]: ...


_GUARD_SLOT = "_GuardedOrderHandle__guard"
_HANDLE_SLOT = "_GuardedOrderHandle__handle"


class GuardedOrderHandle:
    """An order placed through the guard: its latest state, ``wait``, ``refresh``, ``cancel``."""

    __slots__ = ("__guard", "__handle")

    def __init__(self) -> None:
        raise TypeError("GuardedOrderHandle objects come from ExecuteTools.confirm()")

    @classmethod
    def _bind(cls, guard: _OrderCalls, handle: OrderHandle) -> GuardedOrderHandle:
        bound = object.__new__(cls)
        object.__setattr__(bound, _GUARD_SLOT, guard)
        object.__setattr__(bound, _HANDLE_SLOT, handle)
        return bound

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("GuardedOrderHandle is read-only")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("GuardedOrderHandle is read-only")

    def __reduce__(self) -> NoReturn:
        raise TypeError("GuardedOrderHandle cannot be pickled or copied")

    def __copy__(self) -> NoReturn:
        raise TypeError("GuardedOrderHandle cannot be copied")

    def __deepcopy__(self, memo: dict[int, Any]) -> NoReturn:
        raise TypeError("GuardedOrderHandle cannot be copied")

    def __repr__(self) -> str:
        order = self.order
        return (
            f"GuardedOrderHandle(order_id={order.order_id!r}, "
            f"cl_order_id={order.cl_order_id!r}, status={str(order.status)!r})"
        )

    @property
    def order(self) -> Order:
        """The latest snapshot of the order."""
        return _handle(self).order

    @property
    def fills(self) -> tuple[Fill, ...]:
        """The executions so far."""
        return _handle(self).fills

    @property
    def status_log(self) -> list[tuple[dt.datetime, OrderStatus | str]]:
        """``(updated_at, status)`` for each status observed, oldest first."""
        return _handle(self).status_log

    @property
    def is_done(self) -> bool:
        """True once the order is filled, cancelled, rejected, expired or replaced."""
        return _handle(self).is_done

    def refresh(self) -> Order:
        """Fetch the order (an audited ``get_order``) and return the latest snapshot."""
        guard, handle = _guard(self), _handle(self)
        order = handle.order
        return guard._run(
            Level.EXECUTE,
            "get_order",
            {"account_id": order.account_id, "order_id": order.order_id},
            lambda: guard._refresh_handle(handle),
        )

    def wait(
        self, timeout: float = DEFAULT_WAIT_TIMEOUT, poll_interval: float = DEFAULT_POLL_INTERVAL
    ) -> Order:
        """Wait until the order is done and return it; one audit entry for the whole wait.

        Raises :class:`~connecttrade.OrderWaitTimeoutError` when it is still open after
        ``timeout`` seconds (the order keeps working; wait again or cancel).
        """
        if not timeout >= 0:
            raise ValueError(f"timeout must be >= 0, got {timeout!r}")
        if not poll_interval > 0:
            raise ValueError(f"poll_interval must be > 0, got {poll_interval!r}")
        guard, handle = _guard(self), _handle(self)
        order = handle.order
        outcome = guard._run(
            Level.EXECUTE,
            "wait_for_order",
            {
                "account_id": order.account_id,
                "order_id": order.order_id,
                "timeout": timeout,
                "poll_interval": poll_interval,
            },
            lambda: guard._wait_handle(handle, timeout, poll_interval),
        )
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def cancel(self) -> Order:
        """Cancel through the guard (checked and audited like ``cancel_order``)."""
        guard, handle = _guard(self), _handle(self)
        order = handle.order
        cancelled = guard._run(
            Level.EXECUTE,
            "cancel_order",
            {"account_id": order.account_id, "order_id": order.order_id},
            lambda: guard._cancel(order.account_id, order.order_id),
        )
        handle.apply(cancelled)
        return handle.order


def _guard(bound: GuardedOrderHandle) -> _OrderCalls:
    guard: _OrderCalls = object.__getattribute__(bound, _GUARD_SLOT)
    return guard


def _handle(bound: GuardedOrderHandle) -> OrderHandle:
    handle: OrderHandle = object.__getattribute__(bound, _HANDLE_SLOT)
    return handle
