"""The two WebSocket streams, their sync facades and what is kept from them.

``brokerage`` and ``market_data`` are the asyncio streams, ``sync`` their blocking facades
(an event loop on a thread); ``account_state``, ``account_view``, ``market_cache`` and
``order_book`` keep state from their events; ``one_shot`` holds the short sessions behind
``client.market_data``. The wire protocol itself is sans-I/O in
:mod:`connecttrade.streams._protocol`; the thin asyncio layer shared by both streams is
``_core``.
"""

from __future__ import annotations

from connecttrade.streams.account_state import (
    AccountChange,
    AccountSnapshot,
    AccountState,
    AccountUpdate,
)
from connecttrade.streams.account_view import (
    LiveAccountView,
)
from connecttrade.streams.backoff import (
    Backoff,
)
from connecttrade.streams.brokerage import (
    BrokerageStream,
)
from connecttrade.streams.events import (
    BrokerageEvent,
    MarketDataEvent,
)
from connecttrade.streams.market_cache import (
    MarketCache,
)
from connecttrade.streams.market_data import (
    MarketDataStream,
    TokenSource,
)
from connecttrade.streams.one_shot import (
    OneShotSession,
)
from connecttrade.streams.order_book import (
    OrderBook,
)
from connecttrade.streams.state import (
    StateChanged,
    StreamState,
)
from connecttrade.streams.sync import (
    SyncAccountView,
    SyncBrokerageStream,
    SyncMarketDataStream,
)

__all__ = [
    "AccountChange",
    "AccountSnapshot",
    "AccountState",
    "AccountUpdate",
    "Backoff",
    "BrokerageEvent",
    "BrokerageStream",
    "LiveAccountView",
    "MarketCache",
    "MarketDataEvent",
    "MarketDataStream",
    "OneShotSession",
    "OrderBook",
    "StateChanged",
    "StreamState",
    "SyncAccountView",
    "SyncBrokerageStream",
    "SyncMarketDataStream",
    "TokenSource",
]
