"""What one guarded call returns to the agent, and how its audit entry records it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from connecttrade.agent.audit import AuditDecision
from connecttrade.types.results import Order

__all__ = ["Outcome", "order_result"]

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[_T]):
    """What a guarded call returns to the agent, and how the audit log records it."""

    value: _T
    result: Any = None
    decision: AuditDecision = "allowed"
    rule: str | None = None
    reason: str | None = None


def order_result(order: Order, **extra: object) -> dict[str, object]:
    """The audit ``result`` of an order."""
    return {
        "order_id": order.order_id,
        "cl_order_id": order.cl_order_id,
        "status": str(order.status),
        "account_id": order.account_id,
        "symbol": order.symbol,
        "side": None if order.side is None else str(order.side),
        "quantity": order.qty,
        "notional": order.notional,
        "filled_qty": order.filled_qty,
        "avg_fill_price": order.avg_fill_price,
        "reject_reason": order.reject_reason,
        **extra,
    }
