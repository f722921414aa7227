"""Who may do what: read-only connections and brokers, other users' records, duplicate ids
and rotated secrets."""

from __future__ import annotations

import pytest
from mock_api import CLIENT_HEADERS, MARGIN, Api


@pytest.fixture
def other(api: Api) -> Api:
    """A second user of the same platform, with a paper margin account at Alpaca."""
    user = api.new_user("other-user")
    user.connect("ALPACA")
    return user


def test_readonly_connection_cannot_trade(api: Api) -> None:
    """An order on an account reached through a readonly connection is a 401 that says the
    connection is read-only; reads still work."""
    connection = api.connect("TRADESTATION", "readonly")
    account = api.account_of(connection)
    response = api.place(account_id=account, broker="TRADESTATION")
    assert response.status_code == 401
    message = response.json()["message"]
    assert "read-only" in message
    assert connection in message
    assert api.get("/balances", account_id=account).status_code == 200
    assert api.account(account)["can_trade"] is False


def test_read_only_broker_cannot_trade(api: Api) -> None:
    """A broker without order entry (Schwab) refuses orders with a 401 naming the broker."""
    connection = api.connect("SCHWAB", "readonly", account="live")
    account = api.account_of(connection)
    response = api.place(account_id=account, broker="SCHWAB")
    assert response.status_code == 401
    assert "SCHWAB is a read-only broker" in response.json()["message"]


def test_trade_connection_to_read_only_broker_is_refused_up_front(api: Api) -> None:
    """Asking for a trade connection to a read-only broker is a 401 (not entitled, as the
    vendor answers entitlement issues) on POST /connections:
    order entry never opens there (tests/mock/test_connect_flow.py has the page's side)."""
    response = api.request(
        "POST",
        "/connections",
        json={
            "connection_type": "trade",
            "broker": "FIDELITY",
            "redirect_url": "https://app.example.com/callback",
        },
    )
    assert response.status_code == 401
    assert "not entitled" in response.json()["message"]
    assert "read-only broker" in response.json()["message"]


def test_broker_must_match_the_account(api: Api) -> None:
    """An order naming another broker than the account's is a 404 (no such account at that
    broker) that says where the account is."""
    response = api.place(broker="TRADIER")
    assert response.status_code == 404
    assert "ALPACA" in response.json()["message"]


def test_another_users_account_is_not_found(api: Api, other: Api) -> None:
    """Placing, listing and reading on another user's account answer 404, never 401/403."""
    assert other.place(account_id=MARGIN).status_code == 404
    assert other.get("/orders", account_id=MARGIN).status_code == 404
    assert other.get("/balances", account_id=MARGIN).status_code == 404
    assert other.get("/positions", account_id=MARGIN).status_code == 404
    assert other.get("/transactions", account_id=MARGIN).status_code == 404


@pytest.mark.parametrize("method", ["GET", "DELETE", "PATCH"])
def test_another_users_order_is_not_found(api: Api, other: Api, method: str) -> None:
    """Another user's order is a 404 to read, cancel or modify, and stays untouched."""
    order = api.placed(symbol="ZAZZT")
    path = (
        f"/orders/{order['order_id']}?account_id={MARGIN}"
        if method == "GET"
        else f"/accounts/{MARGIN}/orders/{order['order_id']}"
    )
    body = (
        {"new_cl_order_id": "x-1", "broker": "ALPACA", "order_qty": "2"}
        if method == "PATCH"
        else None
    )
    response = other.request(method, path, json=body)
    assert response.status_code == 404
    assert "message" in response.json()
    assert api.order(order)["status"] == "working"


def test_order_of_one_account_is_not_found_under_another(api: Api) -> None:
    """An order id asked for under another of the user's accounts is a 404."""
    order = api.placed(symbol="ZAZZT")
    response = api.get(f"/orders/{order['order_id']}", account_id="acc_demo_cash")
    assert response.status_code == 404


def test_other_users_see_only_their_own_records(api: Api, other: Api) -> None:
    """Lists are scoped to the user: another user sees none of the demo user's accounts,
    connections or orders."""
    api.placed(symbol="ZAZZT")
    accounts = other.ok("/accounts")
    assert len(accounts) == 1
    assert MARGIN not in {a["account_id"] for a in accounts}
    assert len(other.ok("/connections")) == 1
    assert other.ok("/orders")["orders"] == []


def test_duplicate_cl_order_id_is_a_conflict(api: Api) -> None:
    """Reusing a cl_order_id on the same account the same day is a 409 naming the first
    order; the id is free on another account."""
    first = api.placed(symbol="ZAZZT", cl_order_id="dup-1")
    again = api.place(symbol="ZAZZT", cl_order_id="dup-1")
    assert again.status_code == 409
    assert first["order_id"] in again.json()["message"]
    elsewhere = api.place(account_id="acc_demo_cash", symbol="ZAZZT", cl_order_id="dup-1")
    assert elsewhere.status_code == 201


def test_cl_order_id_of_a_rejected_order_is_still_taken(api: Api) -> None:
    """A rejected order keeps its cl_order_id: reusing it the same day is a 409."""
    api.placed(symbol="ZXZZT", cl_order_id="dup-2")
    assert api.place(symbol="ZAZZT", cl_order_id="dup-2").status_code == 409


def test_cl_order_id_is_free_again_the_next_day(api: Api) -> None:
    """cl_order_id is unique per account per day: the next day it may be reused."""
    api.placed(symbol="ZVZZT", cl_order_id="daily-1")
    api.advance(24 * 3600)
    assert api.place(symbol="ZVZZT", cl_order_id="daily-1").status_code == 201


def test_duplicate_user_is_a_conflict(api: Api) -> None:
    """Creating a user id that exists is a 409."""
    api.new_user("twice")
    response = api.client.post("/users", json={"user_id": "twice"}, headers=CLIENT_HEADERS)
    assert response.status_code == 409
    assert "twice" in response.json()["message"]


def test_rotated_user_secret_is_refused(api: Api) -> None:
    """After rotation the old user secret is a 401 and the new one works."""
    user = api.new_user("rotating")
    assert user.get("/accounts").status_code == 200
    rotated = api.client.post("/users/rotating/secret", headers=CLIENT_HEADERS)
    assert rotated.status_code == 200
    response = user.get("/accounts")
    assert response.status_code == 401
    assert "user" in response.json()["message"]
    fresh = api.as_user("rotating", rotated.json()["user_secret"])
    assert fresh.get("/accounts").status_code == 200


@pytest.mark.parametrize(
    ("drop", "named"),
    [
        ("client-id", "client-id"),
        ("client-secret", "client-secret"),
        ("user-id", "user-id"),
        ("user-secret", "user-secret"),
    ],
)
def test_missing_credential_names_the_header(api: Api, drop: str, named: str) -> None:
    """A missing credential header is a 401 whose message names that header."""
    headers = {k: v for k, v in api.headers.items() if k != drop}
    response = api.client.get("/accounts", headers=headers)
    assert response.status_code == 401
    assert named in response.json()["message"]


def test_wrong_client_secret_is_refused(api: Api) -> None:
    """A wrong client secret is a 401 that does not echo the secret."""
    headers = {**api.headers, "client-secret": "guess-123"}
    response = api.client.get("/accounts", headers=headers)
    assert response.status_code == 401
    assert "guess-123" not in response.text


def test_deleted_user_cannot_call(api: Api) -> None:
    """A deleted user's credentials are refused, and their accounts are gone."""
    user = api.new_user("leaving")
    connection = user.connect("ALPACA")
    account = user.account_of(connection)
    deleted = api.client.delete("/users/leaving", headers=CLIENT_HEADERS)
    assert deleted.status_code == 200
    assert user.get("/accounts").status_code == 401
    again = api.new_user("leaving")
    assert again.get("/balances", account_id=account).status_code == 404
