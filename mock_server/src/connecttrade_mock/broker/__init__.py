"""The broker: accounts, orders and their lifecycle, the engine that works them, the
simulator that owns it all, and persistence."""

from connecttrade_mock.broker.accounting import (
    BUY_SIDES,
    BalanceFigures,
    FillEffect,
    Holdings,
    Reserve,
    ReserveBook,
    ReserveKind,
    apply_fill,
    available_for_orders,
    balance,
    balance_of,
    fee_for,
    initial_rate,
    order_reserve,
    roll_day,
    signed_quantity,
    value_holdings,
)
from connecttrade_mock.broker.brokers import (
    BROKERS,
    FIX_STATUS_NAMES,
    Broker,
    lookup,
)
from connecttrade_mock.broker.engine import (
    Engine,
)
from connecttrade_mock.broker.engine_event import (
    EngineEvent,
    Listener,
)
from connecttrade_mock.broker.errors import (
    ApiError,
)
from connecttrade_mock.broker.ids import (
    IdFactory,
)
from connecttrade_mock.broker.market_port import (
    MarketPort,
    QuoteView,
)
from connecttrade_mock.broker.outcome import (
    SCENARIO_SYMBOLS,
    Outcome,
)
from connecttrade_mock.broker.persistence import (
    Database,
)
from connecttrade_mock.broker.resting import (
    RestingOrders,
    rests_quietly,
)
from connecttrade_mock.broker.state import (
    Account,
    Client,
    Connection,
    ConnectionRequest,
    Fill,
    Leg,
    Order,
    Position,
    Record,
    Store,
    Transaction,
    User,
    UserKey,
)
from connecttrade_mock.broker.value_maker import (
    ValueMaker,
    plain_decimal,
    plain_text,
)

__all__ = [
    "BROKERS",
    "BUY_SIDES",
    "FIX_STATUS_NAMES",
    "SCENARIO_SYMBOLS",
    "Account",
    "ApiError",
    "BalanceFigures",
    "Broker",
    "Client",
    "Connection",
    "ConnectionRequest",
    "Database",
    "Engine",
    "EngineEvent",
    "Fill",
    "FillEffect",
    "Holdings",
    "IdFactory",
    "Leg",
    "Listener",
    "MarketPort",
    "Order",
    "Outcome",
    "Position",
    "QuoteView",
    "Record",
    "Reserve",
    "ReserveBook",
    "ReserveKind",
    "RestingOrders",
    "Store",
    "Transaction",
    "User",
    "UserKey",
    "ValueMaker",
    "apply_fill",
    "available_for_orders",
    "balance",
    "balance_of",
    "fee_for",
    "initial_rate",
    "lookup",
    "order_reserve",
    "plain_decimal",
    "plain_text",
    "rests_quietly",
    "roll_day",
    "signed_quantity",
    "value_holdings",
]
