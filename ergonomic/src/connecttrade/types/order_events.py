"""What happened to one order, as events a program can hang logic on (like ib_async's
``Trade.fillEvent`` / ``statusEvent`` / ``filledEvent``).

Two families, both carrying the order as it stands after the event:

```text
OrderEvent
├── OrderFill                  one execution (exactly once per fill), with its Fill
└── OrderStatusChanged         one per status change, with the previous status
    ├── OrderPartiallyFilled   the order is now partially filled
    ├── OrderFilled            the order is now completely filled
    ├── OrderCancelled
    ├── OrderRejected          ``reason`` says why
    ├── OrderReplaced          ``replaced_by_order_id`` names the replacement
    └── OrderExpired
```

A status change to a status without a class of its own (``working``, ``pending_cancel``,
...) is a plain :class:`OrderStatusChanged`. :func:`order_events` computes the events
between two snapshots of one order; it is pure, so every feed (REST polls, the brokerage
stream) produces the same events.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from connecttrade.types.enums import OrderStatus
from connecttrade.types.results import Fill, Order

__all__ = [
    "OrderCancelled",
    "OrderEvent",
    "OrderExpired",
    "OrderFill",
    "OrderFilled",
    "OrderPartiallyFilled",
    "OrderRejected",
    "OrderReplaced",
    "OrderStatusChanged",
    "order_events",
]


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """Something happened to one order; ``order`` is the order right after it."""

    order: Order

    @property
    def order_id(self) -> str:
        """The order's id."""
        return self.order.order_id


@dataclass(frozen=True, slots=True)
class OrderFill(OrderEvent):
    """One execution of the order: ``fill.quantity`` at ``fill.price`` (Decimal)."""

    fill: Fill

    @property
    def quantity(self) -> Decimal:
        """The quantity of this execution."""
        return self.fill.quantity

    @property
    def price(self) -> Decimal:
        """The price of this execution (net per spread for multi-leg orders)."""
        return self.fill.price


@dataclass(frozen=True, slots=True)
class OrderStatusChanged(OrderEvent):
    """The order's status changed from ``previous`` (``None``: the first status seen) to
    ``order.status``."""

    previous: OrderStatus | str | None

    @property
    def status(self) -> OrderStatus | str:
        """The new status."""
        return self.order.status


@dataclass(frozen=True, slots=True)
class OrderPartiallyFilled(OrderStatusChanged):
    """The order is now partially filled (each execution is an :class:`OrderFill`)."""


@dataclass(frozen=True, slots=True)
class OrderFilled(OrderStatusChanged):
    """The order is completely filled: ``order.filled_qty`` at ``order.avg_fill_price``."""


@dataclass(frozen=True, slots=True)
class OrderCancelled(OrderStatusChanged):
    """The order was cancelled (``order.filled_qty`` may be above zero)."""


@dataclass(frozen=True, slots=True)
class OrderRejected(OrderStatusChanged):
    """The broker refused the order."""

    @property
    def reason(self) -> str | None:
        """Why, in the broker's words."""
        return self.order.reject_reason


@dataclass(frozen=True, slots=True)
class OrderReplaced(OrderStatusChanged):
    """The order was replaced (``modify``) by another order."""

    @property
    def replaced_by_order_id(self) -> str | None:
        """The id of the replacement order."""
        return self.order.replaced_by_order_id


@dataclass(frozen=True, slots=True)
class OrderExpired(OrderStatusChanged):
    """The order expired (its time in force ended)."""


_STATUS_EVENTS: dict[str, type[OrderStatusChanged]] = {
    OrderStatus.PARTIALLY_FILLED: OrderPartiallyFilled,
    OrderStatus.FILLED: OrderFilled,
    OrderStatus.CANCELLED: OrderCancelled,
    OrderStatus.REJECTED: OrderRejected,
    OrderStatus.REPLACED: OrderReplaced,
    OrderStatus.EXPIRED: OrderExpired,
}

# The statuses an order starts in: a first snapshot in one of them is no news.
_INITIAL: frozenset[str] = frozenset({OrderStatus.PENDING, OrderStatus.WORKING})


def order_events(
    previous: Order | None, current: Order, seen_fill_ids: Collection[str]
) -> list[OrderEvent]:
    """The events from ``previous`` to ``current``: new fills first, then the status change.

    ``previous`` is ``None`` for the first snapshot of an order: its fills are all new and
    its status is news unless the order has only just been accepted (pending, working).
    A fill is new when its id is not in ``seen_fill_ids``, so a fill shows once however
    many snapshots repeat it.
    """
    events: list[OrderEvent] = [
        OrderFill(current, fill) for fill in current.fills if fill.fill_id not in seen_fill_ids
    ]
    if previous is None:
        if str(current.status) not in _INITIAL:
            events.append(_status_event(current, None))
    elif current.status != previous.status:
        events.append(_status_event(current, previous.status))
    return events


def _status_event(order: Order, previous: OrderStatus | str | None) -> OrderStatusChanged:
    kind = _STATUS_EVENTS.get(str(order.status), OrderStatusChanged)
    return kind(order, previous)
