"""The two WebSocket streams: brokerage events and market data."""

from connecttrade_mock.streams.brokerage import (
    TOPICS,
    BrokerageProtocol,
    EntityUpdate,
    topic_of,
)
from connecttrade_mock.streams.contract import (
    MAX_FRAME_BYTES,
    CloseCode,
    ErrorCode,
    FrameError,
    StreamContract,
    StreamKind,
    parse_frame,
)
from connecttrade_mock.streams.endpoints import (
    BROKERAGE_PATH,
    MARKET_DATA_PATH,
    stream_routes,
)
from connecttrade_mock.streams.hub import (
    StreamHub,
)
from connecttrade_mock.streams.market_data import (
    MAX_SUBSCRIPTIONS,
    TRADE_BURST,
    Channel,
    MarketDataProtocol,
    PushMemo,
    Subscription,
)
from connecttrade_mock.streams.protocol import (
    Reply,
    SessionState,
    StreamProtocol,
    error_frame,
)
from connecttrade_mock.streams.session import (
    Close,
    Outgoing,
    Send,
    StreamSession,
    StreamSettings,
    Wait,
)

__all__ = [
    "BROKERAGE_PATH",
    "MARKET_DATA_PATH",
    "MAX_FRAME_BYTES",
    "MAX_SUBSCRIPTIONS",
    "TOPICS",
    "TRADE_BURST",
    "BrokerageProtocol",
    "Channel",
    "Close",
    "CloseCode",
    "EntityUpdate",
    "ErrorCode",
    "FrameError",
    "MarketDataProtocol",
    "Outgoing",
    "PushMemo",
    "Reply",
    "Send",
    "SessionState",
    "StreamContract",
    "StreamHub",
    "StreamKind",
    "StreamProtocol",
    "StreamSession",
    "StreamSettings",
    "Subscription",
    "Wait",
    "error_frame",
    "parse_frame",
    "stream_routes",
    "topic_of",
]
