"""Build the SDK's result values from the API's JSON.

The generated models are not used for answers on purpose: their parsers raise on an enum
value the contract does not list, while these keep the unknown text readable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from connecttrade._exceptions import UnexpectedResponseError
from connecttrade._wire import field_table as ft
from connecttrade._wire.fields import Fields
from connecttrade.types.broker import Broker
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
from connecttrade.types.results import (
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
from connecttrade.types.secret import Secret

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


_FILL = ft.FieldTable(
    Fill,
    "Fill",
    [ft.text("fill_id"), ft.datetime("time"), ft.decimal("quantity"), ft.decimal("price")],
)


def fill(body: object) -> Fill:
    return _FILL.read(body)


_ORDER_LEG = ft.FieldTable(
    OrderLeg,
    "OrderLeg",
    [ft.text("symbol"), ft.enum("action", LegAction), ft.integer("ratio")],
)


def order_leg(body: object) -> OrderLeg:
    return _ORDER_LEG.read(body)


# A table because pages of up to 500 orders are read at once (see _wire.field_table).
_ORDER = ft.FieldTable(
    Order,
    "Order",
    [
        ft.text("order_id"),
        ft.text("account_id"),
        ft.text("cl_order_id"),
        ft.enum("broker", Broker),
        ft.enum("instrument", Instrument),
        ft.opt_text("symbol"),
        ft.opt_enum("side", OrderSide),
        ft.enum("order_type", OrderType),
        ft.enum("tif", TimeInForce, key="order_tif"),
        ft.opt_decimal("qty", key="order_qty"),
        ft.opt_decimal("notional", key="order_notional"),
        ft.opt_decimal("limit_price", key="order_limit_price"),
        ft.opt_decimal("stop_price"),
        ft.items("legs", order_leg),
        ft.enum("status", OrderStatus),
        ft.text("broker_status"),
        ft.opt_text("reject_reason"),
        ft.decimal("filled_qty"),
        ft.opt_decimal("remaining_qty"),
        ft.opt_decimal("avg_fill_price"),
        ft.items("fills", fill),
        ft.datetime("created_at"),
        ft.datetime("updated_at"),
        ft.opt_text("replaces_order_id"),
        ft.opt_text("replaced_by_order_id"),
        ft.integer("version"),
    ],
)


def order(body: object) -> Order:
    return _ORDER.read(body)


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
