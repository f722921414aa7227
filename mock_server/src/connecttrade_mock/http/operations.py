"""One function per operationId of the contract: what the mock does for each call.

Every function takes a ``Call`` (already authenticated and contract-validated) and returns
``(status, json_body)``; an order or position in a body is its shared ``Rendered`` JSON,
encoded and checked against the contract once per change.
Refusals raise ``ApiError`` with the documented status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from connecttrade_mock.broker.brokers import lookup
from connecttrade_mock.broker.errors import ApiError
from connecttrade_mock.broker.state import (
    Account,
    Client,
    Connection,
    ConnectionRequest,
    Order,
    User,
)
from connecttrade_mock.http.pagination import CursorError, Page, paginate
from connecttrade_mock.lifecycle import OPEN, TERMINAL, OrderStatus
from connecttrade_mock.simulator import DEMO, Simulator
from connecttrade_mock.wire.records import (
    account_json,
    balance_json,
    connection_json,
    rendered_order,
    rendered_position,
    time_text,
    transaction_json,
    user_json,
)

__all__ = ["OPERATIONS", "Call", "Handler"]

CONNECTION_REQUEST_TTL = timedelta(minutes=15)
MARKET_DATA_TOKEN_TTL = timedelta(hours=24)
AGENT_TOKEN_TTL = timedelta(hours=1)

Json = Any


@dataclass(slots=True)
class Call:
    """An authenticated, validated request."""

    sim: Simulator
    client: Client
    user: User | None
    path: dict[str, str]
    query: dict[str, object]
    body: dict[str, Any] | None
    base_url_of: Callable[[], str]

    @property
    def base_url(self) -> str:
        """Where the mock is served, as the request reached it (worked out only if asked)."""
        return self.base_url_of()

    @property
    def the_user(self) -> User:
        assert self.user is not None  # the HTTP layer checks user credentials first
        return self.user

    @property
    def payload(self) -> dict[str, Any]:
        assert self.body is not None  # the contract requires a body for these operations
        return self.body

    def text(self, name: str) -> str | None:
        value = self.query.get(name)
        return None if value is None else str(value)


Handler = Callable[[Call], tuple[int, Json]]


# ---------------------------------------------------------------------- users
def create_user(call: Call) -> tuple[int, Json]:
    user_id = call.payload["user_id"]
    store = call.sim.store
    if (call.client.client_id, user_id) in store.users:
        raise ApiError(409, f"user_id: user {user_id!r} already exists")
    user = User(call.client.client_id, user_id, call.sim.ids.secret("us"), call.sim.clock.now())
    store.add(user)
    return 201, _credentials(user)


def _credentials(user: User) -> Json:
    return {
        "user_id": user.user_id,
        "user_secret": user.secret,
        "created_at": time_text(user.created_at),
    }


def list_users(call: Call) -> tuple[int, Json]:
    store = call.sim.store
    users = sorted(
        (u for u in store.users.values() if u.client_id == call.client.client_id),
        key=lambda u: (u.created_at, u.user_id),
    )
    return 200, [user_json(u, len(store.connections_of(u.key))) for u in users]


def _platform_user(call: Call) -> User:
    user_id = call.path["user_id"]
    user = call.sim.store.users.get((call.client.client_id, user_id))
    if user is None:
        raise ApiError(404, f"user {user_id} not found")
    return user


_DEMO_USER = (DEMO.client_id, DEMO.user_id)
_DEMO_CONNECTIONS = frozenset({DEMO.margin_connection_id, DEMO.cash_connection_id})


def _refuse_if_demo_user(call: Call, user: User, what: str) -> None:
    """With ``protect_demo`` the documented demo user stays as documented: a run that
    authenticates as it (a contract test calling every operation) cannot lock itself out."""
    if call.sim.settings.protect_demo and user.key == _DEMO_USER:
        raise ApiError(
            409,
            f"user_id: {user.user_id} is the protected demo user of this mock: {what}; "
            "create a user of your own with POST /users to try this",
        )


def delete_user(call: Call) -> tuple[int, Json]:
    user = _platform_user(call)
    _refuse_if_demo_user(call, user, "it cannot be deleted")
    call.sim.store.remove_user(user)
    return 200, {"id": user.user_id, "deleted": True}


def rotate_user_secret(call: Call) -> tuple[int, Json]:
    user = _platform_user(call)
    _refuse_if_demo_user(call, user, "its secret cannot be rotated")
    user.secret = call.sim.ids.secret("us")
    call.sim.store.touch(user)
    return 200, _credentials(user)


# ---------------------------------------------------------------------- connections
def create_connection(call: Call) -> tuple[int, Json]:
    body = call.payload
    broker = lookup(body["broker"])
    if broker is None:
        raise ApiError(400, f"broker: {body['broker']!r} is not a known broker code")
    if body["connection_type"] == "trade" and broker.read_only:
        # Refused up front, not downgraded: the app learns now, not at its first order.
        # An entitlement issue, which the vendor's docs answer with 401 (as orders there).
        raise ApiError(
            401,
            f"not entitled: connection_type trade at {broker.code}, a read-only broker (no "
            "order entry); ask for connection_type 'readonly'",
        )
    user = call.the_user
    existing = [c for c in call.sim.store.connections_of(user.key) if c.broker == broker.code]
    if existing:
        raise ApiError(
            409,
            f"broker: user {user.user_id} already has connection {existing[0].connection_id} "
            f"to {broker.code}; delete it before linking again",
        )
    request = ConnectionRequest(
        request_id=call.sim.ids.new("cr"),
        client_id=call.client.client_id,
        user_id=user.user_id,
        connection_type=body["connection_type"],
        broker=broker.code,
        redirect_url=body["redirect_url"],
        expires_at=call.sim.clock.now() + CONNECTION_REQUEST_TTL,
    )
    call.sim.store.add(request)
    return 200, {
        "connection_request_url": f"{call.base_url}/connect/{request.request_id}",
        "expires_at": time_text(request.expires_at),
    }


def _connection(call: Call) -> Connection:
    connection_id = call.path.get("connection_id") or call.text("connection_id") or ""
    connection = call.sim.store.connections.get(connection_id)
    if connection is None or connection.user_key != call.the_user.key:
        raise ApiError(404, f"connection {connection_id} not found")
    return connection


def _accounts_of_connection(call: Call, connection: Connection) -> list[Account]:
    return [
        a
        for a in call.sim.store.accounts_of(call.the_user.key)
        if a.connection_id == connection.connection_id
    ]


def list_connections(call: Call) -> tuple[int, Json]:
    connections = call.sim.store.connections_of(call.the_user.key)
    return 200, [connection_json(c, _accounts_of_connection(call, c)) for c in connections]


def delete_connection(call: Call) -> tuple[int, Json]:
    connection = _connection(call)
    protected = call.sim.settings.protect_demo and connection.user_key == _DEMO_USER
    if protected and connection.connection_id in _DEMO_CONNECTIONS:
        spares = [
            c.connection_id
            for c in call.sim.store.connections_of(_DEMO_USER)
            if c.connection_id.startswith(DEMO.spare_connection_id)
        ]
        raise ApiError(
            409,
            f"connection_id: {connection.connection_id} is a protected connection of the demo "
            f"user: it cannot be deleted; its spare connection {', '.join(spares)} may be",
        )
    call.sim.store.remove_connection(connection)
    if protected and connection.connection_id.startswith(DEMO.spare_connection_id):
        call.sim.link_spare_connection()  # the demo user always has one to delete
    return 200, {"id": connection.connection_id, "deleted": True}


def get_connection_token(call: Call) -> tuple[int, Json]:
    connection = _connection(call)
    connection.md_token = call.sim.ids.secret("mdt")  # replaces (revokes) the previous one
    connection.md_token_expires_at = call.sim.clock.now() + MARKET_DATA_TOKEN_TTL
    call.sim.store.touch(connection)
    return 200, {
        "connection_id": connection.connection_id,
        "token": connection.md_token,
        "expires_at": time_text(connection.md_token_expires_at),
    }


# ---------------------------------------------------------------------- account data
def _scoped_accounts(call: Call) -> list[Account]:
    """The user's accounts, narrowed by account_id / connection_id / broker filters;
    an account or connection filter that names nothing of the user's is a 404."""
    accounts = call.sim.store.accounts_of(call.the_user.key)
    account_id = call.text("account_id")
    if account_id is not None:
        accounts = [a for a in accounts if a.account_id == account_id]
        if not accounts:
            raise ApiError(404, f"account {account_id} not found")
    if call.text("connection_id") is not None:
        connection = _connection(call)
        accounts = [a for a in accounts if a.connection_id == connection.connection_id]
    broker = call.text("broker")
    if broker is not None:
        known = lookup(broker)
        if known is None:
            raise ApiError(400, f"broker: {broker!r} is not a known broker code")
        accounts = [a for a in accounts if a.broker == known.code]
    return accounts


def list_accounts(call: Call) -> tuple[int, Json]:
    return 200, [account_json(a) for a in _scoped_accounts(call)]


def list_balances(call: Call) -> tuple[int, Json]:
    engine = call.sim.engine
    return 200, [balance_json(a, engine.balance_figures(a)) for a in _scoped_accounts(call)]


def _symbols(call: Call) -> set[str] | None:
    text = call.text("symbols")
    if text is None:
        return None
    return {s.strip().replace(" ", "") for s in text.split(",") if s.strip()}


def list_positions(call: Call) -> tuple[int, Json]:
    symbols = _symbols(call)
    sim = call.sim
    result = []
    for account in _scoped_accounts(call):
        for position in sorted(sim.store.positions_of(account.account_id), key=lambda p: p.symbol):
            if position.quantity == 0 or (symbols is not None and position.symbol not in symbols):
                continue
            result.append(rendered_position(position, sim.engine.last_price(position)))
    return 200, result


def _page_json(page: Page[Any], key: str, render: Callable[[Any], Json]) -> Json:
    return {
        key: [render(item) for item in page.items],
        "next_cursor": page.next_cursor,
        "prev_cursor": page.prev_cursor,
    }


def list_transactions(call: Call) -> tuple[int, Json]:
    accounts = _scoped_accounts(call)
    start_date = _date(call.text("start_date"))
    end_date = _date(call.text("end_date"))
    store = call.sim.store
    try:
        page = paginate(
            [store.transactions_by_account.get(a.account_id, []) for a in accounts],
            seq_of=lambda t: t.seq,
            time_of=lambda t: datetime.combine(t.trade_date, time(), tzinfo=UTC),
            matches=lambda t: True,
            start=datetime.combine(start_date, time(), tzinfo=UTC) if start_date else None,
            end=_day_after(end_date),
            descending=call.query.get("sort", "desc") == "desc",
            limit=int(str(call.query.get("limit", 50))),
            cursor=call.text("cursor"),
        )
    except CursorError as exc:
        raise ApiError(400, str(exc)) from None
    return 200, _page_json(page, "transactions", transaction_json)


def _day_after(day: date | None) -> datetime | None:
    """The exclusive upper bound of a last day; none at all for the calendar's last day."""
    if day is None or day == date.max:
        return None
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# ---------------------------------------------------------------------- orders
def place_order(call: Call) -> tuple[int, Json]:
    order = call.sim.engine.place(call.the_user.key, call.payload)
    return 201, rendered_order(order)


def get_order(call: Call) -> tuple[int, Json]:
    # GET /orders/{order_id}?account_id=...: off the cancel's URI (see the contract).
    order = call.sim.engine.order_for(
        call.the_user.key, call.text("account_id") or "", call.path["order_id"]
    )
    return 200, rendered_order(order)


def modify_order(call: Call) -> tuple[int, Json]:
    order = call.sim.engine.modify(
        call.the_user.key, call.path["account_id"], call.path["order_id"], call.payload
    )
    _keep_spare_order(call)
    return 200, rendered_order(order)


def cancel_order(call: Call) -> tuple[int, Json]:
    order = call.sim.engine.cancel(
        call.the_user.key, call.path["account_id"], call.path["order_id"]
    )
    _keep_spare_order(call)
    return 200, rendered_order(order)


def _keep_spare_order(call: Call) -> None:
    """With ``protect_demo``, the demo user keeps a working order to cancel or replace."""
    if call.sim.settings.protect_demo and call.the_user.key == _DEMO_USER:
        call.sim.keep_spare_order()


STATUS_GROUPS: dict[str, frozenset[OrderStatus]] = {
    "all": frozenset(OrderStatus),
    "open": OPEN,
    "closed": TERMINAL,
    **{s.value: frozenset({s}) for s in OrderStatus},
}


def list_orders(call: Call) -> tuple[int, Json]:
    accounts = _scoped_accounts(call)
    # A filter value the contract allows but the mock has no group for (a status added by a
    # newer spec) matches no order the mock holds: an empty page, not a 500.
    statuses = STATUS_GROUPS.get(str(call.query.get("status", "open")), frozenset())
    symbols = _symbols(call)
    side = call.text("side")
    now = call.sim.clock.now()
    start_text, end_text = call.text("start_time"), call.text("end_time")
    start = _datetime(start_text) if start_text else datetime.combine(now.date(), time(), UTC)
    end = _datetime(end_text) if end_text else None

    def matches(order: Order) -> bool:
        if order.status not in statuses:
            return False
        if side is not None and order.side != side:
            return False
        if symbols is not None:
            names = {order.symbol} if order.symbol else {leg.symbol for leg in order.legs}
            return not names.isdisjoint(symbols)
        return True

    store = call.sim.store
    # Open orders only: walk the open-order lists, so closed orders cost nothing.
    source = store.open_order_lists if statuses <= OPEN else store.orders_by_account
    try:
        page = paginate(
            [source.get(a.account_id, []) for a in accounts],
            seq_of=lambda o: o.seq,
            time_of=lambda o: o.created_at,
            matches=matches,
            start=start,
            end=end,
            descending=call.query.get("sort", "desc") == "desc",
            limit=int(str(call.query.get("limit", 50))),
            cursor=call.text("cursor"),
        )
    except CursorError as exc:
        raise ApiError(400, str(exc)) from None
    return 200, _page_json(page, "orders", rendered_order)


def _datetime(text: str) -> datetime:
    """A filter time in UTC; one beyond what UTC can hold (e.g. year 1 at +14:00) is
    clamped to the earliest or latest moment, which selects the same orders."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        offset = moment.utcoffset() or timedelta(0)
        edge = datetime.min if offset > timedelta(0) else datetime.max
        return edge.replace(tzinfo=UTC)


# ---------------------------------------------------------------------- agent tokens
def create_user_token(call: Call) -> tuple[int, Json]:
    scopes = call.payload["scopes"]
    expires_at = call.sim.clock.now() + AGENT_TOKEN_TTL
    return 201, {
        "access_token": call.sim.ids.secret("uat"),
        "token_type": "Bearer",
        "expires_at": time_text(expires_at),
        "expires_in": str(int(AGENT_TOKEN_TTL.total_seconds())),
        "scopes": sorted(scopes, key=["read", "trade"].index),
    }


OPERATIONS: dict[str, Handler] = {
    "create_user": create_user,
    "list_users": list_users,
    "delete_user": delete_user,
    "rotate_user_secret": rotate_user_secret,
    "create_connection": create_connection,
    "list_connections": list_connections,
    "delete_connection": delete_connection,
    "get_connection_token": get_connection_token,
    "list_accounts": list_accounts,
    "list_balances": list_balances,
    "list_positions": list_positions,
    "list_transactions": list_transactions,
    "place_order": place_order,
    "list_orders": list_orders,
    "get_order": get_order,
    "modify_order": modify_order,
    "cancel_order": cancel_order,
    "create_user_token": create_user_token,
}

ORDER_OPERATIONS = frozenset({"place_order", "modify_order", "cancel_order"})
