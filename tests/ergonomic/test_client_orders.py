"""Tests for orders: placement retried safely, modify, cancel, listing and the order handle."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest
import stamina
from sdk_fakes import FakeApi, order_json

import connecttrade
from connecttrade import (
    ConflictError,
    InvalidOrder,
    NotFoundError,
    OrderHandle,
    OrderStatus,
    OrderWaitTimeoutError,
    limit,
    market,
    strategies,
)

ACCOUNT = "acc_demo_margin"


@pytest.fixture(autouse=True)
def _instant_retries() -> Iterator[None]:
    """Backoffs are zero (stamina's testing mode) while each client's own limit still holds."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


def _lost_answer() -> httpx.ReadTimeout:
    return httpx.ReadTimeout("answer lost")


def test_place_returns_a_handle_with_the_order() -> None:
    """orders.place sends the order and returns an OrderHandle on what the broker holds."""
    api = FakeApi()
    with api.client() as client:
        handle = client.orders.place(limit("AAPL", 10, "171.25", side="BUY"), account_id=ACCOUNT)
    assert isinstance(handle, OrderHandle)
    assert handle.order.limit_price == Decimal("171.25")
    assert handle.order.status is OrderStatus.WORKING
    body = api.calls("POST", "/orders")[0].content
    assert b'"order_limit_price":"171.25"' in body.replace(b" ", b"")


def test_every_order_gets_a_client_order_id() -> None:
    """An order built without a cl_order_id is sent with a fresh one."""
    api = FakeApi()
    with api.client() as client:
        first = client.orders.place(market("AAPL", 1, side="BUY"), account_id=ACCOUNT)
        second = client.orders.place(market("AAPL", 1, side="BUY"), account_id=ACCOUNT)
    assert first.order.cl_order_id.startswith("ct-")
    assert first.order.cl_order_id != second.order.cl_order_id


def test_broker_is_looked_up_once_per_client() -> None:
    """Without broker=, the account's broker is fetched once and then remembered."""
    api = FakeApi()
    with api.client() as client:
        client.orders.place(market("AAPL", 1, side="BUY"), account_id="acc_demo_cash")
        client.orders.place(market("AAPL", 2, side="BUY"), account_id="acc_demo_cash")
    assert len(api.calls("GET", "/accounts")) == 1
    assert [o["broker"] for o in api.orders.values()] == ["TRADIER", "TRADIER"]


def test_unknown_account_is_the_servers_not_found() -> None:
    """Placing on an account the user does not have raises the server's NotFoundError, as
    any other call on that account does, and nothing is placed."""
    api = FakeApi()
    with api.client() as client, pytest.raises(NotFoundError, match="acc_nope"):
        client.orders.place(market("AAPL", 1, side="BUY"), account_id="acc_nope")
    assert api.calls("POST", "/orders") == []


def test_broker_rejection_is_not_an_exception() -> None:
    """A rejected order comes back as an order with status rejected and its reason."""
    api = FakeApi()
    api.order_overrides = {"status": "rejected", "reject_reason": "insufficient buying power"}
    with api.client() as client:
        handle = client.orders.place(market("ZXZZT", 1, side="BUY"), account_id=ACCOUNT)
    assert handle.order.is_rejected
    assert handle.is_done
    assert handle.order.reject_reason == "insufficient buying power"


@pytest.mark.parametrize(
    "order",
    [
        pytest.param(limit("AAPL", 10, "171.25", side="BUY"), id="equity"),
        pytest.param(
            strategies.bull_call_spread("SPY241018C00430000", "SPY241018C00440000", qty=1),
            id="multi-leg",
        ),
    ],
)
def test_lost_answer_then_409_resolves_to_the_order_already_placed(
    order: connecttrade.OrderRequest,
) -> None:
    """The server places the order but the answer is lost; the retry's 409 finds that order."""
    api = FakeApi()
    api.fail("POST", "/orders", error=_lost_answer(), after=True)
    with api.client() as client:
        handle = client.orders.place(order, account_id=ACCOUNT, broker="ALPACA")
    assert len(api.orders) == 1
    (only,) = api.orders.values()
    assert handle.order.order_id == only["order_id"]
    assert handle.order.cl_order_id == only["cl_order_id"]
    sent = [r.content for r in api.calls("POST", "/orders")]
    assert len(sent) == 2
    assert sent[0] == sent[1], "the retry must repeat the same cl_order_id"


def test_async_lost_answer_then_409_resolves_to_the_order_already_placed() -> None:
    """The async client resolves a 409 on a retry to the one order placed."""
    api = FakeApi()
    api.fail("POST", "/orders", error=_lost_answer(), after=True)

    async def scenario() -> str:
        async with api.async_client() as client:
            handle = await client.orders.place(
                market("AAPL", 1, side="BUY"), account_id=ACCOUNT, broker="ALPACA"
            )
            return handle.order.order_id

    assert asyncio.run(scenario()) == next(iter(api.orders))
    assert len(api.orders) == 1


def test_409_on_first_attempt_resolves_an_identical_order() -> None:
    """Re-placing the same order under a used cl_order_id (a restart) returns that order."""
    api = FakeApi()
    order = market("AAPL", 1, side="BUY").with_ids(cl_order_id="ct-dup")
    with api.client() as client:
        first = client.orders.place(order, account_id=ACCOUNT)
        again = client.orders.place(order, account_id=ACCOUNT)
    assert again.order.order_id == first.order.order_id
    assert len(api.orders) == 1


def test_409_on_first_attempt_for_a_different_order_is_a_conflict() -> None:
    """A different order under a used cl_order_id is a ConflictError naming the order."""
    api = FakeApi()
    with api.client() as client:
        first = client.orders.place(
            market("AAPL", 1, side="BUY").with_ids(cl_order_id="ct-dup"), account_id=ACCOUNT
        )
        with pytest.raises(ConflictError, match="ct-dup") as caught:
            client.orders.place(
                market("AAPL", 2, side="BUY").with_ids(cl_order_id="ct-dup"), account_id=ACCOUNT
            )
    assert caught.value.existing_order_id == first.order.order_id
    assert caught.value.cl_order_id == "ct-dup"
    assert len(api.orders) == 1


def test_409_on_retry_for_a_different_order_is_a_conflict() -> None:
    """A retry's 409 that matches someone else's order (reused id) is not resolved to it."""
    api = FakeApi()
    with api.client() as client:
        client.orders.place(
            market("AAPL", 5, side="SELL").with_ids(cl_order_id="ct-x"), account_id=ACCOUNT
        )
        api.fail("POST", "/orders", error=httpx.ConnectError("refused"))
        with pytest.raises(ConflictError):
            client.orders.place(
                market("AAPL", 1, side="BUY").with_ids(cl_order_id="ct-x"), account_id=ACCOUNT
            )
    assert len(api.orders) == 1


def test_modify_lost_answer_then_409_resolves_to_the_replacement() -> None:
    """A modify whose answer was lost resolves its retry's 409 to the one replacement."""
    api = FakeApi()
    with api.client() as client:
        handle = client.orders.place(limit("AAPL", 10, "171.25", side="BUY"), account_id=ACCOUNT)
        path = f"/accounts/{ACCOUNT}/orders/{handle.order.order_id}"
        api.fail("PATCH", path, error=_lost_answer(), after=True)
        replacement = handle.modify(limit_price="170.50")
    assert replacement.order.limit_price == Decimal("170.50")
    assert replacement.order.replaces_order_id == handle.order.order_id
    assert len(api.orders) == 2
    assert handle.refresh().status is OrderStatus.REPLACED


def test_modify_needs_a_change() -> None:
    """orders.modify with nothing to change is refused before sending."""
    api = FakeApi()
    with api.client() as client, pytest.raises(InvalidOrder):
        client.orders.modify(ACCOUNT, "ord_1")
    assert api.requests == []


def test_cancel_lost_answer_then_409_returns_the_cancelled_order() -> None:
    """A cancel whose answer was lost resolves its retry's 409 by reading the order."""
    api = FakeApi()
    with api.client() as client:
        handle = client.orders.place(limit("AAPL", 10, "171.25", side="BUY"), account_id=ACCOUNT)
        path = f"/accounts/{ACCOUNT}/orders/{handle.order.order_id}"
        api.fail("DELETE", path, error=_lost_answer(), after=True)
        order = handle.cancel()
    assert order.status is OrderStatus.PENDING_CANCEL
    assert handle.order.version == 2


def test_cancel_of_a_closed_order_is_a_conflict() -> None:
    """Cancelling an order that is no longer open raises ConflictError on the first try."""
    api = FakeApi()
    api.order_overrides = {"status": "filled"}
    with api.client() as client:
        handle = client.orders.place(market("AAPL", 1, side="BUY"), account_id=ACCOUNT)
        with pytest.raises(ConflictError):
            handle.cancel()


def test_orders_list_follows_cursors() -> None:
    """orders.list yields every order across pages, asking for each page once."""
    api = FakeApi()
    with api.client() as client:
        for _ in range(5):
            client.orders.place(market("AAPL", 1, side="BUY"), account_id=ACCOUNT)
        listed = [o.order_id for o in client.orders.list(status="all")]
    assert listed == list(api.orders)
    assert len(api.calls("GET", "/orders")) == 3


def test_async_orders_list_follows_cursors() -> None:
    """The async orders.list is an async iterator over every page."""
    api = FakeApi()

    async def scenario() -> list[str]:
        async with api.async_client() as client:
            for _ in range(3):
                await client.orders.place(market("AAPL", 1, side="BUY"), account_id=ACCOUNT)
            return [o.order_id async for o in client.orders.list(status="all")]

    assert asyncio.run(scenario()) == list(api.orders)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"status": "nearly"}, "status", id="status"),
        pytest.param({"side": "LONG"}, "side", id="side"),
        pytest.param({"page_size": 0}, "page_size", id="page-size"),
    ],
)
def test_orders_list_checks_filters_before_sending(kwargs: dict[str, object], field: str) -> None:
    """A bad filter raises ValueError when orders.list is called, before any request."""
    api = FakeApi()
    with api.client() as client, pytest.raises(ValueError, match=field):
        client.orders.list(**kwargs)  # type: ignore[arg-type]
    assert api.requests == []


def test_partially_filled_lists_orders_with_their_fills() -> None:
    """orders.partially_filled asks for that status and returns the orders with fills."""
    api = FakeApi()
    fill = {"fill_id": "f1", "time": "2026-11-20T15:04:05+00:00", "quantity": "4", "price": "1.5"}
    api.orders["ord_p"] = order_json(order_id="ord_p", status="partially_filled", fills=[fill])
    api.orders["ord_w"] = order_json(order_id="ord_w", status="working")
    with api.client() as client:
        orders = client.orders.partially_filled()
    assert [o.order_id for o in orders] == ["ord_p"]
    assert orders[0].fills[0].quantity == Decimal(4)
    assert api.calls("GET", "/orders")[0].url.params["status"] == "partially_filled"


class FakeTime:
    """A clock that advances only when slept on."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def test_wait_polls_until_done() -> None:
    """handle.wait refreshes every poll_interval until the order is terminal."""
    api = FakeApi()
    fake = FakeTime()
    with api.client() as client:
        client._driver.clock, client._driver.sleep = fake.clock, fake.sleep
        handle = client.orders.place(limit("AAPL", 10, "171.25", side="BUY"), account_id=ACCOUNT)
        order = api.orders[handle.order.order_id]

        def fill_on_third_poll(seconds: float) -> None:
            fake.sleep(seconds)
            if len(fake.sleeps) == 3:
                order.update(status="filled", version="2", filled_qty="10")

        client._driver.sleep = fill_on_third_poll
        done = handle.wait(timeout=10, poll_interval=0.5)
    assert done.status is OrderStatus.FILLED
    assert fake.sleeps == [0.5, 0.5, 0.5]
    assert [status for _, status in handle.status_log] == [
        OrderStatus.WORKING,
        OrderStatus.FILLED,
    ]


def test_wait_times_out_with_the_latest_order() -> None:
    """handle.wait raises OrderWaitTimeoutError carrying the order when time runs out."""
    api = FakeApi()
    fake = FakeTime()
    with api.client() as client:
        client._driver.clock, client._driver.sleep = fake.clock, fake.sleep
        handle = client.orders.place(market("ZAZZT", 1, side="BUY"), account_id=ACCOUNT)
        with pytest.raises(OrderWaitTimeoutError) as info:
            handle.wait(timeout=2, poll_interval=0.75)
    assert info.value.order.order_id == handle.order.order_id
    assert isinstance(info.value, TimeoutError)
    assert sum(fake.sleeps) == pytest.approx(2.0)


def test_async_wait_polls_until_done() -> None:
    """AsyncOrderHandle.wait awaits the driver's sleep between refreshes."""
    api = FakeApi()
    fake = FakeTime()

    async def scenario() -> OrderStatus | str:
        async with api.async_client() as client:
            client._driver.clock, client._driver.sleep = fake.clock, fake.async_sleep
            handle = await client.orders.place(market("AAPL", 1, side="BUY"), account_id=ACCOUNT)
            api.orders[handle.order.order_id].update(status="filled", version="2")
            return (await handle.wait(timeout=5, poll_interval=1)).status

    assert asyncio.run(scenario()) is OrderStatus.FILLED
    assert fake.sleeps == [1]


def test_handle_apply_ignores_stale_versions() -> None:
    """A pushed snapshot older than the handle's is ignored; a newer one is taken."""
    api = FakeApi()
    with api.client() as client:
        handle = client.orders.place(market("AAPL", 1, side="BUY"), account_id=ACCOUNT)
    newer = dataclasses.replace(handle.order, version=3, status=OrderStatus.FILLED)
    older = dataclasses.replace(handle.order, version=2)
    assert handle.apply(newer) is True
    assert handle.apply(older) is False
    assert handle.order.version == 3
