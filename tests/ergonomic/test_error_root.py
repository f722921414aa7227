"""One error root: input errors are ConnectTradeErrors, an unknown account is NotFoundError.

The ``Invalid*`` errors keep ``ValueError`` as a second base, and the same mistake (an
account the user does not have) raises the same type from every call, placement included,
against the mock broker's app (in process).
"""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import Iterator
from typing import Any, cast

import httpx
import pytest
import stamina
from starlette.testclient import TestClient

import connecttrade
from connecttrade import (
    AsyncClient,
    Client,
    ConnectTradeError,
    InvalidEquitySymbol,
    InvalidOptionSymbol,
    InvalidOrder,
    InvalidStrategy,
    NotFoundError,
    market,
)
from connecttrade import _exceptions as exceptions
from connecttrade_mock.app import MockBroker, create_app
from connecttrade_mock.simulator import Settings

CREDENTIALS: dict[str, Any] = {
    "base_url": "http://testserver",
    "client_id": "demo-client",
    "client_secret": "demo-secret",
    "user_id": "demo-user",
    "user_secret": "demo-user-secret",
}
NOWHERE = "acc_nowhere"


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
def client(broker: MockBroker) -> Iterator[Client]:
    """A sync SDK client wired to the mock through Starlette's TestClient."""
    with TestClient(create_app(broker.settings, broker=broker)) as http:
        yield Client(**CREDENTIALS, http_client=cast("httpx.Client", http))


@pytest.mark.parametrize(
    "error",
    [
        InvalidOrder("qty", "must be greater than 0"),
        InvalidStrategy("iron_condor", "strikes out of order"),
        InvalidOptionSymbol("bad root", "1AAPL"),
        InvalidEquitySymbol("bad root", "aapl", "CQS"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_input_errors_are_sdk_errors_and_value_errors(error: Exception) -> None:
    """Each Invalid* error is caught by ConnectTradeError and by ValueError, survives
    pickling, and is the name the package root and _exceptions export."""
    assert isinstance(error, ConnectTradeError)
    assert isinstance(error, ValueError)
    assert type(error).__bases__ == (ConnectTradeError, ValueError)
    name = type(error).__name__
    assert getattr(connecttrade, name) is type(error) is getattr(exceptions, name)
    restored = pickle.loads(pickle.dumps(error))  # noqa: S301 -- our own bytes
    assert str(restored) == str(error)


def test_an_invalid_order_keeps_its_cl_order_id_through_pickling() -> None:
    """The cl_order_id a placement set on an InvalidOrder survives pickling."""
    error = InvalidOrder("account_id", "pass account_id=")
    error.cl_order_id = "ct-kept"
    restored = pickle.loads(pickle.dumps(error))  # noqa: S301 -- our own bytes
    assert (restored.field, restored.cl_order_id, str(restored)) == (
        "account_id",
        "ct-kept",
        str(error),
    )


def test_the_root_is_one_class() -> None:
    """The root exported by the package and by _exceptions is one class."""
    assert connecttrade.ConnectTradeError is exceptions.ConnectTradeError
    assert ConnectTradeError.__bases__ == (Exception,)


def test_an_unknown_account_is_not_found_everywhere(client: Client) -> None:
    """Placing, listing orders and modifying on an unknown account all raise the server's
    NotFoundError; the placement's carries its cl_order_id."""
    with pytest.raises(NotFoundError) as placing:
        client.orders.place(market("ZVZZT", 1, side="BUY"), account_id=NOWHERE)
    assert placing.value.request_id
    assert placing.value.cl_order_id is not None
    with pytest.raises(NotFoundError):
        client.orders.place(market("ZVZZT", 1, side="BUY"), account_id=NOWHERE, broker="ALPACA")
    with pytest.raises(NotFoundError):
        list(client.orders.list(NOWHERE))
    with pytest.raises(NotFoundError):
        client.orders.modify(NOWHERE, "ord_x", qty=2)
    with pytest.raises(NotFoundError):
        client.balances.list(account_id=NOWHERE)


def test_async_unknown_account_is_not_found(broker: MockBroker) -> None:
    """The async client raises NotFoundError for a placement on an unknown account."""

    async def main() -> None:
        transport = httpx.ASGITransport(create_app(broker.settings, broker=broker))
        async with (
            httpx.AsyncClient(transport=transport) as http,
            AsyncClient(**CREDENTIALS, http_client=http) as sdk,
        ):
            with pytest.raises(NotFoundError):
                await sdk.orders.place(market("ZVZZT", 1, side="BUY"), account_id=NOWHERE)

    asyncio.run(main())
