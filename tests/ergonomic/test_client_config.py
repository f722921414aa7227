"""Tests for building clients: credentials, env fallbacks, repr, pools and context managers."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sdk_fakes import (
    BASE_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    USER_ID,
    USER_SECRET,
    FakeApi,
)

import connecttrade
from connecttrade import MissingCredentialsError, Secret

ENV_NAMES = (
    "CONNECTTRADE_BASE_URL",
    "CONNECTTRADE_CLIENT_ID",
    "CONNECTTRADE_CLIENT_SECRET",
    "CONNECTTRADE_USER_ID",
    "CONNECTTRADE_USER_SECRET",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No CONNECTTRADE_* variable of the machine running the tests leaks into them."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


def test_credentials_fall_back_to_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every credential and the base URL are read from CONNECTTRADE_* when not passed."""
    monkeypatch.setenv("CONNECTTRADE_BASE_URL", "https://env.example/")
    monkeypatch.setenv("CONNECTTRADE_CLIENT_ID", "env-client")
    monkeypatch.setenv("CONNECTTRADE_CLIENT_SECRET", "env-secret")
    monkeypatch.setenv("CONNECTTRADE_USER_ID", "env-user")
    monkeypatch.setenv("CONNECTTRADE_USER_SECRET", "env-user-secret")
    with connecttrade.Client() as client:
        assert (client.base_url, client.client_id, client.user_id) == (
            "https://env.example",
            "env-client",
            "env-user",
        )


def test_arguments_win_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A credential passed in is used even when its variable is set."""
    monkeypatch.setenv("CONNECTTRADE_CLIENT_ID", "env-client")
    with connecttrade.Client(client_id="arg-client", client_secret="s") as client:
        assert client.client_id == "arg-client"


def test_base_url_defaults_to_production() -> None:
    """Without an argument or variable the base URL is the single production environment."""
    with connecttrade.Client(client_id="c", client_secret="s") as client:
        assert client.base_url == "https://api.connecttrade.com"


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"client_secret": "s"}, id="no-client-id"),
        pytest.param({"client_id": "c"}, id="no-client-secret"),
        pytest.param({"client_id": "c", "client_secret": ""}, id="empty-client-secret"),
        pytest.param(
            {"client_id": "c", "client_secret": "s", "user_id": "u"}, id="user-id-without-secret"
        ),
        pytest.param(
            {"client_id": "c", "client_secret": "s", "user_secret": "x"},
            id="user-secret-without-id",
        ),
    ],
)
def test_incomplete_credentials_are_refused_at_construction(kwargs: dict[str, Any]) -> None:
    """A missing client credential, or half a user pair, raises MissingCredentialsError."""
    with pytest.raises(MissingCredentialsError):
        connecttrade.Client(**kwargs)


def test_user_call_without_user_credentials_raises_before_any_request() -> None:
    """A user-level call on a platform-only client raises a typed error and sends nothing."""
    api = FakeApi()
    with (
        api.client(user_id=None, user_secret=None) as client,
        pytest.raises(MissingCredentialsError, match="for_user"),
    ):
        client.accounts.list()
    assert api.requests == []


def test_platform_call_needs_only_the_client_pair() -> None:
    """users.list works without user credentials and sends no user headers."""
    api = FakeApi()
    with api.client(user_id=None, user_secret=None) as client:
        users = client.users.list()
    assert [u.user_id for u in users] == [USER_ID]
    assert "user-id" not in api.requests[0].headers
    assert "user-secret" not in api.requests[0].headers


def test_user_call_sends_all_four_auth_headers() -> None:
    """Every user-level request carries client-id, client-secret, user-id and user-secret."""
    api = FakeApi()
    with api.client() as client:
        client.accounts.list()
    headers = api.requests[0].headers
    assert (
        headers["client-id"],
        headers["client-secret"],
        headers["user-id"],
        headers["user-secret"],
    ) == (CLIENT_ID, CLIENT_SECRET, USER_ID, USER_SECRET)


def test_for_user_shares_the_pool_and_switches_user() -> None:
    """for_user returns a client on the same httpx pool acting for the other user."""
    api = FakeApi()
    with api.client(user_id=None, user_secret=None) as platform:
        user_client = platform.for_user(USER_ID, USER_SECRET)
        assert user_client.user_id == USER_ID
        assert user_client._driver.http is platform._driver.http
        assert [a.account_id for a in user_client.accounts.list()] == [
            "acc_demo_margin",
            "acc_demo_cash",
        ]
        user_client.close()  # leaves the shared pool open
        assert not platform._driver.http.is_closed


def test_client_closes_only_a_pool_it_created() -> None:
    """close() closes the client's own pool but never an http_client passed in."""
    mine = httpx.Client(transport=httpx.MockTransport(FakeApi().handler))
    with connecttrade.Client(client_id="c", client_secret="s", http_client=mine):
        pass
    assert not mine.is_closed
    mine.close()
    own = connecttrade.Client(client_id="c", client_secret="s")
    own.close()
    assert own._driver.http.is_closed


def test_async_client_context_manager_closes_its_pool() -> None:
    """``async with AsyncClient(...)`` closes the pool the client created."""

    async def scenario() -> httpx.AsyncClient:
        async with connecttrade.AsyncClient(client_id="c", client_secret="s") as client:
            return client._driver.http

    assert asyncio.run(scenario()).is_closed


def test_repr_shows_ids_and_never_secrets() -> None:
    """repr(client) names the base URL and ids and hides both secrets."""
    api = FakeApi()
    with api.client() as client:
        text = repr(client)
    assert text == (f"Client(base_url={BASE_URL!r}, client_id={CLIENT_ID!r}, user_id={USER_ID!r})")
    assert CLIENT_SECRET not in text
    assert USER_SECRET not in text


def test_secrets_may_be_passed_as_secret_values() -> None:
    """Secret instances are accepted wherever a secret string is."""
    api = FakeApi()
    with api.client(client_secret=Secret(CLIENT_SECRET), user_secret=Secret(USER_SECRET)) as c:
        assert len(c.accounts.list()) == 2


@pytest.mark.parametrize(
    "max_retries", [pytest.param(-1, id="negative"), pytest.param(True, id="bool")]
)
def test_bad_max_retries_is_refused(max_retries: int) -> None:
    """max_retries must be a whole number from 0 up."""
    with pytest.raises(ValueError, match="max_retries"):
        connecttrade.Client(client_id="c", client_secret="s", max_retries=max_retries)


def test_own_pool_carries_the_timeout() -> None:
    """A client that creates its pool sets timeout= on that pool."""
    with connecttrade.Client(client_id="c", client_secret="s", timeout=7.5) as client:
        assert client._driver.http.timeout == httpx.Timeout(7.5)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({}, httpx.Timeout(3.0), id="pool-timeout-kept"),
        pytest.param({"timeout": 1.5}, httpx.Timeout(1.5), id="explicit-timeout-sent"),
    ],
)
def test_passed_pool_keeps_its_timeout_unless_one_is_given(
    kwargs: dict[str, Any], expected: httpx.Timeout
) -> None:
    """With http_client=, requests use the pool's timeout unless timeout= is passed."""
    api = FakeApi()
    http = httpx.Client(transport=httpx.MockTransport(api.handler), timeout=3.0)
    with api.client(http_client=http, **kwargs) as client:
        client.accounts.list()
    http.close()
    assert api.requests[0].extensions["timeout"] == expected.as_dict()
