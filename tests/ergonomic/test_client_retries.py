"""Tests for retries: which calls are repeated, on what, how often, and how long they wait."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
from collections.abc import Iterator

import httpx
import pytest
import stamina
from sdk_fakes import FakeApi

from connecttrade import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)
from connecttrade._http.calls import Auth, HttpCall, Retry
from connecttrade._http.protocol import retry_hook


@pytest.fixture(autouse=True)
def _instant_retries() -> Iterator[None]:
    """Backoffs are zero (stamina's testing mode) while each client's own limit still holds."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


def _connect_error() -> httpx.ConnectError:
    return httpx.ConnectError("connection refused")


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"status": 429, "body": {"message": "slow down"}}, id="429"),
        pytest.param(
            {"status": 429, "body": {"message": "slow"}, "headers": {"Retry-After": "3"}},
            id="429-retry-after",
        ),
        pytest.param({"status": 503, "body": {"message": "unavailable"}}, id="503"),
        pytest.param({"status": 500, "body": None}, id="500-no-body"),
        pytest.param({"error": _connect_error()}, id="connect-error"),
        pytest.param({"error": httpx.ReadTimeout("slow")}, id="read-timeout"),
    ],
)
def test_get_is_retried_then_succeeds(fault: dict[str, object]) -> None:
    """A GET that fails once (429, 5xx, transport error) is repeated and its answer returned."""
    api = FakeApi()
    api.fail("GET", "/accounts", **fault)
    with api.client() as client:
        accounts = client.accounts.list()
    assert len(accounts) == 2
    assert len(api.calls("GET", "/accounts")) == 2


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        pytest.param({"status": 503, "body": {"message": "down"}}, InternalServerError, id="503"),
        pytest.param({"status": 429, "body": {"message": "no"}}, RateLimitError, id="429"),
        pytest.param({"error": _connect_error()}, APIConnectionError, id="connect"),
        pytest.param({"error": httpx.ReadTimeout("slow")}, APITimeoutError, id="timeout"),
    ],
)
@pytest.mark.parametrize("max_retries", [pytest.param(0, id="no-retries"), pytest.param(3, id="3")])
def test_gives_up_after_max_retries(
    fault: dict[str, object], error: type[Exception], max_retries: int
) -> None:
    """After 1 + max_retries failed attempts the last failure is raised."""
    api = FakeApi()
    for _ in range(max_retries + 1):
        api.fail("GET", "/accounts", **fault)
    with api.client(max_retries=max_retries) as client, pytest.raises(error):
        client.accounts.list()
    assert len(api.calls("GET", "/accounts")) == max_retries + 1


def test_transport_errors_are_chained() -> None:
    """APIConnectionError keeps the httpx error as its cause."""
    api = FakeApi()
    api.fail("GET", "/accounts", error=_connect_error())
    with api.client(max_retries=0) as client, pytest.raises(APIConnectionError) as info:
        client.accounts.list()
    assert isinstance(info.value.__cause__, httpx.ConnectError)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        pytest.param(401, AuthenticationError, id="401"),
        pytest.param(404, NotFoundError, id="404"),
    ],
)
def test_client_errors_are_not_retried(status: int, error: type[Exception]) -> None:
    """A 4xx other than 429 is raised at once."""
    api = FakeApi()
    api.fail("GET", "/accounts", status=status, body={"message": "nope"})
    with api.client() as client, pytest.raises(error):
        client.accounts.list()
    assert len(api.calls("GET", "/accounts")) == 1


@pytest.mark.parametrize(
    ("fault", "attempts"),
    [
        pytest.param({"status": 503, "body": {"message": "down"}}, 1, id="503-not-retried"),
        pytest.param({"error": httpx.ReadTimeout("lost")}, 1, id="timeout-not-retried"),
        pytest.param({"error": _connect_error()}, 2, id="connect-error-retried"),
        pytest.param({"status": 429, "body": {"message": "no"}}, 2, id="429-retried"),
    ],
)
def test_non_idempotent_post_is_retried_only_when_unsent(
    fault: dict[str, object], attempts: int
) -> None:
    """POST /users is repeated only when the first request certainly did not act."""
    api = FakeApi()
    api.fail("POST", "/users", **fault)
    with api.client() as client, contextlib.suppress(InternalServerError, APITimeoutError):
        client.users.create("new-user")
    assert len(api.calls("POST", "/users")) == attempts


def _call(retry: Retry = Retry.SAFE) -> HttpCall:
    return HttpCall(method="GET", path="/accounts", auth=Auth.USER, retry=retry)


def _rate_limited(retry_after: float | None) -> RateLimitError:
    return RateLimitError("slow down", status_code=429, retry_after=retry_after)


@pytest.mark.parametrize(
    ("error", "decision"),
    [
        pytest.param(_rate_limited(7.0), 7.0, id="429-waits-retry-after"),
        pytest.param(_rate_limited(None), True, id="429-without-header-backs-off"),
        pytest.param(_rate_limited(0.0), True, id="429-zero-backs-off"),
        pytest.param(InternalServerError("x", status_code=503), True, id="503"),
        pytest.param(AuthenticationError("x", status_code=401), False, id="401"),
        pytest.param(ValueError("bug"), False, id="not-an-api-error"),
    ],
)
def test_retry_hook_decisions(error: Exception, decision: bool | float) -> None:
    """The stamina hook retries what is safe, and a 429 waits its Retry-After seconds."""
    assert retry_hook(_call())(error) == decision


def test_retry_after_header_reaches_the_wait() -> None:
    """A 429's Retry-After header is parsed onto the error that the retry hook reads."""
    api = FakeApi()
    api.fail("GET", "/accounts", status=429, body={"message": "no"}, headers={"Retry-After": "5"})
    with api.client(max_retries=0) as client, pytest.raises(RateLimitError) as info:
        client.accounts.list()
    assert info.value.retry_after == 5.0
    assert retry_hook(_call())(info.value) == 5.0


def test_async_client_retries_the_same_way() -> None:
    """The async client repeats a GET after a 503 and a connection error."""
    api = FakeApi()
    api.fail("GET", "/accounts", status=503, body={"message": "down"})
    api.fail("GET", "/accounts", error=_connect_error())

    async def scenario() -> int:
        async with api.async_client() as client:
            return len(await client.accounts.list())

    assert asyncio.run(scenario()) == 2
    assert len(api.calls("GET", "/accounts")) == 3


def test_async_client_gives_up_after_max_retries() -> None:
    """The async client raises the last failure after 1 + max_retries attempts."""
    api = FakeApi()
    for _ in range(3):
        api.fail("GET", "/accounts", status=503, body={"message": "down"})

    async def scenario() -> None:
        async with api.async_client(max_retries=2) as client:
            await client.accounts.list()

    with pytest.raises(InternalServerError):
        asyncio.run(scenario())
    assert len(api.calls("GET", "/accounts")) == 3


def test_retry_after_as_http_date() -> None:
    """A Retry-After given as an HTTP date becomes the seconds until that date."""
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    api = FakeApi()
    headers = {"Retry-After": email.utils.format_datetime(when, usegmt=True)}
    api.fail("GET", "/accounts", status=429, body={"message": "no"}, headers=headers)
    with api.client(max_retries=0) as client, pytest.raises(RateLimitError) as info:
        client.accounts.list()
    assert info.value.retry_after is not None
    assert 20 < info.value.retry_after <= 30


def test_delete_whose_answer_was_lost_settles_on_the_retrys_404() -> None:
    """A DELETE that acted but lost its answer is not an error when the retry gets 404."""

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ReadTimeout("answer lost", request=request)
        return httpx.Response(404, json={"message": "user gone not found"})

    calls: list[httpx.Request] = []
    api = FakeApi()
    with api.client(http_client=httpx.Client(transport=httpx.MockTransport(handler))) as client:
        client.users.delete("gone")
    assert len(calls) == 2


def test_delete_of_a_missing_user_on_first_attempt_is_not_found() -> None:
    """Without a retry, a 404 on DELETE is a NotFoundError."""
    api = FakeApi()
    api.fail("DELETE", "/users/ghost", status=404, body={"message": "user ghost not found"})
    with api.client() as client, pytest.raises(NotFoundError):
        client.users.delete("ghost")


def test_stamina_on_retry_hooks_see_the_first_failure() -> None:
    """stamina's on-retry instrumentation reports the first failed attempt as retry 1."""
    seen: list[stamina.instrumentation.RetryDetails] = []

    def record(details: stamina.instrumentation.RetryDetails) -> None:
        seen.append(details)

    api = FakeApi()
    api.fail("GET", "/accounts", status=503, body={"message": "down"})
    api.fail("GET", "/accounts", error=_connect_error())
    stamina.instrumentation.set_on_retry_hooks([record])
    try:
        with api.client() as client:
            assert len(client.accounts.list()) == 2
    finally:
        stamina.instrumentation.set_on_retry_hooks(None)
    assert [details.retry_num for details in seen] == [1, 2]
    assert isinstance(seen[0].caused_by, InternalServerError)
    assert isinstance(seen[1].caused_by, APIConnectionError)


def test_first_failure_not_retried_is_raised_as_it_was() -> None:
    """A failure the policy never retries is raised once, with its request id, unwrapped."""
    api = FakeApi()
    api.fail(
        "GET", "/accounts", status=404, body={"message": "gone"}, headers={"x-request-id": "r-9"}
    )
    with api.client() as client, pytest.raises(NotFoundError) as info:
        client.accounts.list()
    assert info.value.request_id == "r-9"
    assert len(api.calls("GET", "/accounts")) == 1
