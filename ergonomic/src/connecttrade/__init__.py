"""connecttrade: the typed, exact, retry-safe Python SDK for the Connect Trade API.

```python
import connecttrade

with connecttrade.Client() as ct:  # credentials from CONNECTTRADE_* variables
    for account in ct.accounts.list():
        print(account.account_id, account.broker)
    handle = ct.orders.place(connecttrade.market("AAPL", 1, side="BUY"),
                             account_id="acc_...")
    print(handle.wait().status)
```
"""

from connecttrade import strategies
from connecttrade._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ConnectTradeError,
    InternalServerError,
    MarketDataTimeoutError,
    MissingCredentialsError,
    NotFoundError,
    OrderWaitTimeoutError,
    PermissionDeniedError,
    RateLimitError,
    SessionReplacedError,
    StreamAuthenticationError,
    StreamError,
    StreamProtocolError,
    StreamStateError,
    SubscriptionRefusedError,
    UnexpectedResponseError,
)
from connecttrade.rest.async_client import AsyncClient
from connecttrade.rest.client import Client
from connecttrade.rest.order_handle import AsyncOrderHandle, OrderHandle
from connecttrade.rest.order_tracker import OrderTracker
from connecttrade.streams.account_state import AccountChange, AccountSnapshot, AccountState
from connecttrade.streams.account_view import LiveAccountView
from connecttrade.streams.backoff import Backoff
from connecttrade.streams.brokerage import BrokerageStream
from connecttrade.streams.events import BrokerageEvent, MarketDataEvent
from connecttrade.streams.market_cache import MarketCache
from connecttrade.streams.market_data import MarketDataStream, TokenSource
from connecttrade.streams.order_book import OrderBook
from connecttrade.streams.state import StateChanged, StreamState
from connecttrade.streams.sync import SyncAccountView, SyncBrokerageStream, SyncMarketDataStream
from connecttrade.types.broker import Broker
from connecttrade.types.brokerage_events import (
    BalanceUpdate,
    ErrorNotice,
    OrderUpdate,
    PositionUpdate,
    SequenceGap,
    TopicsSubscribed,
)
from connecttrade.types.enums import (
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
from connecttrade.types.equity_symbol import EquitySymbol, InvalidEquitySymbol
from connecttrade.types.market_data_events import (
    Bar,
    BarSnapshot,
    BookLevel,
    ChannelSubscribed,
    ChannelUnsubscribed,
    Depth,
    Greeks,
    HistoricalBar,
    MarketDataSubscription,
    OptionContractQuote,
    OptionsChain,
    Quote,
    SubscriptionList,
    SubscriptionRefused,
    Trade,
)
from connecttrade.types.option_symbol import InvalidOptionSymbol, OptionRight, OptionSymbol
from connecttrade.types.order_events import (
    OrderCancelled,
    OrderEvent,
    OrderExpired,
    OrderFill,
    OrderFilled,
    OrderPartiallyFilled,
    OrderRejected,
    OrderReplaced,
    OrderStatusChanged,
)
from connecttrade.types.orders import (
    InvalidOrder,
    Leg,
    OrderRequest,
    limit,
    market,
    new_cl_order_id,
    stop,
    stop_limit,
)
from connecttrade.types.results import (
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
from connecttrade.types.secret import Secret
from connecttrade.types.strategies import InvalidStrategy
from connecttrade.types.workflows import vwap

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
