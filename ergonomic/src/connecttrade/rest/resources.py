"""The resources of :class:`~connecttrade.rest.client.Client`: ``client.users.create(...)`` etc.

Each verb is one line: it runs the operation (written once, in
``connecttrade._http.endpoints``) through the client's driver. The async twins in
:mod:`connecttrade.rest.async_resources` have the same names and signatures.

Twins, kept in step by construction: this module and its twin
:mod:`connecttrade.rest.async_resources` have the same public names, signatures and
docstrings, modulo ``async``/``await``, ``Async``-prefixed types and the docstring words
of ``tests/ergonomic/test_twins.py`` (``an AsyncClient`` reads ``a Client``, ``async
with`` reads ``with``); that test fails on any other drift, so change both or neither.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from connecttrade._exceptions import ConnectTradeError
from connecttrade._http import endpoints as ops
from connecttrade._http.sync_driver import SyncDriver
from connecttrade.rest.order_handle import OrderHandle
from connecttrade.types.enums import ConnectionType, OrderSide, OrderStatus, TimeInForce
from connecttrade.types.orders import Amount, OrderRequest, placement_cl_order_id
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

__all__ = [
    "Accounts",
    "AgentTokens",
    "Balances",
    "Connections",
    "Orders",
    "Portfolio",
    "Positions",
    "Transactions",
    "Users",
]


class _Resource:
    __slots__ = ("_driver",)

    def __init__(self, driver: SyncDriver) -> None:
        self._driver = driver


class Users(_Resource):
    """The platform's end users (platform level: needs only the client pair)."""

    __slots__ = ()

    def create(self, user_id: str) -> UserCredentials:
        """Create a user; its secret is in the answer only, so store it."""
        return self._driver.run(ops.create_user(user_id))

    def list(self) -> list[User]:
        """Every user of the platform."""
        return self._driver.run(ops.list_users())

    def delete(self, user_id: str) -> None:
        """Delete a user and all of its connections."""
        self._driver.run(ops.delete_user(user_id))

    def rotate_secret(self, user_id: str) -> UserCredentials:
        """Issue a new secret for a user; the old one stops working (never retried once sent)."""
        return self._driver.run(ops.rotate_user_secret(user_id))


class Connections(_Resource):
    """The user's brokerage connections."""

    __slots__ = ()

    def create(
        self,
        broker: str,
        redirect_url: str,
        connection_type: ConnectionType | str = ConnectionType.TRADE,
    ) -> ConnectionRequest:
        """Ask for the URL where the user logs in to ``broker``."""
        return self._driver.run(ops.create_connection(broker, redirect_url, connection_type))

    def list(self) -> list[Connection]:
        """The user's connections with their accounts."""
        return self._driver.run(ops.list_connections())

    def delete(self, connection_id: str) -> None:
        """Remove a connection and revoke its tokens."""
        self._driver.run(ops.delete_connection(connection_id))

    def market_data_token(self, connection_id: str) -> MarketDataToken:
        """A 24-hour market-data stream token; revokes the connection's previous one."""
        return self._driver.run(ops.market_data_token(connection_id))


class Accounts(_Resource):
    """The user's brokerage accounts."""

    __slots__ = ()

    def list(self, connection_id: str | None = None, broker: str | None = None) -> list[Account]:
        """The user's accounts, optionally of one connection or broker."""
        return self._driver.run(ops.list_accounts(self._driver.accounts, connection_id, broker))


class Balances(_Resource):
    """Cash, buying power and margin."""

    __slots__ = ()

    def list(
        self, account_id: str | None = None, connection_id: str | None = None
    ) -> list[Balance]:
        """One balance per account, optionally of one account or connection."""
        return self._driver.run(ops.list_balances(account_id, connection_id))


class Positions(_Resource):
    """Current holdings."""

    __slots__ = ()

    def list(
        self,
        account_id: str | None = None,
        connection_id: str | None = None,
        symbols: str | Iterable[str] | None = None,
    ) -> list[Position]:
        """Open positions, optionally of one account or connection, or some symbols."""
        return self._driver.run(ops.list_positions(account_id, connection_id, symbols))


class Orders(_Resource):
    """Placing, changing and listing orders."""

    __slots__ = ()

    def place(
        self,
        order: OrderRequest,
        account_id: str | None = None,
        broker: str | None = None,
        *,
        cl_order_id: str | None = None,
    ) -> OrderHandle:
        """Place an order and return a handle on it; a broker rejection is not an exception.

        The order gets a client order id if it has none, kept across retries, so a retry
        after a lost answer returns the order already placed instead of a second one.
        Placing again with a client order id already used (after a restart, say) returns
        a handle on the order that holds it when it is the same order, and raises
        :class:`ConflictError` (with ``existing_order_id``) when it is a different one.
        Every error raised here carries the id used as ``cl_order_id``.
        ``cl_order_id=`` chooses that id (your own idempotency key, to find the order later
        with ``get_by_cl_order_id``); it must agree with one the order already carries.
        ``broker`` defaults to the account's, looked up once per client.
        """
        cl_order_id = placement_cl_order_id(order, cl_order_id)
        try:
            placed = self._driver.run(
                ops.place_order(order, account_id, broker, self._driver.accounts, cl_order_id)
            )
        except ConnectTradeError as exc:
            exc.cl_order_id = cl_order_id
            raise
        return OrderHandle(placed, self._driver)

    def get(self, account_id: str, order_id: str) -> Order:
        """One order."""
        return self._driver.run(ops.get_order(account_id, order_id))

    def handle(self, order: Order) -> OrderHandle:
        """A handle on an order found again (``get``, ``list``, ``get_by_cl_order_id``):
        ``wait``, ``events``, ``on``, ``cancel`` and ``modify`` as on a placed order's."""
        return OrderHandle(order, self._driver)

    def get_by_cl_order_id(
        self,
        cl_order_id: str,
        *,
        account_id: str | None = None,
        since: dt.datetime | None = None,
    ) -> Order | None:
        """The newest order placed with client order id ``cl_order_id``, or ``None``.

        The API has no client-order-id filter, so this reads ``GET /orders`` with
        ``status=all`` page by page (of ``account_id``, else of every account) and matches
        here. ``since`` is where the search starts; by default the API's own window,
        today from 00:00 UTC, the day in which a client order id is unique. Pass an
        earlier ``since`` to find an order placed on an earlier day.
        """
        return self._driver.run(ops.order_by_cl_order_id(cl_order_id, account_id, since))

    def list(
        self,
        account_id: str | None = None,
        *,
        status: OrderStatus | str | None = None,
        symbols: str | Iterable[str] | None = None,
        side: OrderSide | str | None = None,
        start_time: dt.datetime | None = None,
        end_time: dt.datetime | None = None,
        sort: str | None = None,
        page_size: int = 100,
    ) -> Iterator[Order]:
        """Iterate orders page by page; no filters: today's open orders (the API default).

        ``status`` is an :class:`OrderStatus` or ``"all"``, ``"open"``, ``"closed"``.
        """
        filters = ops.OrderFilters.build(
            account_id=account_id,
            status=status,
            symbols=symbols,
            side=side,
            start_time=start_time,
            end_time=end_time,
            sort=sort,
            page_size=page_size,
        )
        return self._pages(filters)

    def _pages(self, filters: ops.OrderFilters) -> Iterator[Order]:
        cursor: str | None = None
        while True:
            page, cursor = self._driver.run(ops.order_page(filters, cursor))
            yield from page
            if cursor is None:
                return

    def modify(
        self,
        account_id: str,
        order_id: str,
        *,
        qty: Amount | None = None,
        notional: Amount | None = None,
        limit_price: Amount | None = None,
        credit: Amount | None = None,
        debit: Amount | None = None,
        stop_price: Amount | None = None,
        tif: TimeInForce | str | None = None,
        new_cl_order_id: str | None = None,
    ) -> OrderHandle:
        """Replace an open order; return a handle on the replacement. Retried safely.

        A multi-leg order's net price is changed with ``credit=`` or ``debit=`` (a positive
        amount), in the order's own direction: a credit order takes ``credit=``, and
        ``debit=`` on it (or a bare ``limit_price=``) raises :class:`InvalidOrder` before
        anything is sent, so a re-price can never flip a credit into a debit. When a price
        changes, the order is read first (one GET) to learn its kind and direction.
        """
        replacement = self._driver.run(
            ops.modify_order(
                account_id,
                order_id,
                self._driver.accounts,
                qty=qty,
                notional=notional,
                limit_price=limit_price,
                credit=credit,
                debit=debit,
                stop_price=stop_price,
                tif=tif,
                new_cl_order_id=new_cl_order_id,
            )
        )
        return OrderHandle(replacement, self._driver)

    def cancel(self, account_id: str, order_id: str) -> Order:
        """Ask the broker to cancel an open order."""
        return self._driver.run(ops.cancel_order(account_id, order_id))

    def partially_filled(self, account_id: str | None = None) -> builtins.list[Order]:
        """Today's partially filled orders, each with its fills."""
        filters = ops.OrderFilters.build(account_id=account_id, status="partially_filled")
        return self._driver.run(ops.collect_orders(filters))


class Transactions(_Resource):
    """Historical account activity."""

    __slots__ = ()

    def list(
        self,
        account_id: str | None = None,
        start_date: dt.date | None = None,
        end_date: dt.date | None = None,
        *,
        connection_id: str | None = None,
        sort: str | None = None,
        page_size: int = 100,
    ) -> Iterator[Transaction]:
        """Iterate transactions page by page, newest first unless ``sort="asc"``."""
        filters = ops.TransactionFilters.build(
            account_id=account_id,
            connection_id=connection_id,
            start_date=start_date,
            end_date=end_date,
            sort=sort,
            page_size=page_size,
        )
        return self._pages(filters)

    def _pages(self, filters: ops.TransactionFilters) -> Iterator[Transaction]:
        cursor: str | None = None
        while True:
            page, cursor = self._driver.run(ops.transaction_page(filters, cursor))
            yield from page
            if cursor is None:
                return


class AgentTokens(_Resource):
    """Short-lived bearer tokens for agent tools."""

    __slots__ = ()

    def create(self, scopes: Sequence[str] = ("read",)) -> AgentToken:
        """A one-hour token limited to ``scopes`` (``"read"``, ``"trade"``)."""
        return self._driver.run(ops.agent_token(scopes))


class Portfolio(_Resource):
    """The documented workflows over positions and balances."""

    __slots__ = ()

    def total_unrealized_pl(self, account_id: str | None = None) -> Decimal:
        """The sum of unrealized P&L over positions (positions without one are skipped)."""
        return self._driver.run(ops.total_unrealized_pl(account_id))

    def daily_summary(self, account_id: str) -> DailySummary:
        """Cash, buying power and per-symbol daily P&L of one account."""
        return self._driver.run(ops.daily_summary(account_id))
