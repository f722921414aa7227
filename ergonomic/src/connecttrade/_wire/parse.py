"""Build the SDK's result values from the API's JSON.

The generated models are not used for answers on purpose: their parsers raise on an enum
value the contract does not list, while these keep the unknown text readable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from connecttrade._exceptions import UnexpectedResponseError
from connecttrade._wire import field_table as ft
from connecttrade._wire.fields import NOT_JSON, Fields
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

__all__ = [
    "TABLES",
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
    """Parse a list answer item by item, in any of the shapes the evidence shows.

    The contract answers a bare JSON array. Live clients read ``GET /connections`` as an
    array that may be ``null`` (read as no items), and the vendor documents cursors on
    lists, so a page object holding the items under ``what`` (``{"connections": [...]}``)
    is read too. A page that names a further page cannot be followed by a call without a
    cursor parameter: that is an error rather than a silently short list.
    """
    if type(body) is list:
        return [parse(item) for item in body]
    if body is None:
        return []
    if body is NOT_JSON:
        raise UnexpectedResponseError(f"{what}: the answer is not JSON")
    if isinstance(body, dict) and what in body:
        fields = Fields(body, f"{what} page")
        if fields.opt_text("next_cursor") is not None:
            raise UnexpectedResponseError(
                f"{what}: the answer is a page with a next_cursor, and this call takes no "
                "cursor: only its first page could be read"
            )
        return [parse(item) for item in fields.items(what)]
    raise UnexpectedResponseError(
        f"{what}: expected a JSON array (or null, or an object with {what!r})"
    )


def page(parse: Callable[[object], _T], body: object, key: str) -> tuple[list[_T], str | None]:
    """Parse a page object: its items under ``key`` and its ``next_cursor``.

    The vendor's cookbook iterates over ``GET /orders`` as a bare array (medium
    confidence), so a bare array (or ``null``) is read as the one and last page.
    """
    if type(body) is list:
        return [parse(item) for item in body], None
    if body is None:
        return [], None
    if body is NOT_JSON:
        raise UnexpectedResponseError(f"{key}: the answer is not JSON")
    fields = Fields(body, f"{key} page")
    return [parse(item) for item in fields.items(key)], fields.opt_text("next_cursor")


_USER_CREDENTIALS = ft.FieldTable(
    UserCredentials,
    "UserCredentials",
    [ft.text("user_id"), ft.secret("user_secret"), ft.datetime("created_at")],
)
_USER = ft.FieldTable(
    User, "User", [ft.text("user_id"), ft.datetime("created_at"), ft.integer("connection_count")]
)
_CONNECTION_REQUEST = ft.FieldTable(
    ConnectionRequest,
    "ConnectionRequest",
    [ft.text("url", key="connection_request_url"), ft.datetime("expires_at")],
)
_ACCOUNT_REF = ft.FieldTable(
    AccountRef,
    "AccountRef",
    [ft.text("account_id"), ft.text("account_number"), ft.text("institution_name")],
)
_MARKET_DATA_TOKEN = ft.FieldTable(
    MarketDataToken,
    "ConnectionToken",
    [ft.text("connection_id"), ft.secret("token"), ft.datetime("expires_at")],
)
_ACCOUNT = ft.FieldTable(
    Account,
    "Account",
    [
        ft.text("account_id"),
        ft.text("account_number"),
        ft.text("institution_name"),
        ft.text("connection_id"),
        ft.enum("broker", Broker),
        ft.enum("account_type", AccountType),
        ft.boolean("is_paper"),
        ft.boolean("can_trade"),
        ft.text("currency"),
    ],
)
_BALANCE = ft.FieldTable(
    Balance,
    "Balance",
    [
        ft.text("account_id"),
        ft.text("account_number"),
        ft.enum("broker", Broker),
        ft.enum("account_type", AccountType),
        ft.text("currency"),
        ft.decimal("cash"),
        ft.decimal("buying_power"),
        ft.decimal("equity"),
        ft.decimal("long_market_value"),
        ft.decimal("short_market_value"),
        ft.opt_decimal("margin_used"),
        ft.opt_decimal("open_orders_reserved"),
        ft.opt_decimal("maintenance_margin"),
        ft.opt_decimal("collateral"),
        ft.opt_decimal("realized_pl"),
        ft.opt_decimal("daily_pl"),
        ft.integer("version"),
    ],
)
_POSITION = ft.FieldTable(
    Position,
    "Position",
    [
        ft.text("account_id"),
        ft.text("symbol"),
        ft.enum("instrument", Instrument),
        ft.decimal("quantity"),
        ft.decimal("avg_price"),
        ft.decimal("cost_basis"),
        ft.decimal("multiplier"),
        ft.opt_decimal("last_price"),
        ft.opt_decimal("market_value"),
        ft.opt_decimal("unrealized_pl"),
        ft.opt_decimal("realized_pl"),
        ft.opt_decimal("daily_pl"),
        ft.opt_decimal("total_pl"),
        ft.integer("version"),
    ],
)


def user_credentials(body: object, sent_user_id: str | None = None) -> UserCredentials:
    """``sent_user_id``: the id the request named, read when the answer leaves ``user_id``
    out (live clients of ``POST /users`` read only ``user_secret`` and fall back so)."""
    if sent_user_id is not None and isinstance(body, dict) and "user_id" not in body:
        body = {"user_id": sent_user_id, **body}
    return _USER_CREDENTIALS.read(body)


def user(body: object) -> User:
    return _USER.read(body)


def connection_request(body: object) -> ConnectionRequest:
    return _CONNECTION_REQUEST.read(body)


def account_ref(body: object) -> AccountRef:
    return _ACCOUNT_REF.read(body)


# The vendor's name for the schema (live client code); it has no ``status`` field.
_CONNECTION = ft.FieldTable(
    Connection,
    "ConnectionResponse",
    [
        ft.text("connection_id"),
        ft.enum("broker", Broker),
        ft.enum("connection_type", ConnectionType),
        ft.datetime("created_at"),
        # Live clients read `accounts` as possibly null: null is no accounts.
        ft.items("accounts", account_ref, nullable=True),
    ],
)


def connection(body: object) -> Connection:
    return _CONNECTION.read(body)


def market_data_token(body: object) -> MarketDataToken:
    return _MARKET_DATA_TOKEN.read(body)


def account(body: object) -> Account:
    return _ACCOUNT.read(body)


def balance(body: object) -> Balance:
    return _BALANCE.read(body)


def position(body: object) -> Position:
    return _POSITION.read(body)


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


_TRANSACTION = ft.FieldTable(
    Transaction,
    "Transaction",
    [
        ft.text("transaction_id"),
        ft.text("account_id"),
        ft.enum("type", TransactionType),
        ft.datetime("time"),
        ft.date("trade_date"),
        ft.opt_text("symbol"),
        ft.opt_enum("side", OrderSide),
        ft.opt_decimal("quantity"),
        ft.opt_decimal("price"),
        ft.decimal("amount"),
        ft.opt_text("order_id"),
        ft.opt_text("fill_id"),
        ft.text("description"),
    ],
)
_AGENT_TOKEN = ft.FieldTable(
    AgentToken,
    "UserToken",
    [
        ft.secret("access_token"),
        ft.text("token_type"),
        ft.datetime("expires_at"),
        ft.integer("expires_in"),
        ft.texts("scopes"),
    ],
)

#: Every table, by the contract schema it reads (``tests/contract`` compares them).
TABLES: dict[str, ft.FieldTable[Any]] = {
    table.what: table
    for table in (
        _USER_CREDENTIALS,
        _USER,
        _CONNECTION_REQUEST,
        _ACCOUNT_REF,
        _CONNECTION,
        _MARKET_DATA_TOKEN,
        _ACCOUNT,
        _BALANCE,
        _POSITION,
        _FILL,
        _ORDER_LEG,
        _ORDER,
        _TRANSACTION,
        _AGENT_TOKEN,
    )
}


def transaction(body: object) -> Transaction:
    return _TRANSACTION.read(body)


def agent_token(body: object) -> AgentToken:
    return _AGENT_TOKEN.read(body)
