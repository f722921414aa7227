"""Tests pinning the package's public surface."""

from __future__ import annotations

import importlib

import pytest

import connecttrade

EXPECTED_ALL = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "Account",
    "AccountChange",
    "AccountRef",
    "AccountSnapshot",
    "AccountState",
    "AccountType",
    "AgentToken",
    "AsyncClient",
    "AsyncOrderHandle",
    "AuthenticationError",
    "Backoff",
    "BadRequestError",
    "Balance",
    "BalanceUpdate",
    "Bar",
    "BarSnapshot",
    "BookLevel",
    "Broker",
    "BrokerageEvent",
    "BrokerageStream",
    "ChannelSubscribed",
    "ChannelUnsubscribed",
    "Client",
    "ConflictError",
    "ConnectTradeError",
    "Connection",
    "ConnectionRequest",
    "ConnectionType",
    "DailySummary",
    "Depth",
    "EquitySymbol",
    "ErrorNotice",
    "Fill",
    "Greeks",
    "HistoricalBar",
    "Instrument",
    "InternalServerError",
    "InvalidEquitySymbol",
    "InvalidOptionSymbol",
    "InvalidOrder",
    "InvalidStrategy",
    "Leg",
    "LegAction",
    "LiveAccountView",
    "MarketCache",
    "MarketDataEvent",
    "MarketDataStream",
    "MarketDataSubscription",
    "MarketDataTimeoutError",
    "MarketDataToken",
    "MissingCredentialsError",
    "NotFoundError",
    "OptionContractQuote",
    "OptionRight",
    "OptionSymbol",
    "OptionsChain",
    "Order",
    "OrderBook",
    "OrderCancelled",
    "OrderEvent",
    "OrderExpired",
    "OrderFill",
    "OrderFilled",
    "OrderHandle",
    "OrderLeg",
    "OrderPartiallyFilled",
    "OrderRejected",
    "OrderReplaced",
    "OrderRequest",
    "OrderSide",
    "OrderStatus",
    "OrderStatusChanged",
    "OrderTracker",
    "OrderType",
    "OrderUpdate",
    "OrderWaitTimeoutError",
    "PermissionDeniedError",
    "Position",
    "PositionUpdate",
    "Quote",
    "RateLimitError",
    "Secret",
    "SequenceGap",
    "SessionReplacedError",
    "StateChanged",
    "StreamAuthenticationError",
    "StreamError",
    "StreamProtocolError",
    "StreamState",
    "StreamStateError",
    "SubscriptionList",
    "SubscriptionRefused",
    "SubscriptionRefusedError",
    "SyncAccountView",
    "SyncBrokerageStream",
    "SyncMarketDataStream",
    "TimeInForce",
    "TokenSource",
    "TopicsSubscribed",
    "Trade",
    "Transaction",
    "TransactionType",
    "UnexpectedResponseError",
    "User",
    "UserCredentials",
    "__version__",
    "limit",
    "market",
    "new_cl_order_id",
    "stop",
    "stop_limit",
    "strategies",
    "vwap",
]


def test_all_is_pinned() -> None:
    """The package exports exactly this list of names; changing it is a deliberate act."""
    assert connecttrade.__all__ == EXPECTED_ALL


def test_all_is_sorted() -> None:
    """__all__ is kept sorted so additions are easy to review."""
    assert connecttrade.__all__ == sorted(connecttrade.__all__)


def test_every_exported_name_exists() -> None:
    """Every name in __all__ is importable from the package root."""
    missing = [name for name in connecttrade.__all__ if not hasattr(connecttrade, name)]
    assert missing == []


def test_no_generated_names_leak() -> None:
    """Nothing exported comes from the generated client."""
    leaked = [
        name
        for name in connecttrade.__all__
        if getattr(getattr(connecttrade, name), "__module__", "").startswith("connecttrade_client")
    ]
    assert leaked == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("connecttrade.strategies", "connecttrade.types.strategies"),
        ("connecttrade.equity_symbol", "connecttrade.types.equity_symbol"),
        ("connecttrade.option_symbol", "connecttrade.types.option_symbol"),
    ],
)
def test_documented_module_paths_still_import(old: str, new: str) -> None:
    """A module the README names keeps its path and public names after the code moved."""
    kept, moved = importlib.import_module(old), importlib.import_module(new)
    assert kept.__all__ == moved.__all__
    assert all(getattr(kept, name) is getattr(moved, name) for name in kept.__all__)


def test_root_strategies_is_the_documented_module() -> None:
    """``from connecttrade import strategies`` gives the module at connecttrade.strategies."""
    assert connecttrade.strategies is importlib.import_module("connecttrade.strategies")
