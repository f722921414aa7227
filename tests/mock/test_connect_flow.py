"""The connect flow: POST /connections, the HTML page at connection_request_url, and the
303 back to the platform's redirect_url."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from mock_api import Api

REDIRECT = "https://app.example.com/callback"


def query_of(location: str) -> dict[str, str]:
    assert location.startswith(REDIRECT), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_the_page_renders_a_form(api: Api) -> None:
    """GET on the request URL is an HTML form naming the user and the access asked for,
    with the requested broker preselected."""
    path = api.connect_request("TRADESTATION", "readonly")
    page = api.client.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert f'action="{path}"' in text
    assert "demo-user" in text
    assert "readonly access" in text
    assert '<option value="TRADESTATION" selected>' in text
    assert 'name="decision" value="approve"' in text
    assert 'name="decision" value="deny"' in text


def test_approving_redirects_with_the_connection_id(api: Api) -> None:
    """A plain form POST approving the link answers 303 to redirect_url?connection_id=...,
    and the connection appears in GET /connections with its account."""
    location = api.connect_redirect("TRADESTATION")
    connection_id = query_of(location)["connection_id"]
    (connection,) = [c for c in api.ok("/connections") if c["connection_id"] == connection_id]
    assert connection["broker"] == "TRADESTATION"
    assert connection["connection_type"] == "trade"
    assert len(connection["accounts"]) == 1


def test_new_account_is_listed_funded_and_trades(api: Api) -> None:
    """The new connection's account is in GET /accounts, funded with paper money, and a
    trade connection can place orders that fill."""
    connection_id = api.connect("TRADESTATION", account_type="cash")
    account_id = api.account_of(connection_id)
    account = api.account(account_id)
    assert account["can_trade"] is True
    assert account["is_paper"] is True
    assert account["account_type"] == "cash"
    assert api.cash(account_id) == 100_000
    order = api.placed(account_id=account_id, broker="TRADESTATION", symbol="ZVZZT")
    assert order["status"] == "filled"
    assert api.positions(account_id)["ZVZZT"]["quantity"] == "1"


def test_live_account_gets_the_live_opening_balance(api: Api) -> None:
    """Choosing a live account links one that is not paper, with the live opening balance."""
    account_id = api.account_of(api.connect("WEBULL", account="live"))
    account = api.account(account_id)
    assert account["is_paper"] is False
    assert api.cash(account_id) == 25_000


def test_paper_at_a_broker_without_paper_accounts_is_an_error(api: Api) -> None:
    """Asking for a paper account where the broker has none redirects with an error."""
    location = api.connect_redirect("WEBULL", account="paper")
    assert query_of(location)["error"] == "paper_not_available"


def test_denying_redirects_with_access_denied(api: Api) -> None:
    """Deny answers 303 to redirect_url?error=access_denied&error_details=..., and no
    connection is made."""
    path = api.connect_request("TRADESTATION")
    before = api.ok("/connections")
    answer = api.client.post(path, data={"decision": "deny"}, follow_redirects=False)
    assert answer.status_code == 303
    query = query_of(answer.headers["location"])
    assert query["error"] == "access_denied"
    assert query["error_details"]
    assert api.ok("/connections") == before


def test_expired_request_redirects_with_expired_request(api: Api) -> None:
    """A link used after its 15 minutes redirects with error=expired_request, and its page
    says it expired."""
    path = api.connect_request("TRADESTATION")
    api.advance(16 * 60)
    assert api.client.get(path).status_code == 410
    answer = api.client.post(path, data={"decision": "approve"}, follow_redirects=False)
    assert answer.status_code == 303
    query = query_of(answer.headers["location"])
    assert query["error"] == "expired_request"
    assert query["error_details"]


def test_request_can_be_used_once(api: Api) -> None:
    """A second POST on a used link redirects with an error and links nothing more."""
    path = api.connect_request("TRADESTATION")
    first = api.client.post(path, data={"decision": "approve"}, follow_redirects=False)
    assert "connection_id" in query_of(first.headers["location"])
    again = api.client.post(path, data={"decision": "approve"}, follow_redirects=False)
    assert query_of(again.headers["location"])["error"] == "request_already_used"
    assert api.client.get(path).status_code == 409
    assert len(api.ok("/connections")) == 3


def test_unknown_request_is_a_404_page(api: Api) -> None:
    """An unknown request id is a 404 page, for GET and POST alike."""
    assert api.client.get("/connect/cr_nope").status_code == 404
    assert api.client.post("/connect/cr_nope", data={"decision": "approve"}).status_code == 404


def test_redirect_keeps_the_platforms_own_query(api: Api) -> None:
    """A redirect_url that carries a query keeps it, with the answer appended."""
    response = api.request(
        "POST",
        "/connections",
        json={
            "connection_type": "trade",
            "broker": "TRADESTATION",
            "redirect_url": f"{REDIRECT}?state=abc",
        },
    )
    path = urlsplit(response.json()["connection_request_url"]).path
    answer = api.client.post(path, data={"decision": "approve"}, follow_redirects=False)
    query = query_of(answer.headers["location"])
    assert query["state"] == "abc"
    assert query["connection_id"].startswith("conn_")


def test_same_broker_twice_is_a_conflict(api: Api) -> None:
    """A second connection to a broker the user already has is a 409 at request time."""
    response = api.request(
        "POST",
        "/connections",
        json={"connection_type": "trade", "broker": "ALPACA", "redirect_url": REDIRECT},
    )
    assert response.status_code == 409
    assert "conn_demo_alpaca" in response.json()["message"]


def test_login_linked_to_another_user_is_refused(api: Api) -> None:
    """A broker login already linked to another user of the platform cannot be linked
    again."""
    api.connect("TRADESTATION", login="shared-login")
    other = api.new_user("second")
    location = other.connect_redirect("TRADESTATION", login="shared-login")
    assert query_of(location)["error"] == "account_already_linked"


@pytest.mark.parametrize(
    "form",
    [
        {"decision": "approve", "broker": "NOTABROKER"},
        {"decision": "approve", "login": "x" * 5000},
        {"decision": "approve", "broker": "<script>"},
        {"decision": "\u2603"},
    ],
    ids=["unknown-broker", "long-login", "markup", "unicode"],
)
def test_odd_forms_never_crash(api: Api, form: dict[str, str]) -> None:
    """Whatever the form holds, the answer is a 303 redirect back to the platform."""
    path = api.connect_request("TRADESTATION")
    answer = api.client.post(path, data=form, follow_redirects=False)
    assert answer.status_code == 303
    query_of(answer.headers["location"])


def test_deleting_a_connection_removes_its_account(api: Api) -> None:
    """DELETE /connections/{id} removes the connection and its account from the lists."""
    connection_id = api.connect("TRADESTATION")
    account_id = api.account_of(connection_id)
    assert api.request("DELETE", f"/connections/{connection_id}").status_code == 200
    assert account_id not in {a["account_id"] for a in api.ok("/accounts")}
    assert api.get("/balances", account_id=account_id).status_code == 404
