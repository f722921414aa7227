"""Tests for the headers each call sends when the client's own pool carries its credentials."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sdk_fakes import CLIENT_ID, CLIENT_SECRET, USER_ID, USER_SECRET, FakeApi

from connecttrade import AuthenticationError
from connecttrade._http.calls import Auth, HttpCall, Retry
from connecttrade._http.protocol import prepare

_AUTH = ("client-id", "client-secret", "user-id", "user-secret")


def _auth(request: httpx.Request) -> dict[str, list[str]]:
    """Every auth header of a request with all of its values (a header sent twice shows)."""
    return {name: request.headers.get_list(name) for name in (*_AUTH, "accept")}


def test_user_call_on_own_pool_sends_each_credential_once() -> None:
    """A user-level call sends the four credentials and accept, each exactly once."""
    api = FakeApi()
    with api.own_pool_client() as client:
        assert len(client.positions.list()) == 1
    assert _auth(api.requests[0]) == {
        "client-id": [CLIENT_ID],
        "client-secret": [CLIENT_SECRET],
        "user-id": [USER_ID],
        "user-secret": [USER_SECRET],
        "accept": ["application/json"],
    }


def test_platform_call_on_a_user_pool_sends_no_user_credentials() -> None:
    """users.list on a client holding a user pair sends only the client pair."""
    api = FakeApi()
    with api.own_pool_client() as client:
        assert [user.user_id for user in client.users.list()] == [USER_ID]
    sent = _auth(api.requests[0])
    assert (sent["user-id"], sent["user-secret"]) == ([], [])
    assert (sent["client-id"], sent["client-secret"]) == ([CLIENT_ID], [CLIENT_SECRET])


def test_for_user_on_a_shared_pool_sends_its_own_user_pair() -> None:
    """A for_user client on the parent's pool sends its user pair, never the parent's."""
    api = FakeApi()
    with api.own_pool_client() as parent:
        other = parent.for_user("other-user", "other-secret")
        with pytest.raises(AuthenticationError):
            other.accounts.list()
        assert len(parent.accounts.list()) == 2  # the parent still acts for its own user
    first, second = api.requests
    assert (_auth(first)["user-id"], _auth(first)["user-secret"]) == (
        ["other-user"],
        ["other-secret"],
    )
    assert (_auth(second)["user-id"], _auth(second)["user-secret"]) == ([USER_ID], [USER_SECRET])


def test_for_user_of_a_platform_client_adds_the_user_pair() -> None:
    """A platform client's pool has no user pair: its for_user clients send theirs."""
    api = FakeApi()
    with api.own_pool_client(user_id=None, user_secret=None) as platform:
        accounts = platform.for_user(USER_ID, USER_SECRET).accounts.list()
    assert len(accounts) == 2
    assert _auth(api.requests[0])["user-id"] == [USER_ID]


def test_a_pool_passed_in_is_never_given_credentials() -> None:
    """With http_client=, calls carry the credentials and the caller's pool stays as it was."""
    api = FakeApi()
    http = httpx.Client(transport=httpx.MockTransport(api.handler))
    before = dict(http.headers)
    with api.client(http_client=http) as client:
        client.positions.list()
    assert dict(http.headers) == before
    assert _auth(api.requests[0])["user-secret"] == [USER_SECRET]
    http.close()


def test_async_own_pool_sends_the_same_headers() -> None:
    """The async client's own pool carries the credentials the same way."""
    api = FakeApi()

    async def scenario() -> None:
        async with api.own_pool_async_client() as client:
            await client.positions.list()
            await client.users.list()

    asyncio.run(scenario())
    user_call, platform_call = (_auth(request) for request in api.requests)
    assert user_call["user-secret"] == [USER_SECRET]
    assert platform_call["user-id"] == []
    assert platform_call["client-secret"] == [CLIENT_SECRET]


def test_prepared_requests_never_show_secrets_in_their_repr() -> None:
    """The header plan and request arguments of a call name headers but never show values."""
    api = FakeApi()
    with api.own_pool_client() as client, api.client() as passed_pool:
        for driver in (client._driver, passed_pool._driver):
            call = HttpCall(method="GET", path="/positions", auth=Auth.USER, retry=Retry.SAFE)
            plan = driver.auth_headers.plan(call)
            args = prepare(call, driver.settings, driver.auth_headers, driver.urls)
            for text in (repr(plan), repr(args)):
                assert USER_SECRET not in text
                assert CLIENT_SECRET not in text
    assert "user-secret" in repr(plan)
