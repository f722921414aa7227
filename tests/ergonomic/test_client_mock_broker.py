"""Integration tests: the SDK's clients against the mock broker's app (no network).

The sync client talks to the app through ``starlette.testclient.TestClient`` (an
``httpx.Client``), the async one through ``httpx.ASGITransport``. Each test gets a fresh
mock with the demo tenant: a margin account at ALPACA, a cash account at TRADIER, and the
scenario symbols ZVZZT (always fills), ZXZZT (always rejected) and ZAZZT (never fills).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from decimal import Decimal
from typing import Any, TypeVar, cast

import httpx
import pytest
import stamina
from starlette.testclient import TestClient

import connecttrade
from connecttrade import (
    AsyncClient,
    AuthenticationError,
    Broker,
    Client,
    ConflictError,
    MissingCredentialsError,
    NotFoundError,
    OrderStatus,
    OrderWaitTimeoutError,
    limit,
    market,
)
from connecttrade_mock.app import MockBroker, create_app
from connecttrade_mock.simulator import Settings

CREDENTIALS: dict[str, Any] = {
    "base_url": "http://testserver",
    "client_id": "demo-client",
    "client_secret": "demo-secret",
    "user_id": "demo-user",
    "user_secret": "demo-user-secret",
}
MARGIN, CASH = "acc_demo_margin", "acc_demo_cash"

_T = TypeVar("_T")


@pytest.fixture(autouse=True)
def _instant_retries() -> Iterator[None]:
    """Backoffs are zero (stamina's testing mode) while each client's own limit still holds."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


def _as_httpx(http: TestClient) -> httpx.Client:
    """Starlette's TestClient is an httpx2 client, call-compatible with the SDK's httpx."""
    return cast("httpx.Client", http)


@pytest.fixture
def broker() -> MockBroker:
    """A fresh mock broker with the demo tenant."""
    return MockBroker(Settings())


@pytest.fixture
def client(broker: MockBroker) -> Iterator[Client]:
    """A sync SDK client wired to the mock through Starlette's TestClient."""
    with TestClient(create_app(broker.settings, broker=broker)) as http:
        yield Client(**CREDENTIALS, http_client=_as_httpx(http))


def _run_async(
    broker: MockBroker,
    scenario: Callable[[AsyncClient], Awaitable[_T]],
    transport: Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport] | None = None,
) -> _T:
    """Run ``scenario`` with an async SDK client wired to the mock through ASGITransport."""

    async def main() -> _T:
        inner: httpx.AsyncBaseTransport = httpx.ASGITransport(
            create_app(broker.settings, broker=broker)
        )
        wrapped = inner if transport is None else transport(inner)
        async with (
            httpx.AsyncClient(transport=wrapped) as http,
            AsyncClient(**CREDENTIALS, http_client=http) as sdk,
        ):
            return await scenario(sdk)

    return asyncio.run(main())


class LoseFirstAnswer(httpx.AsyncBaseTransport):
    """Delivers the first matching request to the app, then loses its answer (a timeout)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, method: str, path: str) -> None:
        self.inner, self.method, self.path = inner, method, path
        self.lost = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not self.lost and request.method == self.method and request.url.path == self.path:
            self.lost = True
            await response.aread()
            raise httpx.ReadTimeout("answer lost on the way back", request=request)
        return response


# --- account data ----------------------------------------------------------------------------


def test_accounts_of_the_demo_tenant(client: Client) -> None:
    """The demo user has a margin account at ALPACA and a cash account at TRADIER."""
    brokers = {a.account_id: a.broker for a in client.accounts.list()}
    assert brokers == {MARGIN: Broker.ALPACA, CASH: Broker.TRADIER}


def test_balances_are_exact_decimals(client: Client) -> None:
    """Balances parse with Decimal money for both accounts."""
    balances = {b.account_id: b for b in client.balances.list()}
    assert set(balances) == {MARGIN, CASH}
    assert all(isinstance(b.cash, Decimal) and b.cash > 0 for b in balances.values())


def test_connections_list_their_accounts(client: Client) -> None:
    """Each demo connection carries the account it links."""
    linked = {a.account_id for c in client.connections.list() for a in c.accounts}
    assert linked == {MARGIN, CASH}


def test_market_data_token_is_a_secret(client: Client) -> None:
    """connections.market_data_token returns a Secret token that does not print."""
    connection = client.connections.list()[0]
    token = client.connections.market_data_token(connection.connection_id)
    assert isinstance(token.token, connecttrade.Secret)
    assert token.token.reveal() not in repr(token)


def test_agent_token(client: Client) -> None:
    """agent_tokens.create returns a bearer token with the scopes asked for."""
    token = client.agent_tokens.create(("read", "trade"))
    assert token.token_type == "Bearer"
    assert set(token.scopes) == {"read", "trade"}


def test_wrong_user_secret_is_an_authentication_error(broker: MockBroker) -> None:
    """A wrong user secret is answered 401 and raised as AuthenticationError."""
    with TestClient(create_app(broker.settings, broker=broker)) as http:
        bad = Client(**{**CREDENTIALS, "user_secret": "wrong"}, http_client=_as_httpx(http))
        with pytest.raises(AuthenticationError):
            bad.accounts.list()


# --- users -----------------------------------------------------------------------------------


def test_user_lifecycle_with_for_user(client: Client) -> None:
    """Create a user, act for it on the shared pool, rotate its secret, then delete it."""
    platform = client.for_user("demo-user", "demo-user-secret")
    created = platform.users.create("sdk-user-1")
    assert "sdk-user-1" in {u.user_id for u in platform.users.list()}
    acting = platform.for_user("sdk-user-1", created.user_secret)
    assert acting.accounts.list() == []
    rotated = platform.users.rotate_secret("sdk-user-1")
    assert rotated.user_secret != created.user_secret
    with pytest.raises(AuthenticationError):
        acting.accounts.list()
    platform.users.delete("sdk-user-1")
    assert "sdk-user-1" not in {u.user_id for u in platform.users.list()}


def test_platform_client_needs_no_user_pair(broker: MockBroker) -> None:
    """A client with only the client pair manages users and refuses user-level calls early."""
    with TestClient(create_app(broker.settings, broker=broker)) as http:
        platform = Client(
            base_url="http://testserver",
            client_id="demo-client",
            client_secret="demo-secret",
            http_client=_as_httpx(http),
        )
        assert "demo-user" in {u.user_id for u in platform.users.list()}
        with pytest.raises(MissingCredentialsError):
            platform.positions.list()


def test_connection_request_url(client: Client) -> None:
    """connections.create answers the URL to show the user and when it expires."""
    request = client.connections.create("webull", "https://app.example.com/callback")
    assert request.url.startswith("http")
    assert request.expires_at.tzinfo is not None


# --- orders ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("symbol", "status"),
    [
        pytest.param("ZVZZT", OrderStatus.FILLED, id="always-fills"),
        pytest.param("ZXZZT", OrderStatus.REJECTED, id="always-rejected"),
    ],
)
def test_scenario_orders_end_as_scripted(client: Client, symbol: str, status: OrderStatus) -> None:
    """A scenario symbol's market order ends filled or rejected, never raising for rejection."""
    handle = client.orders.place(market(symbol, 1, side="BUY"), account_id=MARGIN)
    order = handle.wait(timeout=5, poll_interval=0.01)
    assert order.status is status
    if status is OrderStatus.REJECTED:
        assert order.reject_reason
    else:
        assert connecttrade.vwap(order.fills) == order.avg_fill_price


def test_broker_comes_from_the_account(client: Client) -> None:
    """Without broker=, orders on the cash account go to TRADIER."""
    handle = client.orders.place(market("ZVZZT", 1, side="BUY"), account_id=CASH)
    assert handle.order.broker is Broker.TRADIER


def test_never_filling_order_times_out_then_cancels(client: Client) -> None:
    """A ZAZZT order stays working: wait times out, and cancel ends it."""
    handle = client.orders.place(market("ZAZZT", 1, side="BUY"), account_id=MARGIN)
    with pytest.raises(OrderWaitTimeoutError):
        handle.wait(timeout=0.05, poll_interval=0.01)
    handle.cancel()
    assert handle.order.status in (OrderStatus.PENDING_CANCEL, OrderStatus.CANCELLED)
    assert handle.wait(timeout=5, poll_interval=0.01).status is OrderStatus.CANCELLED


def test_modify_replaces_a_working_order(client: Client) -> None:
    """Modifying a working limit order returns its replacement; the original is replaced."""
    handle = client.orders.place(limit("ZAZZT", 1, "9.50", side="BUY"), account_id=MARGIN)
    assert handle.order.status is OrderStatus.WORKING
    replacement = handle.modify(limit_price="9.75")
    assert replacement.order.limit_price == Decimal("9.75")
    assert replacement.order.replaces_order_id == handle.order.order_id
    assert handle.wait(timeout=5, poll_interval=0.01).status is OrderStatus.REPLACED


def test_reused_client_order_id_is_a_conflict(client: Client) -> None:
    """The mock answers 409 for a cl_order_id used today; for a different order that raises."""
    order = market("ZAZZT", 1, side="BUY").with_ids(cl_order_id="ct-reused-1")
    client.orders.place(order, account_id=MARGIN)
    with pytest.raises(ConflictError):
        client.orders.place(
            limit("ZAZZT", 1, "9.50", side="BUY").with_ids(cl_order_id="ct-reused-1"),
            account_id=MARGIN,
        )


def test_unknown_order_is_not_found(client: Client) -> None:
    """orders.get of an order that does not exist raises NotFoundError."""
    with pytest.raises(NotFoundError):
        client.orders.get(MARGIN, "ord_doesnotexist")


def test_orders_list_pages_through_everything(client: Client) -> None:
    """orders.list with a small page size still yields every order of the day."""
    placed = {
        client.orders.place(market("ZAZZT", 1, side="BUY"), account_id=MARGIN).order.order_id
        for _ in range(5)
    }
    listed = {o.order_id for o in client.orders.list(MARGIN, status="all", page_size=2)}
    assert placed <= listed


def test_transactions_follow_fills(client: Client) -> None:
    """A filled order shows up among the account's transactions."""
    handle = client.orders.place(market("ZVZZT", 2, side="BUY"), account_id=MARGIN)
    handle.wait(timeout=5, poll_interval=0.01)
    transactions = list(client.transactions.list(MARGIN, page_size=2))
    assert handle.order.order_id in {t.order_id for t in transactions}


def test_portfolio_workflows(client: Client) -> None:
    """After a fill the daily summary lists the symbol and total P&L is a Decimal."""
    client.orders.place(market("ZVZZT", 3, side="BUY"), account_id=MARGIN).wait(
        timeout=5, poll_interval=0.01
    )
    summary = client.portfolio.daily_summary(MARGIN)
    assert "ZVZZT" in summary.daily_pl_by_symbol
    assert isinstance(client.portfolio.total_unrealized_pl(MARGIN), Decimal)


def test_503_from_the_mock_is_retried(broker: MockBroker, client: Client) -> None:
    """An injected 503 is retried and the call succeeds."""
    broker.faults.fail_next, broker.faults.error_status = 1, 503
    assert len(client.accounts.list()) == 2


# --- async -----------------------------------------------------------------------------------


def test_async_client_places_and_waits(broker: MockBroker) -> None:
    """The async client places a ZVZZT order and awaits its fill."""

    async def scenario(sdk: AsyncClient) -> OrderStatus | str:
        handle = await sdk.orders.place(market("ZVZZT", 1, side="BUY"), account_id=MARGIN)
        return (await handle.wait(timeout=5, poll_interval=0.01)).status

    assert _run_async(broker, scenario) is OrderStatus.FILLED


def test_async_lost_answer_resolves_to_the_one_order(broker: MockBroker) -> None:
    """The first POST /orders reaches the mock but its answer is lost; the retry's 409 is
    resolved to the order already placed, and exactly one order exists."""

    async def scenario(sdk: AsyncClient) -> tuple[str, list[str]]:
        order = market("ZAZZT", 1, side="BUY")
        handle = await sdk.orders.place(order, account_id=MARGIN)
        everything = [o.order_id async for o in sdk.orders.list(MARGIN, status="all")]
        return handle.order.order_id, everything

    placed, everything = _run_async(
        broker, scenario, lambda inner: LoseFirstAnswer(inner, "POST", "/orders")
    )
    assert everything == [placed]


def test_async_listing_and_portfolio(broker: MockBroker) -> None:
    """Async listings are async iterators and the workflows are awaitable one-liners."""

    async def scenario(sdk: AsyncClient) -> tuple[int, Decimal]:
        accounts = await sdk.accounts.list()
        total = await sdk.portfolio.total_unrealized_pl()
        return len(accounts), total

    count, total = _run_async(broker, scenario)
    assert count == 2
    assert total == Decimal(0)
