"""The changes the engine publishes to its listeners (the streams)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from connecttrade_mock.broker.state import (
    Account,
    Order,
    Position,
    UserKey,
)

__all__ = [
    "EngineEvent",
    "Listener",
]


class EngineEvent(NamedTuple):
    """A change the streams publish: ``kind`` is order, position or balance (a tuple:
    several are made for every order placed)."""

    kind: str
    user_key: UserKey
    account_id: str
    entity: Order | Position | Account


Listener = Callable[[EngineEvent], None]
