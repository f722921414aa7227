"""connecttrade: the typed, exact, retry-safe Python SDK for the Connect Trade API.

::

    import connecttrade

    with connecttrade.Client() as ct:  # credentials from CONNECTTRADE_* variables
        for account in ct.accounts.list():
            print(account.account_id, account.broker)
        handle = ct.orders.place(connecttrade.market("AAPL", 1, side="BUY"),
                                 account_id="acc_...")
        print(handle.wait().status)
"""

from connecttrade import strategies
from connecttrade.account_state import AccountChange, AccountSnapshot, AccountState
from connecttrade.account_view import LiveAccountView
from connecttrade.async_client import AsyncClient
from connecttrade.backoff import Backoff
from connecttrade.broker import Broker
from connecttrade.brokerage_events import (
    BalanceUpdate,
    BrokerageEvent,
    ErrorNotice,
    OrderUpdate,
    PositionUpdate,
    SequenceGap,
    TopicsSubscribed,
)
from connecttrade.brokerage_stream import BrokerageStream
from connecttrade.client import Client
from connecttrade.client_errors import (
    MissingCredentialsError,
    OrderWaitTimeoutError,
    UnexpectedResponseError,
)
from connecttrade.enums import (
    AccountType,
    ConnectionType,
    Instrument,
    LegAction,
    OrderSide,
    OrderStatus,
    OrderType,
    TimeInForce,
    TransactionType,
)
from connecttrade.equity_symbol import EquitySymbol, InvalidEquitySymbol
from connecttrade.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ConnectTradeError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from connecttrade.market_cache import MarketCache
from connecttrade.market_data_events import (
    Bar,
    BarSnapshot,
    BookLevel,
    ChannelSubscribed,
    ChannelUnsubscribed,
    Depth,
    Greeks,
    HistoricalBar,
    MarketDataEvent,
    MarketDataSubscription,
    OptionContractQuote,
    OptionsChain,
    Quote,
    SubscriptionList,
    SubscriptionRefused,
    Trade,
)
from connecttrade.market_data_stream import MarketDataStream, TokenSource
from connecttrade.option_symbol import InvalidOptionSymbol, OptionRight, OptionSymbol
from connecttrade.order_book import OrderBook
from connecttrade.order_handle import AsyncOrderHandle, OrderHandle
from connecttrade.order_tracker import OrderTracker
from connecttrade.orders import (
    InvalidOrder,
    Leg,
    OrderRequest,
    limit,
    market,
    new_cl_order_id,
    stop,
    stop_limit,
)
from connecttrade.results import (
    Account,
    AccountRef,
    AgentToken,
    Balance,
    Connection,
    ConnectionRequest,
    DailySummary,
    Fill,
    MarketDataToken,
    Order,
    OrderLeg,
    Position,
    Transaction,
    User,
    UserCredentials,
)
from connecttrade.secret import Secret
from connecttrade.strategies import InvalidStrategy
from connecttrade.stream_errors import (
    SessionReplacedError,
    StreamAuthenticationError,
    StreamError,
    StreamProtocolError,
    StreamStateError,
    SubscriptionRefusedError,
)
from connecttrade.stream_state import StateChanged, StreamState
from connecttrade.sync_streams import SyncAccountView, SyncBrokerageStream, SyncMarketDataStream
from connecttrade.workflows import vwap

__version__ = "0.1.0"

__all__ = [
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
    "MarketDataToken",
    "MissingCredentialsError",
    "NotFoundError",
    "OptionContractQuote",
    "OptionRight",
    "OptionSymbol",
    "OptionsChain",
    "Order",
    "OrderBook",
    "OrderHandle",
    "OrderLeg",
    "OrderRequest",
    "OrderSide",
    "OrderStatus",
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
