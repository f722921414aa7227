"""Everything each stream delivers: the stream's own values plus its state changes.

The event values themselves live in :mod:`connecttrade.types` (they need nothing of a
stream); these unions add :class:`~connecttrade.streams.state.StateChanged`, which names
the stream errors, so they sit in the stream layer.
"""

from __future__ import annotations

from typing import TypeAlias

from connecttrade.streams.state import StateChanged
from connecttrade.types.brokerage_events import (
    BalanceUpdate,
    ErrorNotice,
    OrderUpdate,
    PositionUpdate,
    SequenceGap,
    TopicsSubscribed,
)
from connecttrade.types.market_data_events import (
    Bar,
    BarSnapshot,
    ChannelSubscribed,
    ChannelUnsubscribed,
    Depth,
    OptionsChain,
    Quote,
    SubscriptionList,
    SubscriptionRefused,
    Trade,
)

__all__ = ["BrokerageEvent", "MarketDataEvent"]

#: Everything a brokerage stream delivers to its listeners and iterators.
BrokerageEvent: TypeAlias = (
    OrderUpdate
    | PositionUpdate
    | BalanceUpdate
    | SequenceGap
    | TopicsSubscribed
    | ErrorNotice
    | StateChanged
)


#: Everything a market-data stream delivers to its listeners and iterators.
MarketDataEvent: TypeAlias = (
    Quote
    | Trade
    | Bar
    | Depth
    | OptionsChain
    | BarSnapshot
    | ChannelSubscribed
    | SubscriptionRefused
    | ChannelUnsubscribed
    | SubscriptionList
    | ErrorNotice
    | StateChanged
)
