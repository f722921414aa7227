"""The order lifecycle, as one table.

Every legal order status change is one row of ``TRANSITIONS``: ``(status, event) -> status``.
Anything not in the table is illegal: ``transition`` raises ``InvalidTransition`` and the
caller changes nothing.

Returning to the state before a refused cancel or replace
    A cancel (or replace) request parks the order in ``pending_cancel`` (``pending_replace``).
    If the broker refuses the request, the order goes back to what it was before, which is
    ``working`` if nothing has filled and ``partially_filled`` otherwise. Rather than hide
    that memory in the order, the refusal is two explicit events, ``CANCEL_REJECT_UNFILLED``
    and ``CANCEL_REJECT_PARTIAL`` (and the same for replace): the table stays a pure mapping
    of pairs, every row can be read and tested on its own, and the diagram shows both
    edges. The engine picks the event from its fill quantity with ``cancel_rejected`` /
    ``replace_rejected``.

Fills racing a cancel or replace
    A partial fill that arrives while a cancel or replace is pending leaves the order
    pending (the request is still in flight); a final fill wins the race and ends the order
    as ``filled``.

Replacement
    ``REPLACE_CONFIRM`` ends the *old* order as ``replaced``; the replacement is a new order
    that starts its own life in ``pending``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

__all__ = [
    "CANCELLABLE",
    "OPEN",
    "REPLACEABLE",
    "TERMINAL",
    "TRANSITIONS",
    "InvalidTransition",
    "OrderEvent",
    "OrderStatus",
    "cancel_rejected",
    "mermaid_diagram",
    "replace_rejected",
    "transition",
]


class OrderStatus(StrEnum):
    """The ten normalized order statuses of the Connect Trade API."""

    PENDING = "pending"
    WORKING = "working"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"
    REPLACED = "replaced"
    PENDING_CANCEL = "pending_cancel"
    PENDING_REPLACE = "pending_replace"


class OrderEvent(StrEnum):
    """Something that happens to an order: a broker answer or a client request."""

    ACCEPT = "accept"
    """The broker acknowledged the order; it is now working."""
    REJECT = "reject"
    """The broker refused the order."""
    PARTIAL_FILL = "partial_fill"
    """An execution that leaves quantity open."""
    FILL = "fill"
    """The execution that completes the order."""
    CANCEL_REQUEST = "cancel_request"
    """The client asked to cancel."""
    CANCEL_CONFIRM = "cancel_confirm"
    """The broker cancelled the order (requested or unsolicited)."""
    CANCEL_REJECT_UNFILLED = "cancel_reject_unfilled"
    """The broker refused the cancel of an order with nothing filled."""
    CANCEL_REJECT_PARTIAL = "cancel_reject_partial"
    """The broker refused the cancel of an order with some quantity filled."""
    REPLACE_REQUEST = "replace_request"
    """The client asked to modify the order."""
    REPLACE_CONFIRM = "replace_confirm"
    """The broker replaced the order; this one ends, the replacement starts anew."""
    REPLACE_REJECT_UNFILLED = "replace_reject_unfilled"
    """The broker refused the modification of an order with nothing filled."""
    REPLACE_REJECT_PARTIAL = "replace_reject_partial"
    """The broker refused the modification of an order with some quantity filled."""
    EXPIRE = "expire"
    """The order's time in force ran out (DAY at the close, IOC/FOK remainder)."""


S = OrderStatus
E = OrderEvent

# fmt: off
TRANSITIONS: Final[Mapping[tuple[OrderStatus, OrderEvent], OrderStatus]] = MappingProxyType({
    (S.PENDING, E.ACCEPT):                           S.WORKING,
    (S.PENDING, E.REJECT):                           S.REJECTED,
    (S.PENDING, E.PARTIAL_FILL):                     S.PARTIALLY_FILLED,  # fill seen before the ack
    (S.PENDING, E.FILL):                             S.FILLED,            # fill seen before the ack
    (S.PENDING, E.CANCEL_REQUEST):                   S.PENDING_CANCEL,    # cancel before the ack
    (S.PENDING, E.EXPIRE):                           S.EXPIRED,           # IOC/FOK died unacked

    (S.WORKING, E.REJECT):                           S.REJECTED,          # late reject after ack
    (S.WORKING, E.PARTIAL_FILL):                     S.PARTIALLY_FILLED,
    (S.WORKING, E.FILL):                             S.FILLED,
    (S.WORKING, E.CANCEL_REQUEST):                   S.PENDING_CANCEL,
    (S.WORKING, E.CANCEL_CONFIRM):                   S.CANCELLED,         # unsolicited cancel
    (S.WORKING, E.REPLACE_REQUEST):                  S.PENDING_REPLACE,
    (S.WORKING, E.EXPIRE):                           S.EXPIRED,

    (S.PARTIALLY_FILLED, E.PARTIAL_FILL):            S.PARTIALLY_FILLED,
    (S.PARTIALLY_FILLED, E.FILL):                    S.FILLED,
    (S.PARTIALLY_FILLED, E.CANCEL_REQUEST):          S.PENDING_CANCEL,
    (S.PARTIALLY_FILLED, E.CANCEL_CONFIRM):          S.CANCELLED,         # unsolicited cancel
    (S.PARTIALLY_FILLED, E.REPLACE_REQUEST):         S.PENDING_REPLACE,
    (S.PARTIALLY_FILLED, E.EXPIRE):                  S.EXPIRED,           # the remainder expired

    (S.PENDING_CANCEL, E.CANCEL_CONFIRM):            S.CANCELLED,
    (S.PENDING_CANCEL, E.CANCEL_REJECT_UNFILLED):    S.WORKING,
    (S.PENDING_CANCEL, E.CANCEL_REJECT_PARTIAL):     S.PARTIALLY_FILLED,
    (S.PENDING_CANCEL, E.PARTIAL_FILL):              S.PENDING_CANCEL,    # fill raced the cancel
    (S.PENDING_CANCEL, E.FILL):                      S.FILLED,            # fill won the race
    (S.PENDING_CANCEL, E.EXPIRE):                    S.EXPIRED,           # expiry beat the cancel

    (S.PENDING_REPLACE, E.REPLACE_CONFIRM):          S.REPLACED,
    (S.PENDING_REPLACE, E.REPLACE_REJECT_UNFILLED):  S.WORKING,
    (S.PENDING_REPLACE, E.REPLACE_REJECT_PARTIAL):   S.PARTIALLY_FILLED,
    (S.PENDING_REPLACE, E.PARTIAL_FILL):             S.PENDING_REPLACE,   # fill raced the replace
    (S.PENDING_REPLACE, E.FILL):                     S.FILLED,            # fill won the race
    (S.PENDING_REPLACE, E.EXPIRE):                   S.EXPIRED,           # expiry beat the replace
})
# fmt: on

del S, E

TERMINAL: Final[frozenset[OrderStatus]] = frozenset(
    {
        OrderStatus.FILLED,
        OrderStatus.CANCELLED,
        OrderStatus.REJECTED,
        OrderStatus.EXPIRED,
        OrderStatus.REPLACED,
    }
)
"""Statuses an order never leaves."""

OPEN: Final[frozenset[OrderStatus]] = frozenset(OrderStatus) - TERMINAL
"""Statuses of orders still alive at the broker."""

CANCELLABLE: Final[frozenset[OrderStatus]] = frozenset(
    status for (status, event) in TRANSITIONS if event is OrderEvent.CANCEL_REQUEST
)
"""Statuses in which a cancel request is accepted (read from the table)."""

REPLACEABLE: Final[frozenset[OrderStatus]] = frozenset(
    status for (status, event) in TRANSITIONS if event is OrderEvent.REPLACE_REQUEST
)
"""Statuses in which a replace request is accepted (read from the table)."""


class InvalidTransition(Exception):  # noqa: N818 - the name the style guide uses
    """An event that the order's current status does not allow."""

    def __init__(self, status: OrderStatus, event: OrderEvent) -> None:
        super().__init__(f"an order that is {status.value} cannot take event {event.value}")
        self.status = status
        self.event = event


def transition(status: OrderStatus, event: OrderEvent) -> OrderStatus:
    """Return the status that ``event`` leads to from ``status``.

    Raises ``InvalidTransition`` for a pair that is not in ``TRANSITIONS``.
    """
    try:
        return TRANSITIONS[status, event]
    except KeyError:
        raise InvalidTransition(status, event) from None


def cancel_rejected(*, filled_any: bool) -> OrderEvent:
    """The event for a refused cancel, given whether the order has filled any quantity."""
    return OrderEvent.CANCEL_REJECT_PARTIAL if filled_any else OrderEvent.CANCEL_REJECT_UNFILLED


def replace_rejected(*, filled_any: bool) -> OrderEvent:
    """The event for a refused replace, given whether the order has filled any quantity."""
    return OrderEvent.REPLACE_REJECT_PARTIAL if filled_any else OrderEvent.REPLACE_REJECT_UNFILLED


def mermaid_diagram() -> str:
    """Draw ``TRANSITIONS`` as a Mermaid state diagram (events between the same two
    statuses share one edge)."""
    edges: dict[tuple[OrderStatus, OrderStatus], list[str]] = {}
    for (source, event), target in TRANSITIONS.items():
        edges.setdefault((source, target), []).append(event.value)
    lines = ["stateDiagram-v2", f"    [*] --> {OrderStatus.PENDING.value}"]
    lines += [
        f"    {source.value} --> {target.value}: {', '.join(events)}"
        for (source, target), events in edges.items()
    ]
    lines += [f"    {status.value} --> [*]" for status in OrderStatus if status in TERMINAL]
    return "\n".join(lines) + "\n"
