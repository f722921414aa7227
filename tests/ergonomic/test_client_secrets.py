"""Tests that secrets never appear in reprs, error messages or log records."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
import stamina
from sdk_fakes import CLIENT_SECRET, USER_SECRET, FakeApi

from connecttrade import APIConnectionError, APIStatusError, ConnectTradeError, market

SECRETS = (CLIENT_SECRET, USER_SECRET)


@pytest.fixture(autouse=True)
def _instant_retries() -> Iterator[None]:
    """Backoffs are zero (stamina's testing mode) while each client's own limit still holds."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


def _assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_error_message_echoing_a_secret_is_redacted() -> None:
    """A server message that repeats a secret is masked before it reaches the error."""
    api = FakeApi()
    api.fail("GET", "/accounts", status=401, body={"message": f"bad secret {USER_SECRET}"})
    with api.client() as client, pytest.raises(APIStatusError) as info:
        client.accounts.list()
    _assert_clean(str(info.value))
    _assert_clean(repr(info.value))
    assert "****" in str(info.value)


def test_status_error_carries_message_and_request_id() -> None:
    """An error status gives the body's message, the status and the x-request-id."""
    api = FakeApi()
    api.fail("GET", "/accounts", status=404, body={"message": "account acc_x not found"})
    with api.client() as client, pytest.raises(APIStatusError) as info:
        client.accounts.list()
    assert (info.value.message, info.value.status_code, info.value.request_id) == (
        "account acc_x not found",
        404,
        "req_404",
    )


def test_error_without_body_falls_back_to_reason_phrase() -> None:
    """An error answer without a JSON message uses the HTTP reason phrase."""
    api = FakeApi()
    api.fail("GET", "/accounts", status=400, body=None)
    with api.client() as client, pytest.raises(APIStatusError, match="Bad Request"):
        client.accounts.list()


def test_transport_error_message_is_clean() -> None:
    """A connection failure's message names the call and never the secrets."""
    api = FakeApi()
    api.fail("GET", "/accounts", error=httpx.ConnectError(f"refused {CLIENT_SECRET}"))
    with api.client(max_retries=0) as client, pytest.raises(APIConnectionError) as info:
        client.accounts.list()
    _assert_clean(str(info.value))
    assert "GET /accounts" in str(info.value)


def test_log_records_never_hold_secrets(caplog: pytest.LogCaptureFixture) -> None:
    """Every record logged during calls, retries and failures is free of secrets."""
    api = FakeApi()
    api.fail("GET", "/accounts", status=503, body={"message": f"oops {CLIENT_SECRET}"})
    api.fail("POST", "/orders", error=httpx.ReadTimeout("lost"), after=True)
    api.fail("GET", "/positions", status=401, body={"message": "no"})
    with caplog.at_level(logging.DEBUG), api.client() as client:
        client.accounts.list()
        client.orders.place(market("AAPL", 1, side="BUY"), account_id="acc_demo_margin")
        with pytest.raises(ConnectTradeError):
            client.positions.list()
    assert any(r.name == "connecttrade" for r in caplog.records)
    for record in caplog.records:
        _assert_clean(record.getMessage())
        _assert_clean(repr(record.args))
        if record.exc_info and record.exc_info[1] is not None:
            _assert_clean(str(record.exc_info[1]))


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda api: api.client(), id="sync"),
        pytest.param(lambda api: api.async_client(), id="async"),
    ],
)
def test_client_repr_and_vars_hide_secrets(make: object) -> None:
    """Neither repr(client) nor the repr of its settings shows a secret."""
    assert callable(make)
    client = make(FakeApi())
    _assert_clean(repr(client))
    _assert_clean(repr(client._driver.settings))
