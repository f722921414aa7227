"""OrderHandle.wait under the mock's manual clock says why nothing happened.

The mock names its clock in ``x-connecttrade-mock-clock``; when the latest answer said
``manual``, the wait's :class:`OrderWaitTimeoutError` ends with the hint to advance it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any, cast

import httpx
import pytest
import stamina
from sdk_fakes import FakeApi
from starlette.testclient import TestClient

from connecttrade import AsyncClient, Client, OrderWaitTimeoutError, limit
from connecttrade_mock.app import MockBroker, create_app
from connecttrade_mock.clock import ClockMode
from connecttrade_mock.simulator import Settings

CREDENTIALS: dict[str, Any] = {
    "base_url": "http://testserver",
    "client_id": "demo-client",
    "client_secret": "demo-secret",
    "user_id": "demo-user",
    "user_secret": "demo-user-secret",
}
MARGIN = "acc_demo_margin"
HINT = "the mock broker's clock is manual: advance it (control.advance) for the order to progress"


@pytest.fixture(autouse=True)
def _instant_retries() -> Iterator[None]:
    """Backoffs are zero (stamina's testing mode)."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


def _client(broker: MockBroker) -> Iterator[Client]:
    with TestClient(create_app(broker.settings, broker=broker)) as http:
        yield Client(**CREDENTIALS, http_client=cast("httpx.Client", http))


@pytest.mark.parametrize(
    ("mode", "hinted"),
    [(ClockMode.MANUAL, True), (ClockMode.REAL, False), (ClockMode.FAST, False)],
    ids=["manual", "real", "fast"],
)
def test_a_wait_timeout_names_a_manual_clock(mode: ClockMode, hinted: bool) -> None:
    """A resting order's wait times out; the message and hint name the clock only when it
    is manual, and the mock's answers carry the mode."""
    broker = MockBroker(Settings(clock_mode=mode))
    for client in _client(broker):
        handle = client.orders.place(limit("ZAZZT", 1, "9.50", side="BUY"), account_id=MARGIN)
        with pytest.raises(OrderWaitTimeoutError) as caught:
            handle.wait(timeout=0.05, poll_interval=0.01)
        assert (HINT in str(caught.value)) is hinted
        assert caught.value.hint == (HINT if hinted else None)


def test_the_async_wait_names_a_manual_clock() -> None:
    """The async handle's timeout carries the same hint under a manual clock."""
    broker = MockBroker(Settings(clock_mode=ClockMode.MANUAL))

    async def main() -> str:
        transport = httpx.ASGITransport(create_app(broker.settings, broker=broker))
        async with (
            httpx.AsyncClient(transport=transport) as http,
            AsyncClient(**CREDENTIALS, http_client=http) as sdk,
        ):
            handle = await sdk.orders.place(
                limit("ZAZZT", 1, "9.50", side="BUY"), account_id=MARGIN
            )
            with pytest.raises(OrderWaitTimeoutError) as caught:
                await handle.wait(timeout=0.05, poll_interval=0.01)
            return str(caught.value)

    assert asyncio.run(main()).endswith(HINT)


def test_a_server_without_the_header_gives_no_hint() -> None:
    """Answers without the header (as a real API's) leave the message without a hint."""
    api = FakeApi()
    with api.client() as client:
        handle = client.orders.place(limit("AAPL", 1, "9.50", side="BUY"), account_id=MARGIN)
        with pytest.raises(OrderWaitTimeoutError) as caught:
            handle.wait(timeout=0.05, poll_interval=0.01)
    assert caught.value.hint is None
    assert "clock" not in str(caught.value)
