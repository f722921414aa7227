"""Every API operation, written once as a sans-IO generator (see :mod:`.calls`).

Requests are built from the generated client (``_get_kwargs`` and the request models'
``to_dict``), so paths, parameters and bodies follow the contract through codegen.
Answers are parsed by :mod:`.parse` into the SDK's own results.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from connecttrade._exceptions import ConflictError, UnexpectedResponseError
from connecttrade._http.account_book import AccountBook
from connecttrade._http.calls import Auth, HttpResult, Operation, Retry, from_generated
from connecttrade._wire import parse
from connecttrade.types.enums import Instrument, OrderStatus, TimeInForce
from connecttrade.types.orders import (
    Amount,
    InvalidOrder,
    OrderRequest,
    _amount,
    _check_decimal,
    _check_id,
    _enum,
    _wire_decimal,
)
from connecttrade.types.orders import (
    new_cl_order_id as make_cl_order_id,
)
from connecttrade.types.results import (
    Account,
    AgentToken,
    Balance,
    Connection,
    ConnectionRequest,
    DailySummary,
    MarketDataToken,
    Order,
    Position,
    Transaction,
    User,
    UserCredentials,
)
from connecttrade.types.workflows import daily_summary as summarize
from connecttrade.types.workflows import total_unrealized_pl as sum_unrealized
from connecttrade_client.api.accounts import list_accounts as api_list_accounts
from connecttrade_client.api.auth import create_user_token as api_create_user_token
from connecttrade_client.api.balances import list_balances as api_list_balances
from connecttrade_client.api.connections import create_connection as api_create_connection
from connecttrade_client.api.connections import delete_connection as api_delete_connection
from connecttrade_client.api.connections import get_connection_token as api_connection_token
from connecttrade_client.api.connections import list_connections as api_list_connections
from connecttrade_client.api.orders import cancel_order as api_cancel_order
from connecttrade_client.api.orders import get_order as api_get_order
from connecttrade_client.api.orders import list_orders as api_list_orders
from connecttrade_client.api.orders import modify_order as api_modify_order
from connecttrade_client.api.orders import place_order as api_place_order
from connecttrade_client.api.positions import list_positions as api_list_positions
from connecttrade_client.api.transactions import list_transactions as api_list_transactions
from connecttrade_client.api.users import create_user as api_create_user
from connecttrade_client.api.users import delete_user as api_delete_user
from connecttrade_client.api.users import list_users as api_list_users
from connecttrade_client.api.users import rotate_user_secret as api_rotate_user_secret
from connecttrade_client.models import (
    ConnectionType as ApiConnectionType,
)
from connecttrade_client.models import (
    CreateConnectionRequest,
    CreateUserRequest,
    CreateUserTokenRequest,
    EquityOrderRequest,
    EquitySide,
    ModifyOrderRequest,
    OrderStatusFilter,
    Scope,
    SortOrder,
)
from connecttrade_client.models import OrderSide as ApiOrderSide
from connecttrade_client.models import OrderType as ApiOrderType
from connecttrade_client.models import TimeInForce as ApiTimeInForce
from connecttrade_client.types import UNSET, Unset

__all__ = [
    "OrderFilters",
    "TransactionFilters",
    "agent_token",
    "cancel_order",
    "collect_orders",
    "create_connection",
    "create_user",
    "daily_summary",
    "delete_connection",
    "delete_user",
    "get_order",
    "list_accounts",
    "list_balances",
    "list_connections",
    "list_positions",
    "list_users",
    "market_data_token",
    "modify_order",
    "order_by_cl_order_id",
    "order_page",
    "place_body",
    "place_order",
    "rotate_user_secret",
    "total_unrealized_pl",
    "transaction_page",
]

_T = TypeVar("_T")
_G = TypeVar("_G", bound=StrEnum)

_MAX_PAGE = 500
# The contract's pattern for the ``symbols`` filter; other symbols are matched client-side.
_SYMBOLS_FILTER = re.compile(r"^[A-Za-z0-9/ .]{1,32}$")
# POST /orders as codegen writes it, body aside (method, path, content type): read once.
# Which request model a body matches is the tests' concern (see place_body).
_PLACE_KWARGS = {
    key: value
    for key, value in api_place_order._get_kwargs(
        body=EquityOrderRequest(
            account_id="-",
            cl_order_id="-",
            broker="-",
            symbol="-",
            side=EquitySide.BUY,
            order_type=ApiOrderType.MKT,
            order_tif=ApiTimeInForce.DAY,
        )
    ).items()
    if key != "json"
}


def _opt(value: _T | None) -> _T | Unset:
    return UNSET if value is None else value


def _choice(name: str, enum: type[_G], value: object) -> _G:
    """A caller's value as a generated enum member, with a message in the SDK's words."""
    try:
        return enum(str(value))
    except ValueError:
        names = ", ".join(member.value for member in enum)
        raise ValueError(f"{name}: {value!r} is not one of {names}") from None


def _symbols(symbols: str | Iterable[str] | None) -> str | None:
    if symbols is None:
        return None
    items = [symbols] if isinstance(symbols, str) else [str(s) for s in symbols]
    return ",".join(items) or None


def _page_size(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_PAGE:
        raise ValueError(f"page_size must be a whole number from 1 to {_MAX_PAGE}, got {value!r}")
    return value


# --- users (platform level: the client pair only) -----------------------------------------


def create_user(user_id: str) -> Operation[UserCredentials]:
    kwargs = api_create_user._get_kwargs(body=CreateUserRequest(user_id=user_id))
    result = yield from_generated(kwargs, auth=Auth.CLIENT, retry=Retry.UNSENT)
    return parse.user_credentials(result.body, sent_user_id=user_id)


def list_users() -> Operation[list[User]]:
    kwargs = api_list_users._get_kwargs()
    result = yield from_generated(kwargs, auth=Auth.CLIENT, retry=Retry.SAFE)
    return parse.list_of(parse.user, result.body, "users")


def delete_user(user_id: str) -> Operation[None]:
    kwargs = api_delete_user._get_kwargs(user_id)
    # A 404 answering a retry: the first attempt deleted it.
    yield from_generated(
        kwargs, auth=Auth.CLIENT, retry=Retry.SAFE, settled_on_retry=frozenset({404})
    )


def rotate_user_secret(user_id: str) -> Operation[UserCredentials]:
    kwargs = api_rotate_user_secret._get_kwargs(user_id)
    # Never repeated once sent: a second rotation would discard the secret of the first.
    result = yield from_generated(kwargs, auth=Auth.CLIENT, retry=Retry.UNSENT)
    return parse.user_credentials(result.body)


# --- connections ---------------------------------------------------------------------------


def create_connection(
    broker: str, redirect_url: str, connection_type: str
) -> Operation[ConnectionRequest]:
    body = CreateConnectionRequest(
        connection_type=_choice("connection_type", ApiConnectionType, connection_type),
        broker=str(broker),
        redirect_url=redirect_url,
    )
    kwargs = api_create_connection._get_kwargs(body=body)
    result = yield from_generated(kwargs, auth=Auth.USER, retry=Retry.UNSENT)
    return parse.connection_request(result.body)


def list_connections() -> Operation[list[Connection]]:
    kwargs = api_list_connections._get_kwargs()
    result = yield from_generated(kwargs, auth=Auth.USER, retry=Retry.SAFE)
    return parse.list_of(parse.connection, result.body, "connections")


def delete_connection(connection_id: str) -> Operation[None]:
    kwargs = api_delete_connection._get_kwargs(connection_id)
    yield from_generated(
        kwargs, auth=Auth.USER, retry=Retry.SAFE, settled_on_retry=frozenset({404})
    )


def market_data_token(connection_id: str) -> Operation[MarketDataToken]:
    kwargs = api_connection_token._get_kwargs(connection_id)
    result = yield from_generated(kwargs, auth=Auth.USER, retry=Retry.SAFE)
    return parse.market_data_token(result.body)


# --- account data --------------------------------------------------------------------------


def list_accounts(
    book: AccountBook, connection_id: str | None = None, broker: str | None = None
) -> Operation[list[Account]]:
    kwargs = api_list_accounts._get_kwargs(
        connection_id=_opt(connection_id), broker=_opt(None if broker is None else str(broker))
    )
    result = yield from_generated(kwargs, auth=Auth.USER, retry=Retry.SAFE)
    accounts = parse.list_of(parse.account, result.body, "accounts")
    book.remember(accounts)
    return accounts


def list_balances(
    account_id: str | None = None, connection_id: str | None = None
) -> Operation[list[Balance]]:
    kwargs = api_list_balances._get_kwargs(
        account_id=_opt(account_id), connection_id=_opt(connection_id)
    )
    result = yield from_generated(kwargs, auth=Auth.USER, retry=Retry.SAFE)
    return parse.list_of(parse.balance, result.body, "balances")


def list_positions(
    account_id: str | None = None,
    connection_id: str | None = None,
    symbols: str | Iterable[str] | None = None,
) -> Operation[list[Position]]:
    kwargs = api_list_positions._get_kwargs(
        account_id=_opt(account_id),
        connection_id=_opt(connection_id),
        symbols=_opt(_symbols(symbols)),
    )
    result = yield from_generated(kwargs, auth=Auth.USER, retry=Retry.SAFE)
    return parse.list_of(parse.position, result.body, "positions")


@dataclass(frozen=True, slots=True)
class TransactionFilters:
    """The filters of a transaction listing, checked before the first page is asked for."""

    account_id: str | None = None
    connection_id: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    sort: SortOrder | None = None
    page_size: int = 100

    @classmethod
    def build(
        cls,
        *,
        account_id: str | None,
        connection_id: str | None,
        start_date: dt.date | None,
        end_date: dt.date | None,
        sort: str | None,
        page_size: int,
    ) -> TransactionFilters:
        return cls(
            account_id=account_id,
            connection_id=connection_id,
            start_date=start_date,
            end_date=end_date,
            sort=None if sort is None else _choice("sort", SortOrder, sort),
            page_size=_page_size(page_size),
        )


def transaction_page(
    filters: TransactionFilters, cursor: str | None
) -> Operation[tuple[list[Transaction], str | None]]:
    kwargs = api_list_transactions._get_kwargs(
        account_id=_opt(filters.account_id),
        connection_id=_opt(filters.connection_id),
        start_date=_opt(filters.start_date),
        end_date=_opt(filters.end_date),
        sort=_opt(filters.sort),
        limit=filters.page_size,
        cursor=_opt(cursor),
    )
    result = yield from_generated(kwargs, auth=Auth.USER, retry=Retry.SAFE)
    return parse.page(parse.transaction, result.body, "transactions")


# --- orders --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderFilters:
    """The filters of an order listing, checked before the first page is asked for."""

    account_id: str | None = None
    status: OrderStatusFilter | None = None
    symbols: str | None = None
    side: ApiOrderSide | None = None
    start_time: dt.datetime | None = None
    end_time: dt.datetime | None = None
    sort: SortOrder | None = None
    page_size: int = 100

    @classmethod
    def build(
        cls,
        *,
        account_id: str | None = None,
        status: str | None = None,
        symbols: str | Iterable[str] | None = None,
        side: str | None = None,
        start_time: dt.datetime | None = None,
        end_time: dt.datetime | None = None,
        sort: str | None = None,
        page_size: int = 100,
    ) -> OrderFilters:
        return cls(
            account_id=account_id,
            status=None if status is None else _choice("status", OrderStatusFilter, status),
            symbols=_symbols(symbols),
            side=None if side is None else _choice("side", ApiOrderSide, side),
            start_time=start_time,
            end_time=end_time,
            sort=None if sort is None else _choice("sort", SortOrder, sort),
            page_size=_page_size(page_size),
        )


def order_page(
    filters: OrderFilters, cursor: str | None
) -> Operation[tuple[list[Order], str | None]]:
    kwargs = api_list_orders._get_kwargs(
        account_id=_opt(filters.account_id),
        status=_opt(filters.status),
        symbols=_opt(filters.symbols),
        side=_opt(filters.side),
        start_time=_opt(filters.start_time),
        end_time=_opt(filters.end_time),
        sort=_opt(filters.sort),
        limit=filters.page_size,
        cursor=_opt(cursor),
    )
    result = yield from_generated(kwargs, auth=Auth.USER, retry=Retry.SAFE)
    return parse.page(parse.order, result.body, "orders")


def collect_orders(filters: OrderFilters) -> Operation[list[Order]]:
    """Every order matching ``filters``, following ``next_cursor`` across pages."""
    orders: list[Order] = []
    cursor: str | None = None
    while True:
        page, cursor = yield from order_page(filters, cursor)
        orders.extend(page)
        if cursor is None:
            return orders


def get_order(account_id: str, order_id: str) -> Operation[Order]:
    kwargs = api_get_order._get_kwargs(order_id, account_id=account_id)
    result = yield from_generated(kwargs, auth=Auth.USER, retry=Retry.SAFE)
    return parse.order(result.body)


def _broker_for(account_id: str, book: AccountBook) -> Operation[str]:
    """The account's broker: from the client's memory, else from one account listing."""
    broker = book.broker_of(account_id)
    if broker is None:
        yield from list_accounts(book)
        broker = book.broker_of(account_id)
    if broker is None:
        # Not among the user's accounts: let the server say so, as it does for every other
        # call (a NotFoundError with its message and request id).
        yield from order_page(OrderFilters.build(account_id=account_id, page_size=1), None)
        raise InvalidOrder("account_id", f"no account {account_id!r} among the user's accounts")
    return broker


def _todays_order(
    account_id: str, symbol: str | None, key: str, *, replacement: bool
) -> Operation[Order | None]:
    """Today's order on the account whose client order id is ``key``, if there is one."""
    use_symbol = symbol is not None and _SYMBOLS_FILTER.fullmatch(symbol) is not None
    filters = OrderFilters.build(
        account_id=account_id, status="all", symbols=symbol if use_symbol else None
    )
    for candidate in (yield from collect_orders(filters)):
        if candidate.cl_order_id == key and (not replacement or candidate.replaces_order_id):
            return candidate
    return None


def _same_order(placed: Order, request: OrderRequest) -> bool:
    """Whether ``placed`` is what ``request`` asked for (guards a reused client order id)."""
    side = None if request.side is None else request.side.value
    symbol = None if request.symbol is None else str(request.symbol)
    legs = [(str(leg.symbol), leg.action.value, leg.ratio) for leg in request.legs]
    placed_legs = [(leg.symbol, str(leg.action), leg.ratio) for leg in placed.legs]
    return (
        placed.instrument == request.instrument
        and placed.order_type == request.order_type
        and str(placed.tif) == request.tif.value
        and (placed.side if placed.side is None else str(placed.side)) == side
        and placed.symbol == symbol
        and placed.qty == request.qty
        and placed.notional == request.notional
        and placed.limit_price == request.limit_price
        and placed.stop_price == request.stop_price
        and placed_legs == legs
    )


# The mock's (and the documented example's) 409 text names the order holding the id.
_HOLDING_ORDER = re.compile(r"\(order ([A-Za-z0-9_.:@-]+)\)")


def _duplicate(result: HttpResult, what: str, existing: Order | None = None) -> ConflictError:
    message = result.message or f"{what} was refused as a duplicate"
    existing_id = existing.order_id if existing is not None else None
    if existing_id is None:
        named = _HOLDING_ORDER.search(message)
        existing_id = named.group(1) if named else None
    return ConflictError(
        message,
        status_code=409,
        request_id=result.request_id,
        existing_order_id=existing_id,
        existing_order=existing,
    )


def order_by_cl_order_id(
    cl_order_id: str, account_id: str | None, since: dt.datetime | None
) -> Operation[Order | None]:
    """The newest order whose client order id is ``cl_order_id``, or ``None``.

    The contract has no client-order-id filter: this pages through ``GET /orders`` with
    ``status=all`` from ``since`` (default: the API's own window, today from 00:00 UTC,
    the day in which a client order id is unique) and matches client-side.
    """
    _check_id("cl_order_id", cl_order_id)
    filters = OrderFilters.build(account_id=account_id, status="all", start_time=since)
    found: Order | None = None
    for candidate in (yield from collect_orders(filters)):
        if candidate.cl_order_id == cl_order_id and (
            found is None or candidate.created_at > found.created_at
        ):
            found = candidate
    return found


def place_body(
    order: OrderRequest, *, account_id: str, broker: str, cl_order_id: str
) -> dict[str, object]:
    """The JSON body of ``POST /orders`` for ``order`` with its ids.

    Written straight from :meth:`OrderRequest.to_wire`, not through the generated request
    model and back: the tests prove the two equal for every kind of order.
    """
    for name, value in (
        ("account_id", account_id),
        ("broker", broker),
        ("cl_order_id", cl_order_id),
    ):
        _check_id(name, value)  # what OrderRequest.with_ids would check, and no more
    body = order.to_wire()
    body["account_id"] = account_id
    body["broker"] = broker
    body["cl_order_id"] = cl_order_id
    return body


def place_order(
    order: OrderRequest,
    account_id: str | None,
    broker: str | None,
    book: AccountBook,
    cl_order_id: str | None = None,
) -> Operation[Order]:
    """Place ``order``; retried safely because its client order id never changes.

    ``cl_order_id`` (default: the order's own, else a fresh one) is the id sent. A 409
    means the id was used before, by an earlier attempt of this call or by an earlier run:
    the order holding it is looked up and returned when it is the order asked for, so an
    identical re-placement resolves to the order already placed; a different order under
    the same id raises :class:`ConflictError` naming the existing order.
    """
    account = account_id or order.account_id
    if account is None:
        raise InvalidOrder("account_id", "pass account_id= or build the order with one")
    chosen_broker = broker or order.broker
    if chosen_broker is None:
        chosen_broker = yield from _broker_for(account, book)
    key = cl_order_id or order.cl_order_id or make_cl_order_id()
    body = place_body(order, account_id=account, broker=chosen_broker, cl_order_id=key)
    result = yield from_generated(
        {**_PLACE_KWARGS, "json": body},
        auth=Auth.USER,
        retry=Retry.SAFE,
        rate_limited=True,
        settled=frozenset({409}),
    )
    if result.status_code != 409:
        return parse.order(result.body)
    symbol = None if order.symbol is None else str(order.symbol)
    placed = yield from _todays_order(account, symbol, key, replacement=False)
    if placed is None or not _same_order(placed, order):
        raise _duplicate(result, f"cl_order_id {key!r}", placed)
    return placed


def _modify_changes(
    *,
    qty: Amount | None,
    notional: Amount | None,
    limit_price: Amount | None,
    stop_price: Amount | None,
    tif: TimeInForce | str | None,
    net_price: Decimal | None = None,
    allow_empty: bool = False,
) -> dict[str, str]:
    """The changed fields of a modify, in wire form; checked before anything is sent."""
    changes: dict[str, str] = {}
    for name, key, value in (
        ("qty", "order_qty", qty),
        ("notional", "order_notional", notional),
        ("limit_price", "order_limit_price", limit_price),
        ("stop_price", "stop_price", stop_price),
    ):
        amount = _amount(name, value)
        if amount is not None:
            _check_decimal(name, amount, signed=False)
            changes[key] = str(_wire_decimal(amount))
    if net_price is not None:
        changes["order_limit_price"] = str(_wire_decimal(net_price))
    if tif is not None:
        changes["order_tif"] = ApiTimeInForce(_enum("tif", TimeInForce, tif).value).value
    if not changes and not allow_empty:
        raise InvalidOrder(
            "qty", "give at least one of qty, notional, limit_price, credit, debit, stop_price, tif"
        )
    return changes


def _net_amount(credit: Amount | None, debit: Amount | None) -> tuple[str, Decimal] | None:
    """The keyword (``credit`` or ``debit``) and its positive amount, checked; or ``None``."""
    if credit is not None and debit is not None:
        raise InvalidOrder("credit", "give credit= or debit=, not both")
    for keyword, value in (("credit", credit), ("debit", debit)):
        amount = _amount(keyword, value)
        if amount is not None:
            # The keyword carries the sign, so the amount itself must be positive.
            _check_decimal(keyword, amount, signed=False)
            return keyword, amount
    return None


def _net_price_for(
    current: Order, net: tuple[str, Decimal] | None, limit_price: Amount | None
) -> Decimal | None:
    """The unsigned net price to send for ``current``; refuse a price that could flip it.

    A multi-leg order's net price is given as ``credit=`` or ``debit=``, and must be the
    order's own direction: the modify body's price is unsigned, and the broker keeps the
    order's direction (a credit order's new price is a credit).
    """
    multi_leg = current.instrument == Instrument.MLEG_OPT
    if not multi_leg:
        if net is not None:
            raise InvalidOrder(
                net[0],
                f"only multi-leg orders have a net credit or debit; order {current.order_id} "
                f"is {current.instrument}: use limit_price=",
            )
        return None
    if limit_price is not None:
        raise InvalidOrder(
            "limit_price",
            f"order {current.order_id} is a multi-leg order: give its net price as credit= "
            "or debit= (an unsigned limit_price could turn a credit into a debit)",
        )
    if net is None:
        return None
    keyword, amount = net
    if current.limit_price is None:
        raise InvalidOrder(keyword, f"order {current.order_id} is a market order: no net price")
    direction = "credit" if current.limit_price < 0 else "debit"
    if keyword != direction:
        raise InvalidOrder(
            keyword,
            f"order {current.order_id} is a net {direction} of {abs(current.limit_price)}; "
            f"a modify cannot turn it into a {keyword}: cancel it and place a new order, "
            f"or pass {direction}=",
        )
    return amount


def modify_order(
    account_id: str,
    order_id: str,
    book: AccountBook,
    *,
    qty: Amount | None = None,
    notional: Amount | None = None,
    limit_price: Amount | None = None,
    credit: Amount | None = None,
    debit: Amount | None = None,
    stop_price: Amount | None = None,
    tif: TimeInForce | str | None = None,
    new_cl_order_id: str | None = None,
    broker: str | None = None,
    current: Order | None = None,
) -> Operation[Order]:
    """Replace an open order; answers the replacement. Retried safely like placement.

    When a price changes, the order (``current``, else read with one GET) says whether it
    is a multi-leg order and which way its net price goes, so that a modify never flips a
    credit into a debit.
    """
    net = _net_amount(credit, debit)
    net_price: Decimal | None = None
    if limit_price is not None or net is not None:
        # Everything but the price is checked before anything is sent (the GET included);
        # the price's sign rules depend on the order's kind.
        _amount("limit_price", limit_price)
        _modify_changes(
            qty=qty,
            notional=notional,
            limit_price=None,
            stop_price=stop_price,
            tif=tif,
            allow_empty=True,
        )
        if current is None or current.order_id != order_id:
            current = yield from get_order(account_id, order_id)
        net_price = _net_price_for(current, net, limit_price)
    changes = _modify_changes(
        qty=qty,
        notional=notional,
        limit_price=limit_price,
        stop_price=stop_price,
        tif=tif,
        net_price=net_price,
    )
    chosen_broker = broker
    if chosen_broker is None:
        chosen_broker = yield from _broker_for(account_id, book)
    key = new_cl_order_id or make_cl_order_id()
    body = ModifyOrderRequest.from_dict(
        {"new_cl_order_id": key, "broker": chosen_broker, **changes}
    )
    kwargs = api_modify_order._get_kwargs(account_id, order_id, body=body)
    result = yield from_generated(
        kwargs,
        auth=Auth.USER,
        retry=Retry.SAFE,
        rate_limited=True,
        settled_on_retry=frozenset({409}),
    )
    if result.status_code != 409:
        return parse.order(result.body)
    replacement = yield from _todays_order(account_id, None, key, replacement=True)
    if replacement is None or replacement.replaces_order_id != order_id:
        raise _duplicate(result, f"new_cl_order_id {key!r}")
    return replacement


def cancel_order(account_id: str, order_id: str) -> Operation[Order]:
    """Ask to cancel an order; a 409 answering a retry means the first attempt did it."""
    kwargs = api_cancel_order._get_kwargs(account_id, order_id)
    result = yield from_generated(
        kwargs,
        auth=Auth.USER,
        retry=Retry.SAFE,
        rate_limited=True,
        settled_on_retry=frozenset({409}),
    )
    if result.status_code != 409:
        return parse.order(result.body)
    order = yield from get_order(account_id, order_id)
    if order.status not in (OrderStatus.PENDING_CANCEL, OrderStatus.CANCELLED):
        raise _duplicate(result, f"cancel of order {order_id!r}")
    return order


# --- agent access --------------------------------------------------------------------------


def agent_token(scopes: Sequence[str]) -> Operation[AgentToken]:
    if isinstance(scopes, str):
        scopes = (scopes,)
    body = CreateUserTokenRequest(scopes=[_choice("scopes", Scope, scope) for scope in scopes])
    kwargs = api_create_user_token._get_kwargs(body=body)
    result = yield from_generated(kwargs, auth=Auth.USER, retry=Retry.UNSENT)
    return parse.agent_token(result.body)


# --- workflows -----------------------------------------------------------------------------


def total_unrealized_pl(account_id: str | None) -> Operation[Decimal]:
    positions = yield from list_positions(account_id=account_id)
    return sum_unrealized(positions)


def daily_summary(account_id: str) -> Operation[DailySummary]:
    balances = yield from list_balances(account_id=account_id)
    positions = yield from list_positions(account_id=account_id)
    mine = [balance for balance in balances if balance.account_id == account_id]
    if len(mine) != 1:
        raise UnexpectedResponseError(
            f"balances: expected one balance for account {account_id!r}, got {len(mine)}"
        )
    return summarize(mine[0], positions)
