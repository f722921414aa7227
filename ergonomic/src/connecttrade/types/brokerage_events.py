"""What the brokerage stream delivers: order, position and balance updates, as values.

Each update carries the whole entity after the change (the REST shapes of
:mod:`connecttrade.types.results`), the session sequence number ``seq`` (1, 2, 3... per
connection) and the entity's ``version``: apply an update only when its version is above
the one held. A :class:`SequenceGap` says numbers were skipped, so updates were lost and
the state must be fetched again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from connecttrade.types.results import Balance, Order, Position

__all__ = [
    "BalanceUpdate",
    "ErrorNotice",
    "OrderUpdate",
    "PositionUpdate",
    "SequenceGap",
    "TopicsSubscribed",
]


@dataclass(frozen=True, slots=True)
class OrderUpdate:
    """An order changed; ``order`` is the whole order after the change."""

    seq: int
    time: dt.datetime
    user_id: str
    account_id: str
    version: int
    order: Order


@dataclass(frozen=True, slots=True)
class PositionUpdate:
    """A position changed; a closed position comes with ``quantity`` 0."""

    seq: int
    time: dt.datetime
    user_id: str
    account_id: str
    version: int
    position: Position


@dataclass(frozen=True, slots=True)
class BalanceUpdate:
    """An account's balance changed."""

    seq: int
    time: dt.datetime
    user_id: str
    account_id: str
    version: int
    balance: Balance


@dataclass(frozen=True, slots=True)
class SequenceGap:
    """Sequence numbers ``expected`` up to ``received - 1`` never arrived."""

    expected: int
    received: int


@dataclass(frozen=True, slots=True)
class TopicsSubscribed:
    """The server's answer to a subscribe or unsubscribe: the topics now active."""

    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ErrorNotice:
    """The server refused a request on the socket (``code`` as the protocol names it).

    The session stays open unless a close follows. ``request_id`` names the snapshot
    request refused, when it was one.
    """

    code: str
    message: str
    request_id: str | None = None
