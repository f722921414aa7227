"""Pins the types of connecttrade's public API; type-checked by mypy, never run.

Like stamina's ``tests/typing/api.py``: if a change alters what a call returns, mypy fails
here. The file has no ``test_`` prefix, so pytest does not collect it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterator
from decimal import Decimal
from typing import assert_type

import httpx

import connecttrade
from connecttrade import (
    Account,
    AgentToken,
    AsyncClient,
    AsyncOrderHandle,
    Balance,
    Client,
    Connection,
    ConnectionRequest,
    DailySummary,
    Fill,
    MarketDataToken,
    Order,
    OrderHandle,
    OrderStatus,
    Position,
    Secret,
    Transaction,
    User,
    UserCredentials,
)
from connecttrade.agent import (
    AlertMonitor,
    QuoteSource,
    StreamAlerts,
    StreamQuotes,
    SyncStreamQuotes,
)
from connecttrade.agent import Quote as AgentQuote
from connecttrade.types.broker import Broker
from connecttrade.types.enums import OrderSide


def sync_api(client: Client) -> None:
    assert_type(client.for_user("u", "s"), Client)
    assert_type(client.users.create("u"), UserCredentials)
    assert_type(client.users.create("u").user_secret, Secret)
    assert_type(client.users.list(), list[User])
    assert_type(client.users.delete("u"), None)
    assert_type(client.users.rotate_secret("u"), UserCredentials)
    assert_type(client.connections.create("ALPACA", "https://x"), ConnectionRequest)
    assert_type(client.connections.list(), list[Connection])
    assert_type(client.connections.delete("c"), None)
    assert_type(client.connections.market_data_token("c"), MarketDataToken)
    assert_type(client.accounts.list(), list[Account])
    assert_type(client.balances.list(), list[Balance])
    assert_type(client.positions.list(symbols=["AAPL"]), list[Position])
    handle = client.orders.place(connecttrade.market("AAPL", 1, side="BUY"), account_id="a")
    assert_type(handle, OrderHandle)
    assert_type(handle.order, Order)
    assert_type(handle.fills, tuple[Fill, ...])
    assert_type(handle.status_log, list[tuple[dt.datetime, OrderStatus | str]])
    assert_type(handle.refresh(), Order)
    assert_type(handle.wait(timeout=1.0, poll_interval=0.1), Order)
    assert_type(handle.cancel(), Order)
    assert_type(handle.modify(limit_price="1.5"), OrderHandle)
    assert_type(handle.is_done, bool)
    assert_type(handle.apply(handle.order), bool)
    assert_type(handle.on(connecttrade.OrderFill, _on_fill), Callable[[], None])
    for event in handle.events(timeout=None, poll_interval=0.1):
        assert_type(event, connecttrade.OrderEvent)
    assert_type(
        client.orders.place(connecttrade.market("A", 1, side="BUY", cl_order_id="x"), "a"),
        OrderHandle,
    )
    assert_type(
        client.orders.place(connecttrade.market("A", 1, side="BUY"), cl_order_id="x"), OrderHandle
    )
    assert_type(client.orders.get("a", "o"), Order)
    assert_type(client.orders.list(status="all"), Iterator[Order])
    assert_type(client.orders.modify("a", "o", qty=2), OrderHandle)
    assert_type(client.orders.cancel("a", "o"), Order)
    assert_type(client.orders.partially_filled(), list[Order])
    assert_type(client.transactions.list(start_date=dt.date(2026, 1, 1)), Iterator[Transaction])
    assert_type(client.agent_tokens.create(("read", "trade")), AgentToken)
    assert_type(client.agent_tokens.create().access_token, Secret)
    assert_type(client.portfolio.total_unrealized_pl(), Decimal)
    assert_type(client.portfolio.daily_summary("a"), DailySummary)
    client.close()


async def async_api(client: AsyncClient) -> None:
    assert_type(client.for_user("u", "s"), AsyncClient)
    assert_type(await client.users.create("u"), UserCredentials)
    assert_type(await client.users.list(), list[User])
    assert_type(await client.accounts.list(), list[Account])
    assert_type(await client.balances.list(), list[Balance])
    assert_type(await client.positions.list(), list[Position])
    handle = await client.orders.place(connecttrade.market("AAPL", 1, side="BUY"))
    assert_type(handle, AsyncOrderHandle)
    assert_type(await handle.refresh(), Order)
    assert_type(await handle.wait(), Order)
    assert_type(await handle.cancel(), Order)
    assert_type(await handle.modify(qty=1), AsyncOrderHandle)
    assert_type(handle.on(connecttrade.OrderEvent, print), Callable[[], None])
    async for event in handle.events(timeout=5.0):
        assert_type(event, connecttrade.OrderEvent)
    assert_type(client.orders.list(), AsyncIterator[Order])
    assert_type(client.transactions.list(), AsyncIterator[Transaction])
    assert_type(await client.orders.partially_filled(), list[Order])
    assert_type(await client.agent_tokens.create(), AgentToken)
    assert_type(await client.portfolio.total_unrealized_pl("a"), Decimal)
    assert_type(await client.portfolio.daily_summary("a"), DailySummary)
    await client.aclose()


def _on_fill(event: connecttrade.OrderFill) -> None:
    assert_type(event.fill, Fill)
    assert_type(event.quantity, Decimal)
    assert_type(event.price, Decimal)
    assert_type(event.order, Order)


def order_events(filled: connecttrade.OrderFilled, rejected: connecttrade.OrderRejected) -> None:
    assert_type(filled.previous, OrderStatus | str | None)
    assert_type(filled.status, OrderStatus | str)
    assert_type(rejected.reason, str | None)


async def account_views(client: AsyncClient, sync: Client) -> None:
    view = connecttrade.LiveAccountView.from_client(client, refresh_every=5.0)
    assert_type(await view.refresh(timeout=1.0), None)
    assert_type(view.refreshes, int)
    sync_view = connecttrade.SyncAccountView(sync, refresh_every=5.0)
    assert_type(sync_view.refresh(), None)
    assert_type(sync_view.refreshes, int)


def results(order: Order, position: Position, balance: Balance) -> None:
    assert_type(order.status, OrderStatus | str)
    assert_type(order.broker, Broker | str)
    assert_type(order.side, OrderSide | str | None)
    assert_type(order.limit_price, Decimal | None)
    assert_type(order.filled_qty, Decimal)
    assert_type(order.version, int)
    assert_type(position.unrealized_pl, Decimal | None)
    assert_type(position.version, int)
    assert_type(balance.cash, Decimal)
    assert_type(balance.version, int)
    assert_type(connecttrade.vwap(order.fills), Decimal)


async def streams(client: AsyncClient, sync: Client) -> None:
    stream = connecttrade.BrokerageStream.from_client(client)
    assert_type(await stream.start(), connecttrade.BrokerageStream)
    assert_type(stream.state, connecttrade.StreamState)
    async for event in stream:
        assert_type(event, connecttrade.BrokerageEvent)
    md = connecttrade.MarketDataStream.from_client(client, "conn")
    assert_type(
        await md.snapshot("AAPL", "1m", dt.datetime.now(), dt.datetime.now()),
        connecttrade.BarSnapshot,
    )
    assert_type(await md.subscribe_quotes(["AAPL"], timeout=5.0), None)
    assert_type(md.symbols("quotes"), tuple[str, ...])
    try:
        await md.subscribe_depth("AAPL", levels=3, timeout=None)
    except connecttrade.SubscriptionRefusedError as refused:
        assert_type(refused.symbols, tuple[str, ...])
        assert_type(refused.accepted, tuple[str, ...])
        assert_type(refused.refusals, tuple[connecttrade.SubscriptionRefused, ...])
        assert_type(refused.refusals[0].code, str)
    with connecttrade.SyncMarketDataStream.from_client(sync, "conn") as sync_md:
        assert_type(sync_md.subscribe_quotes("AAPL", timeout=5.0), None)
        assert_type(sync_md.symbols("quotes"), tuple[str, ...])
    view = connecttrade.LiveAccountView(stream, [client])
    handle = await client.orders.place(connecttrade.market("AAPL", 1, side="BUY"))
    assert_type(view.track(handle), AsyncOrderHandle)
    assert_type(view.orders(), list[Order])
    assert_type(view.positions(), list[Position])
    assert_type(view.balance("a"), Balance | None)
    with connecttrade.SyncBrokerageStream.from_client(sync) as blocking:
        assert_type(blocking.get(timeout=1.0), connecttrade.BrokerageEvent)
        assert_type(list(blocking.iter(timeout=1.0)), list[connecttrade.BrokerageEvent])
    with connecttrade.SyncAccountView(sync) as sync_view:
        sync_handle = sync.orders.place(connecttrade.market("AAPL", 1, side="BUY"))
        assert_type(sync_view.track(sync_handle), OrderHandle)
        assert_type(sync_view.add_stream_listener(print), Callable[[], None])
    assert_type(stream.last_frame_at, float | None)
    book = connecttrade.OrderBook("AAPL")
    assert_type(book.spread, Decimal | None)
    assert_type(connecttrade.MarketCache().quote("AAPL"), connecttrade.Quote | None)


async def agent_stream_glue(client: AsyncClient, sync: Client) -> None:
    with SyncStreamQuotes.from_client(sync, "conn", ["AAPL"]) as quotes:
        assert_type(quotes("AAPL"), AgentQuote)
        assert_type(quotes.symbols, tuple[str, ...])
        source: QuoteSource = quotes
        assert_type(source, QuoteSource)
    async_quotes = StreamQuotes(connecttrade.MarketDataStream.from_client(client, "conn"))
    assert_type(async_quotes("AAPL"), AgentQuote)
    with StreamAlerts(AlertMonitor(), connecttrade.SyncAccountView(sync)) as alerts:
        assert_type(alerts.attached, bool)


def construction() -> None:
    assert_type(Client(http_client=httpx.Client()), Client)
    assert_type(AsyncClient(http_client=httpx.AsyncClient()), AsyncClient)
