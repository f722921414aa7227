"""Idempotent placement across a restart, against the mock broker's app (in process).

A client order id saved before a restart finds its order again: ``orders.place`` with it
resolves to the order already placed when the order is the same, a different order under
it raises :class:`ConflictError` naming the existing order, ``get_by_cl_order_id`` looks
it up, and every error a placement raises carries the id it used.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import pickle
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar, cast

import httpx
import pytest
import stamina
from starlette.testclient import TestClient

from connecttrade import (
    APIConnectionError,
    APITimeoutError,
    AsyncClient,
    Client,
    ConflictError,
    InvalidOrder,
    NotFoundError,
    Order,
    limit,
    market,
    stop,
    stop_limit,
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
    """Backoffs are zero (stamina's testing mode)."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


@pytest.fixture
def broker() -> MockBroker:
    """A fresh mock broker with the demo tenant."""
    return MockBroker(Settings())


@pytest.fixture
def connect(broker: MockBroker) -> Iterator[Callable[[], Client]]:
    """Makes sync SDK clients wired to one mock: a new one is a restarted program."""
    with TestClient(create_app(broker.settings, broker=broker)) as http:
        yield lambda: Client(**CREDENTIALS, http_client=cast("httpx.Client", http))


class LoseAnswers(httpx.AsyncBaseTransport):
    """Delivers every POST /orders to the app, then loses its answer (a read timeout)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "POST" and request.url.path == "/orders":
            self.lost += 1
            await response.aread()
            raise httpx.ReadTimeout("answer lost on the way back", request=request)
        return response


def _run_async(
    broker: MockBroker,
    scenario: Callable[[AsyncClient, AsyncClient], Awaitable[_T]],
) -> _T:
    """Run ``scenario`` with a client whose placements lose their answers, and a sound one."""

    async def main() -> _T:
        app = httpx.ASGITransport(create_app(broker.settings, broker=broker))
        async with (
            httpx.AsyncClient(transport=LoseAnswers(app)) as lossy_http,
            httpx.AsyncClient(transport=app) as http,
            AsyncClient(**CREDENTIALS, http_client=lossy_http, max_retries=0) as lossy,
            AsyncClient(**CREDENTIALS, http_client=http) as sound,
        ):
            return await scenario(lossy, sound)

    return asyncio.run(main())


def test_identical_replacement_after_a_restart_resolves_to_the_order(
    connect: Callable[[], Client],
) -> None:
    """A new client placing the same order under a saved cl_order_id gets a handle on the
    order already placed, and the account still holds one order."""
    order = market("ZAZZT", 1, side="BUY").with_ids(cl_order_id="ct-saved-1")
    first = connect().orders.place(order, account_id=MARGIN)
    again = connect().orders.place(order, account_id=MARGIN)
    assert again.order.order_id == first.order.order_id
    assert [o.order_id for o in connect().orders.list(MARGIN, status="all")] == [
        first.order.order_id
    ]


def test_a_different_order_under_a_used_id_is_a_conflict_naming_the_order(
    connect: Callable[[], Client],
) -> None:
    """Another order under a used cl_order_id raises ConflictError whose fields name the
    existing order and the id, and pickling keeps them."""
    first = connect().orders.place(
        market("ZAZZT", 1, side="BUY").with_ids(cl_order_id="ct-saved-2"), account_id=MARGIN
    )
    with pytest.raises(ConflictError) as caught:
        connect().orders.place(
            market("ZAZZT", 2, side="BUY").with_ids(cl_order_id="ct-saved-2"), account_id=MARGIN
        )
    error = caught.value
    assert error.existing_order_id == first.order.order_id
    assert isinstance(error.existing_order, Order)
    assert error.existing_order.order_id == first.order.order_id
    assert error.cl_order_id == "ct-saved-2"
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 -- our own bytes
    assert (copy.existing_order_id, copy.cl_order_id) == (error.existing_order_id, "ct-saved-2")
    assert copy.existing_order == error.existing_order


def test_get_by_cl_order_id(connect: Callable[[], Client]) -> None:
    """get_by_cl_order_id finds an order by its client order id, on one account or all,
    with or without since=, and answers None for an id never used."""
    client = connect()
    placed = client.orders.place(market("ZVZZT", 1, side="BUY"), account_id=CASH).order
    found = client.orders.get_by_cl_order_id(placed.cl_order_id, account_id=CASH)
    assert found is not None
    assert found.order_id == placed.order_id
    anywhere = client.orders.get_by_cl_order_id(placed.cl_order_id)
    assert anywhere is not None
    assert anywhere.order_id == placed.order_id
    since = placed.created_at - dt.timedelta(days=3)
    earlier = client.orders.get_by_cl_order_id(placed.cl_order_id, since=since)
    assert earlier is not None
    assert earlier.order_id == placed.order_id
    assert client.orders.get_by_cl_order_id(placed.cl_order_id, account_id=MARGIN) is None
    assert client.orders.get_by_cl_order_id("ct-never-used") is None


def test_a_status_error_from_place_carries_the_generated_id(connect: Callable[[], Client]) -> None:
    """A 404 (unknown account) raised by place carries the cl_order_id it generated."""
    with pytest.raises(NotFoundError) as caught:
        connect().orders.place(
            market("ZAZZT", 1, side="BUY"), account_id="acc_nope", broker="ALPACA"
        )
    assert caught.value.cl_order_id is not None
    assert caught.value.cl_order_id.startswith("ct-")


def test_errors_of_other_calls_carry_no_cl_order_id(connect: Callable[[], Client]) -> None:
    """cl_order_id is None on an error raised by a call that places nothing."""
    with pytest.raises(NotFoundError) as caught:
        connect().orders.get(MARGIN, "ord_doesnotexist")
    assert caught.value.cl_order_id is None


def test_a_timeout_keeps_the_generated_id_and_the_order_is_found(broker: MockBroker) -> None:
    """A placement whose answer is lost raises APITimeoutError carrying the generated
    cl_order_id; with it the order is found and a re-placement resolves to it."""

    async def scenario(lossy: AsyncClient, sound: AsyncClient) -> None:
        order = market("ZAZZT", 1, side="BUY")
        with pytest.raises(APITimeoutError) as caught:
            await lossy.orders.place(order, account_id=MARGIN)
        key = caught.value.cl_order_id
        assert key is not None
        assert isinstance(caught.value, APIConnectionError)
        found = await sound.orders.get_by_cl_order_id(key, account_id=MARGIN)
        assert found is not None
        again = await sound.orders.place(order.with_ids(cl_order_id=key), account_id=MARGIN)
        assert again.order.order_id == found.order_id
        everything = [o.order_id async for o in sound.orders.list(MARGIN, status="all")]
        assert everything == [found.order_id]

    _run_async(broker, scenario)


def test_async_conflict_names_the_existing_order(broker: MockBroker) -> None:
    """The async client raises the same ConflictError fields for a different order under a
    used id, and answers None for an unknown id."""

    async def scenario(_lossy: AsyncClient, sound: AsyncClient) -> None:
        first = await sound.orders.place(
            market("ZAZZT", 1, side="BUY").with_ids(cl_order_id="ct-async-1"), account_id=MARGIN
        )
        with pytest.raises(ConflictError) as caught:
            await sound.orders.place(
                market("ZAZZT", 1, side="SELL").with_ids(cl_order_id="ct-async-1"),
                account_id=MARGIN,
            )
        assert caught.value.existing_order_id == first.order.order_id
        assert caught.value.cl_order_id == "ct-async-1"
        assert await sound.orders.get_by_cl_order_id("ct-never-used") is None

    _run_async(broker, scenario)


def test_cl_order_id_keyword_is_the_idempotency_key(connect: Callable[[], Client]) -> None:
    """place(..., cl_order_id=) places under that id: get_by_cl_order_id finds the order, a
    restarted program placing the same order under it gets that order back, and a
    different order under it is a ConflictError naming the order and the id."""
    first = connect().orders.place(
        market("ZAZZT", 1, side="BUY"), account_id=MARGIN, cl_order_id="ct-kw-1"
    )
    assert first.order.cl_order_id == "ct-kw-1"
    found = connect().orders.get_by_cl_order_id("ct-kw-1")
    assert found is not None
    assert found.order_id == first.order.order_id
    again = connect().orders.place(
        market("ZAZZT", 1, side="BUY"), account_id=MARGIN, cl_order_id="ct-kw-1"
    )
    assert again.order.order_id == first.order.order_id
    with pytest.raises(ConflictError) as caught:
        connect().orders.place(
            market("ZAZZT", 5, side="BUY"), account_id=MARGIN, cl_order_id="ct-kw-1"
        )
    assert caught.value.existing_order_id == first.order.order_id
    assert caught.value.cl_order_id == "ct-kw-1"


def test_builders_take_cl_order_id(connect: Callable[[], Client]) -> None:
    """market/limit/stop/stop_limit(..., cl_order_id=) carry the id, and place uses it."""
    built = [
        market("ZAZZT", 1, side="BUY", cl_order_id="ct-b-1"),
        limit("ZAZZT", 1, "9.00", side="BUY", cl_order_id="ct-b-2"),
        stop("ZAZZT", 1, "99.00", side="BUY", cl_order_id="ct-b-3"),
        stop_limit(
            "ZAZZT", 1, stop_price="99.00", limit_price="99.50", side="BUY", cl_order_id="ct-b-4"
        ),
    ]
    assert [o.cl_order_id for o in built] == ["ct-b-1", "ct-b-2", "ct-b-3", "ct-b-4"]
    handle = connect().orders.place(built[0], account_id=MARGIN)
    assert handle.order.cl_order_id == "ct-b-1"


@pytest.mark.parametrize(
    ("order_id", "keyword", "problem"),
    [
        pytest.param("ct-a", "ct-b", "already carries 'ct-a'", id="two-different-ids"),
        pytest.param(None, " ct-pad", "surrounding spaces", id="padded"),
        pytest.param(None, "", "non-empty", id="empty"),
    ],
)
def test_a_bad_or_conflicting_cl_order_id_is_refused_before_sending(
    connect: Callable[[], Client], order_id: str | None, keyword: str, problem: str
) -> None:
    """Two different ids (the order's and the keyword's) or a malformed one raise
    InvalidOrder naming cl_order_id, and no order reaches the broker."""
    client = connect()
    order = market("ZAZZT", 1, side="BUY", cl_order_id=order_id)
    with pytest.raises(InvalidOrder, match=problem) as caught:
        client.orders.place(order, account_id=MARGIN, cl_order_id=keyword)
    assert caught.value.field == "cl_order_id"
    assert list(client.orders.list(MARGIN, status="all")) == []


def test_the_same_id_on_the_order_and_the_keyword_is_accepted(
    connect: Callable[[], Client],
) -> None:
    """The keyword may repeat the id the order already carries."""
    handle = connect().orders.place(
        market("ZAZZT", 1, side="BUY", cl_order_id="ct-same"),
        account_id=MARGIN,
        cl_order_id="ct-same",
    )
    assert handle.order.cl_order_id == "ct-same"


def test_a_found_order_gets_a_handle_that_waits_and_cancels(mock_broker: Any) -> None:
    """``orders.handle(order)``: an order found again after a restart (by client order id)
    is followed and cancelled like one just placed."""
    import connecttrade as ct

    with ct.Client(base_url=mock_broker.base_url, **mock_broker.sdk_credentials) as client:
        placed = client.orders.place(
            ct.limit("ZAZZT", 1, "9.50", side="BUY", tif="GTC"),
            account_id="acc_demo_margin",
            cl_order_id="resume-handle-1",
        )
    with ct.Client(base_url=mock_broker.base_url, **mock_broker.sdk_credentials) as restarted:
        found = restarted.orders.get_by_cl_order_id("resume-handle-1", account_id="acc_demo_margin")
        assert found is not None
        assert found.order_id == placed.order.order_id
        handle = restarted.orders.handle(found)
        cancelled: list[object] = []
        handle.on(ct.OrderCancelled, cancelled.append, replay=False)
        handle.cancel()
        mock_broker.control.advance(1)
        assert handle.wait(timeout=10).status == "cancelled"
        assert len(cancelled) == 1
