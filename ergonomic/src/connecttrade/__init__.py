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
from connecttrade.async_client import AsyncClient
from connecttrade.broker import Broker
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
from connecttrade.option_symbol import InvalidOptionSymbol, OptionRight, OptionSymbol
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
from connecttrade.workflows import vwap

__version__ = "0.1.0"

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "Account",
    "AccountRef",
    "AccountType",
    "AgentToken",
    "AsyncClient",
    "AsyncOrderHandle",
    "AuthenticationError",
    "BadRequestError",
    "Balance",
    "Broker",
    "Client",
    "ConflictError",
    "ConnectTradeError",
    "Connection",
    "ConnectionRequest",
    "ConnectionType",
    "DailySummary",
    "EquitySymbol",
    "Fill",
    "Instrument",
    "InternalServerError",
    "InvalidEquitySymbol",
    "InvalidOptionSymbol",
    "InvalidOrder",
    "InvalidStrategy",
    "Leg",
    "LegAction",
    "MarketDataToken",
    "MissingCredentialsError",
    "NotFoundError",
    "OptionRight",
    "OptionSymbol",
    "Order",
    "OrderHandle",
    "OrderLeg",
    "OrderRequest",
    "OrderSide",
    "OrderStatus",
    "OrderTracker",
    "OrderType",
    "OrderWaitTimeoutError",
    "PermissionDeniedError",
    "Position",
    "RateLimitError",
    "Secret",
    "TimeInForce",
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
