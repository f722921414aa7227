"""Build the SDK's result values from the API's JSON.

The generated models are not used for answers on purpose: their parsers raise on an enum
value the contract does not list, while these keep the unknown text readable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from connecttrade.broker import Broker
from connecttrade.client_errors import UnexpectedResponseError
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
from connecttrade.results import (
    Account,
    AccountRef,
    AgentToken,
    Balance,
    Connection,
    ConnectionRequest,
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

from .fields import Fields

__all__ = [
    "account",
    "agent_token",
    "balance",
    "connection",
    "connection_request",
    "list_of",
    "market_data_token",
    "order",
    "page",
    "position",
    "transaction",
    "user",
    "user_credentials",
]

_T = TypeVar("_T")


def list_of(parse: Callable[[object], _T], body: object, what: str) -> list[_T]:
    """Parse a JSON array answer item by item."""
    if not isinstance(body, list):
        raise UnexpectedResponseError(f"{what}: expected a JSON array")
    return [parse(item) for item in body]


def page(parse: Callable[[object], _T], body: object, key: str) -> tuple[list[_T], str | None]:
    """Parse a page object: its items under ``key`` and its ``next_cursor``."""
    fields = Fields(body, f"{key} page")
    return [parse(item) for item in fields.items(key)], fields.opt_text("next_cursor")


def _secret(fields: Fields, key: str) -> Secret:
    value = fields.text(key)
    if not value:
        raise UnexpectedResponseError(f"{key}: expected a non-empty secret")
    return Secret(value)


def user_credentials(body: object) -> UserCredentials:
    f = Fields(body, "UserCredentials")
    return UserCredentials(
        user_id=f.text("user_id"),
        user_secret=_secret(f, "user_secret"),
        created_at=f.datetime("created_at"),
    )


def user(body: object) -> User:
    f = Fields(body, "User")
    return User(
        user_id=f.text("user_id"),
        created_at=f.datetime("created_at"),
        connection_count=f.integer("connection_count"),
    )


def connection_request(body: object) -> ConnectionRequest:
    f = Fields(body, "ConnectionRequest")
    return ConnectionRequest(
        url=f.text("connection_request_url"), expires_at=f.datetime("expires_at")
    )


def account_ref(body: object) -> AccountRef:
    f = Fields(body, "AccountRef")
    return AccountRef(
        account_id=f.text("account_id"),
        account_number=f.text("account_number"),
        institution_name=f.text("institution_name"),
    )


def connection(body: object) -> Connection:
    f = Fields(body, "Connection")
    return Connection(
        connection_id=f.text("connection_id"),
        broker=f.enum("broker", Broker),
        connection_type=f.enum("connection_type", ConnectionType),
        created_at=f.datetime("created_at"),
        accounts=tuple(account_ref(item) for item in f.items("accounts")),
    )


def market_data_token(body: object) -> MarketDataToken:
    f = Fields(body, "ConnectionToken")
    return MarketDataToken(
        connection_id=f.text("connection_id"),
        token=_secret(f, "token"),
        expires_at=f.datetime("expires_at"),
    )


def account(body: object) -> Account:
    f = Fields(body, "Account")
    return Account(
        account_id=f.text("account_id"),
        account_number=f.text("account_number"),
        institution_name=f.text("institution_name"),
        connection_id=f.text("connection_id"),
        broker=f.enum("broker", Broker),
        account_type=f.enum("account_type", AccountType),
        is_paper=f.boolean("is_paper"),
        can_trade=f.boolean("can_trade"),
        currency=f.text("currency"),
    )


def balance(body: object) -> Balance:
    f = Fields(body, "Balance")
    return Balance(
        account_id=f.text("account_id"),
        account_number=f.text("account_number"),
        broker=f.enum("broker", Broker),
        account_type=f.enum("account_type", AccountType),
        currency=f.text("currency"),
        cash=f.decimal("cash"),
        buying_power=f.decimal("buying_power"),
        equity=f.decimal("equity"),
        long_market_value=f.decimal("long_market_value"),
        short_market_value=f.decimal("short_market_value"),
        margin_used=f.opt_decimal("margin_used"),
        open_orders_reserved=f.opt_decimal("open_orders_reserved"),
        maintenance_margin=f.opt_decimal("maintenance_margin"),
        collateral=f.opt_decimal("collateral"),
        realized_pl=f.opt_decimal("realized_pl"),
        daily_pl=f.opt_decimal("daily_pl"),
        version=f.integer("version"),
    )


def position(body: object) -> Position:
    f = Fields(body, "Position")
    return Position(
        account_id=f.text("account_id"),
        symbol=f.text("symbol"),
        instrument=f.enum("instrument", Instrument),
        quantity=f.decimal("quantity"),
        avg_price=f.decimal("avg_price"),
        cost_basis=f.decimal("cost_basis"),
        multiplier=f.decimal("multiplier"),
        last_price=f.opt_decimal("last_price"),
        market_value=f.opt_decimal("market_value"),
        unrealized_pl=f.opt_decimal("unrealized_pl"),
        realized_pl=f.opt_decimal("realized_pl"),
        daily_pl=f.opt_decimal("daily_pl"),
        total_pl=f.opt_decimal("total_pl"),
        version=f.integer("version"),
    )


def fill(body: object) -> Fill:
    f = Fields(body, "Fill")
    return Fill(
        fill_id=f.text("fill_id"),
        time=f.datetime("time"),
        quantity=f.decimal("quantity"),
        price=f.decimal("price"),
    )


def order_leg(body: object) -> OrderLeg:
    f = Fields(body, "OrderLeg")
    return OrderLeg(
        symbol=f.text("symbol"), action=f.enum("action", LegAction), ratio=f.integer("ratio")
    )


def order(body: object) -> Order:
    f = Fields(body, "Order")
    return Order(
        order_id=f.text("order_id"),
        account_id=f.text("account_id"),
        cl_order_id=f.text("cl_order_id"),
        broker=f.enum("broker", Broker),
        instrument=f.enum("instrument", Instrument),
        symbol=f.opt_text("symbol"),
        side=f.opt_enum("side", OrderSide),
        order_type=f.enum("order_type", OrderType),
        tif=f.enum("order_tif", TimeInForce),
        qty=f.opt_decimal("order_qty"),
        notional=f.opt_decimal("order_notional"),
        limit_price=f.opt_decimal("order_limit_price"),
        stop_price=f.opt_decimal("stop_price"),
        legs=tuple(order_leg(item) for item in f.items("legs")),
        status=f.enum("status", OrderStatus),
        broker_status=f.text("broker_status"),
        reject_reason=f.opt_text("reject_reason"),
        filled_qty=f.decimal("filled_qty"),
        remaining_qty=f.opt_decimal("remaining_qty"),
        avg_fill_price=f.opt_decimal("avg_fill_price"),
        fills=tuple(fill(item) for item in f.items("fills")),
        created_at=f.datetime("created_at"),
        updated_at=f.datetime("updated_at"),
        replaces_order_id=f.opt_text("replaces_order_id"),
        replaced_by_order_id=f.opt_text("replaced_by_order_id"),
        version=f.integer("version"),
    )


def transaction(body: object) -> Transaction:
    f = Fields(body, "Transaction")
    return Transaction(
        transaction_id=f.text("transaction_id"),
        account_id=f.text("account_id"),
        type=f.enum("type", TransactionType),
        time=f.datetime("time"),
        trade_date=f.date("trade_date"),
        symbol=f.opt_text("symbol"),
        side=f.opt_enum("side", OrderSide),
        quantity=f.opt_decimal("quantity"),
        price=f.opt_decimal("price"),
        amount=f.decimal("amount"),
        order_id=f.opt_text("order_id"),
        fill_id=f.opt_text("fill_id"),
        description=f.text("description"),
    )


def agent_token(body: object) -> AgentToken:
    f = Fields(body, "UserToken")
    return AgentToken(
        access_token=_secret(f, "access_token"),
        token_type=f.text("token_type"),
        expires_at=f.datetime("expires_at"),
        expires_in=f.integer("expires_in"),
        scopes=f.texts("scopes"),
    )
