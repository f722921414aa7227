"""The mock broker's records and the in-memory store that indexes them.

Records are plain mutable dataclasses owned by the store; the engine mutates them and calls
``Store.touch`` so that persistence (``persistence.py``) writes exactly what changed.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType

from connecttrade_mock.lifecycle import OPEN, OrderStatus

__all__ = [
    "Account",
    "Client",
    "Connection",
    "ConnectionRequest",
    "Fill",
    "Leg",
    "Order",
    "Position",
    "Record",
    "Store",
    "Transaction",
    "User",
    "UserKey",
]

UserKey = tuple[str, str]
_NOTHING = Decimal(0)
"""(client_id, user_id): users are scoped to the platform that created them."""


@dataclass(slots=True)
class Client:
    """A platform: the holder of a client-id / client-secret pair."""

    client_id: str
    secret: str


@dataclass(slots=True)
class User:
    """An end user of a platform."""

    client_id: str
    user_id: str
    secret: str
    created_at: datetime

    @property
    def key(self) -> UserKey:
        return (self.client_id, self.user_id)


@dataclass(slots=True)
class ConnectionRequest:
    """A pending broker link, shown to the user at its connection_request_url."""

    request_id: str
    client_id: str
    user_id: str
    connection_type: str
    broker: str
    redirect_url: str
    expires_at: datetime
    completed: bool = False


@dataclass(slots=True)
class Connection:
    """A user's link to one brokerage login."""

    connection_id: str
    client_id: str
    user_id: str
    broker: str
    connection_type: str
    login: str
    created_at: datetime
    md_token: str | None = None
    md_token_expires_at: datetime | None = None

    @property
    def user_key(self) -> UserKey:
        return (self.client_id, self.user_id)


@dataclass(slots=True)
class Account:
    """A brokerage account reached through a connection. Cash is the only stored balance
    figure; everything else is derived from cash, positions and open orders."""

    account_id: str
    connection_id: str
    client_id: str
    user_id: str
    account_number: str
    broker: str
    account_type: str  # "cash" | "margin"
    is_paper: bool
    can_trade: bool
    cash: Decimal
    balance_version: int = 0
    options_level: int | None = None
    """The options approval level (0-4) the broker granted; ``None``: the broker's default
    for the account type (``Broker.default_options_level``)."""

    @property
    def user_key(self) -> UserKey:
        return (self.client_id, self.user_id)


@dataclass(frozen=True, slots=True)
class Leg:
    """One leg of a multi-leg option order."""

    symbol: str
    action: str
    ratio: int


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution of an order."""

    fill_id: str
    time: datetime
    quantity: Decimal
    price: Decimal


@dataclass(slots=True)
class Order:
    """An order and its life at the broker."""

    order_id: str
    seq: int
    account_id: str
    client_id: str
    user_id: str
    cl_order_id: str
    broker: str
    instrument: str
    symbol: str | None
    side: str | None
    order_type: str
    order_tif: str
    order_qty: Decimal | None
    order_notional: Decimal | None
    order_limit_price: Decimal | None
    stop_price: Decimal | None
    legs: tuple[Leg, ...]
    status: OrderStatus
    created_at: datetime
    updated_at: datetime
    trading_day: date
    expires_at: datetime | None
    reject_reason: str | None = None
    fills: list[Fill] = field(default_factory=list)
    replaces_order_id: str | None = None
    replaced_by_order_id: str | None = None
    pending_replacement_id: str | None = None
    triggered: bool = False
    scenario: str | None = None
    partial_steps_left: int = 0
    last_fill_at: datetime | None = None
    queued: bool = False
    """A market order sent while the market was shut, held for the next regular open."""
    version: int = 1

    @property
    def user_key(self) -> UserKey:
        return (self.client_id, self.user_id)

    @property
    def filled_qty(self) -> Decimal:
        if not self.fills:
            return _NOTHING  # what the sum of no fills is, without summing
        return sum((f.quantity for f in self.fills), Decimal(0))

    @property
    def remaining_qty(self) -> Decimal | None:
        if self.order_qty is None:
            return None
        return self.order_qty - self.filled_qty

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


@dataclass(slots=True)
class Position:
    """A holding. ``basis`` is the signed cost of the open quantity including fees (negative
    for shorts: what the short sale brought in); ``day_basis`` is the same measured from the
    previous close, so daily P&L needs no history."""

    account_id: str
    symbol: str
    instrument: str
    multiplier: Decimal
    quantity: Decimal = Decimal(0)
    basis: Decimal = Decimal(0)
    realized_pl: Decimal = Decimal(0)
    day_basis: Decimal = Decimal(0)
    realized_today: Decimal = Decimal(0)
    trading_day: date | None = None
    version: int = 0


@dataclass(frozen=True, slots=True)
class Transaction:
    """One movement of cash or securities."""

    transaction_id: str
    seq: int
    account_id: str
    type: str
    time: datetime
    trade_date: date
    amount: Decimal
    description: str
    symbol: str | None = None
    side: str | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None
    order_id: str | None = None
    fill_id: str | None = None


Record = Client | User | ConnectionRequest | Connection | Account | Order | Position | Transaction


class Store:
    """Every record, with the indexes the API's reads need (no read scans all orders).

    ``keeps_changes``: remember which records changed (``dirty``, ``deleted``) for
    persistence to write; a store nothing persists leaves that out (it would only grow).
    """

    def __init__(self, *, keeps_changes: bool = True) -> None:
        self.keeps_changes = keeps_changes
        self.clients: dict[str, Client] = {}
        self.users: dict[UserKey, User] = {}
        self.connection_requests: dict[str, ConnectionRequest] = {}
        self.connections: dict[str, Connection] = {}
        self.accounts: dict[str, Account] = {}
        self.orders: dict[str, Order] = {}
        self.positions: dict[tuple[str, str], Position] = {}
        self.transactions: dict[str, Transaction] = {}
        # Indexes
        self.orders_by_account: dict[str, list[Order]] = {}  # in creation order (seq)
        self.open_orders: dict[str, Order] = {}
        self.open_orders_by_account: dict[str, dict[str, Order]] = {}
        # The same open orders in creation order (seq), for listing open orders a page at a
        # time without walking past every closed one.
        self.open_order_lists: dict[str, list[Order]] = {}
        self.cl_order_ids: dict[tuple[str, date, str], str] = {}
        # Orders whose status or fills changed since the engine last looked: it keeps its
        # reserve sums in step from these instead of rescanning every open order.
        self.order_changes: dict[str, Order] = {}
        self.transactions_by_account: dict[str, list[Transaction]] = {}
        self.positions_by_account: dict[str, dict[str, Position]] = {}
        self.dirty: dict[tuple[str, str], Record] = {}
        self.deleted: set[tuple[str, str]] = set()
        # Bumped by every change (each one is touched, forgotten or reindexed): an answer
        # made from the store at one version holds for as long as the version stays.
        self.version = 0
        self._seq = itertools.count(1)

    # -- persistence bookkeeping -------------------------------------------------------
    def touch(self, record: Record) -> None:
        """Mark a record as changed so the next flush writes it."""
        self.version += 1
        if not self.keeps_changes:
            return
        key = (type(record).__name__, record_id(record))
        if self.deleted:  # mostly empty: deletions are rare
            self.deleted.discard(key)
        self.dirty[key] = record

    def forget(self, record: Record) -> None:
        self.version += 1
        if not self.keeps_changes:
            return
        key = (type(record).__name__, record_id(record))
        self.dirty.pop(key, None)
        self.deleted.add(key)

    def next_seq(self) -> int:
        return next(self._seq)

    def restart_seq(self, after: int) -> None:
        self._seq = itertools.count(after + 1)

    # -- adding records (also used when loading from disk) -------------------------------
    def add(self, record: Record) -> None:
        # The records made while serving (orders, fills' transactions) are matched first.
        match record:
            case Order():
                self.orders[record.order_id] = record
                orders = self.orders_by_account.setdefault(record.account_id, [])
                if orders and orders[-1].seq > record.seq:
                    bisect.insort(orders, record, key=lambda o: o.seq)
                else:
                    orders.append(record)
                self.cl_order_ids[(record.account_id, record.trading_day, record.cl_order_id)] = (
                    record.order_id
                )
                self.reindex_order(record)
            case Transaction():
                self.transactions[record.transaction_id] = record
                txns = self.transactions_by_account.setdefault(record.account_id, [])
                if txns and txns[-1].seq > record.seq:
                    bisect.insort(txns, record, key=lambda t: t.seq)
                else:
                    txns.append(record)
            case Position():
                self.positions[(record.account_id, record.symbol)] = record
                self.positions_by_account.setdefault(record.account_id, {})[record.symbol] = record
            case Account():
                self.accounts[record.account_id] = record
            case Client():
                self.clients[record.client_id] = record
            case User():
                self.users[record.key] = record
            case ConnectionRequest():
                self.connection_requests[record.request_id] = record
            case Connection():
                self.connections[record.connection_id] = record
        self.touch(record)

    def reindex_order(self, order: Order) -> None:
        """Keep the open-order index in step with the order's status."""
        self.order_changes[order.order_id] = order
        self.version += 1
        if order.is_open:
            if order.order_id not in self.open_orders:
                listed = self.open_order_lists.setdefault(order.account_id, [])
                if listed and listed[-1].seq > order.seq:
                    bisect.insort(listed, order, key=_seq)
                else:
                    listed.append(order)  # a new order: the newest, so it goes last
            self.open_orders[order.order_id] = order
            self.open_orders_by_account.setdefault(order.account_id, {})[order.order_id] = order
        else:
            if self.open_orders.pop(order.order_id, None) is not None:
                listed = self.open_order_lists.get(order.account_id, [])
                index = bisect.bisect_left(listed, order.seq, key=_seq)
                if index < len(listed) and listed[index] is order:
                    del listed[index]
            self.open_orders_by_account.get(order.account_id, {}).pop(order.order_id, None)

    # -- removal ----------------------------------------------------------------------
    def remove_user(self, user: User) -> None:
        """Delete a user with its connections, accounts and everything in them."""
        for connection in [c for c in self.connections.values() if c.user_key == user.key]:
            self.remove_connection(connection)
        for request in [
            r for r in self.connection_requests.values() if (r.client_id, r.user_id) == user.key
        ]:
            del self.connection_requests[request.request_id]
            self.forget(request)
        del self.users[user.key]
        self.forget(user)

    def remove_connection(self, connection: Connection) -> None:
        for account in [
            a for a in self.accounts.values() if a.connection_id == connection.connection_id
        ]:
            for order in self.orders_by_account.pop(account.account_id, []):
                del self.orders[order.order_id]
                self.open_orders.pop(order.order_id, None)
                self.open_orders_by_account.pop(order.account_id, None)
                self.open_order_lists.pop(order.account_id, None)
                self.order_changes[order.order_id] = order
                self.cl_order_ids.pop(
                    (order.account_id, order.trading_day, order.cl_order_id), None
                )
                self.forget(order)
            for position in self.positions_by_account.pop(account.account_id, {}).values():
                del self.positions[(position.account_id, position.symbol)]
                self.forget(position)
            for txn in self.transactions_by_account.pop(account.account_id, []):
                del self.transactions[txn.transaction_id]
                self.forget(txn)
            del self.accounts[account.account_id]
            self.forget(account)
        del self.connections[connection.connection_id]
        self.forget(connection)

    # -- queries ----------------------------------------------------------------------
    def accounts_of(self, user_key: UserKey) -> list[Account]:
        return sorted(
            (a for a in self.accounts.values() if a.user_key == user_key),
            key=lambda a: a.account_id,
        )

    def connections_of(self, user_key: UserKey) -> list[Connection]:
        return sorted(
            (c for c in self.connections.values() if c.user_key == user_key),
            key=lambda c: (c.created_at, c.connection_id),
        )

    def positions_of(self, account_id: str) -> Collection[Position]:
        """The account's positions (a live view: copy it before adding positions)."""
        return self.positions_by_symbol(account_id).values()

    def positions_by_symbol(self, account_id: str) -> Mapping[str, Position]:
        """The account's positions by symbol (a live, read-only view)."""
        return self.positions_by_account.get(account_id, _NO_POSITIONS)

    def open_orders_of(self, account_id: str) -> Iterator[Order]:
        yield from self.open_orders_by_account.get(account_id, {}).values()

    def take_order_changes(self) -> list[Order]:
        """The orders changed since the last call (each once), forgetting them."""
        changed = list(self.order_changes.values())
        self.order_changes.clear()
        return changed


_NO_POSITIONS: Mapping[str, Position] = MappingProxyType({})


def _seq(order: Order) -> int:
    return order.seq


def record_id(record: Record) -> str:
    """The primary key of a record, as persistence stores it."""
    match record:
        case Order():
            return record.order_id
        case Account():
            return record.account_id
        case Position():
            return f"{record.account_id}\x1f{record.symbol}"
        case Transaction():
            return record.transaction_id
        case Client():
            return record.client_id
        case User():
            return f"{record.client_id}\x1f{record.user_id}"
        case ConnectionRequest():
            return record.request_id
        case Connection():
            return record.connection_id
