"""What the two steps of execution return: a staged order, then the outcome of confirming it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from connecttrade.agent.guard.checks import RuleCheck
from connecttrade.agent.guard.handle import GuardedOrderHandle
from connecttrade.types.orders import OrderRequest
from connecttrade.types.results import Order

__all__ = ["ExecutionResult", "PreparedOrder"]


@dataclass(frozen=True, slots=True)
class PreparedOrder:
    """An order staged by ``prepare_order``: nothing is sent until it is confirmed.

    ``summary`` is the text to show a human: what would be sent, the estimated cost and
    every rule checked. ``confirmation_id`` is good for one ``confirm`` before
    ``expires_at``.
    """

    confirmation_id: str
    summary: str
    expires_at: dt.datetime
    checks: tuple[RuleCheck, ...]
    order: OrderRequest
    estimated_notional: Decimal
    requires_approval: bool
    kind: Literal["order", "modify"] = "order"
    target_order_id: str | None = None

    def __str__(self) -> str:
        return self.summary


@dataclass(frozen=True, slots=True)
class ExecutionResult:
    """The outcome of ``confirm``.

    ``status`` is ``"submitted"`` (the broker took it; ``order`` is its state when it was
    placed, which may already be ``rejected`` by the broker), or ``"pending_approval"``
    (a human must approve it first: ``wait_for_approval``, then confirm again).

    ``handle`` (submitted orders only) follows the order without looking it up again:
    ``result.handle.wait()`` until it is filled, ``result.handle.cancel()``, both
    through the guard. It is a live object, not part of the value: equality and the repr
    leave it out, and it cannot be copied or pickled (keep ``order`` for that).
    """

    confirmation_id: str
    status: Literal["submitted", "pending_approval"]
    message: str
    order: Order | None = None
    handle: GuardedOrderHandle | None = field(default=None, compare=False, repr=False)

    @property
    def is_rejected(self) -> bool:
        """True when the broker refused the submitted order."""
        return self.order is not None and self.order.is_rejected
