"""Helpers of the SDK stream tests: users, accounts and clients on the mock."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx

import connecttrade
from connecttrade_mock.testing import MockServer


@dataclass(frozen=True, slots=True)
class UserLogin:
    """A user of the demo platform and the accounts it linked."""

    user_id: str
    user_secret: str
    account_ids: tuple[str, ...]


def demo_login(server: MockServer) -> UserLogin:
    """The demo user and its two accounts."""
    c = server.credentials
    return UserLogin(c.user_id, c.user_secret, ("acc_demo_margin", "acc_demo_cash"))


def async_client(server: MockServer, login: UserLogin) -> connecttrade.AsyncClient:
    """An async client acting for ``login``'s user, with the SDK's order pacing off."""
    c = server.credentials
    return connecttrade.AsyncClient(
        base_url=server.base_url,
        client_id=c.client_id,
        client_secret=c.client_secret,
        user_id=login.user_id,
        user_secret=login.user_secret,
        order_rate_per_second=None,
    )


def sync_client(server: MockServer, login: UserLogin) -> connecttrade.Client:
    """A sync client acting for ``login``'s user."""
    c = server.credentials
    return connecttrade.Client(
        base_url=server.base_url,
        client_id=c.client_id,
        client_secret=c.client_secret,
        user_id=login.user_id,
        user_secret=login.user_secret,
        order_rate_per_second=None,
    )


def new_user(server: MockServer, user_id: str, brokers: tuple[str, ...] = ("ALPACA",)) -> UserLogin:
    """Create a user through the REST API and link one account per broker through the
    connect page (approving it as the user would)."""
    c = server.credentials
    with connecttrade.Client(
        base_url=server.base_url, client_id=c.client_id, client_secret=c.client_secret
    ) as platform:
        created = platform.users.create(user_id)
    login = UserLogin(user_id, created.user_secret.reveal(), ())
    with sync_client(server, login) as ct, httpx.Client(base_url=server.base_url) as browser:
        for broker in brokers:
            request = ct.connections.create(broker, "https://app.example.com/callback")
            path = urlsplit(request.url).path
            answer = browser.post(
                path, data={"decision": "approve", "broker": broker}, follow_redirects=False
            )
            assert answer.status_code == 303, answer.text
            assert "connection_id" in parse_qs(urlsplit(answer.headers["location"]).query)
        accounts = tuple(a.account_id for a in ct.accounts.list())
    return UserLogin(user_id, login.user_secret, accounts)
