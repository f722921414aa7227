"""The connect flow over plain HTTP: POST /connections, the three pages at
connection_request_url (broker list, broker login, accounts and consent), and the 303 back
to the platform's redirect_url. tests/browser/ drives the same pages in Chromium."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from mock_api import Api

from connecttrade_mock.broker.brokers import BROKERS
from connecttrade_mock.http.connect_page import DEMO_PASSWORD

REDIRECT = "https://app.example.com/callback"


def query_of(location: str) -> dict[str, str]:
    assert location.startswith(REDIRECT), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


class Form(HTMLParser):
    """What a browser would submit from a page's forms with nothing changed: hidden
    fields, text fields and checked radios, by form; plus the links and list items."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.radios: list[tuple[str, bool]] = []
        self.links: list[str] = []
        self.items: list[dict[str, str | None]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        elif tag == "li":
            self.items.append(a)
        elif tag == "input" and self.forms and a.get("name"):
            name, value = str(a["name"]), a.get("value") or ""
            if a.get("type") == "radio":
                self.radios.append((value, "checked" in a))
                if "checked" not in a:
                    return
            self.forms[-1][name] = value


def login_page(api: Api, broker: str, connection_type: str = "trade") -> str:
    """The login page of a fresh link, reached by the broker's link in the list."""
    path = api.connect_request(broker, connection_type)
    listing = Form(api.client.get(path).text)
    (href,) = [h for h in listing.links if h.endswith(f"?broker={broker}")]
    page = api.client.get(href)
    assert page.status_code == 200, page.text
    return path


def log_in(
    api: Api, path: str, broker: str, password: str = DEMO_PASSWORD, login: str = "alice"
) -> httpx2.Response:
    """The login step's POST, as the login form sends it."""
    response: httpx2.Response = api.client.post(
        path, data={"step": "login", "broker": broker, "login": login, "password": password}
    )
    return response


# ---------------------------------------------------------------- step 1: the brokers
def test_the_list_shows_every_broker_the_requested_one_first(api: Api) -> None:
    """GET on the request URL lists all 21 brokers, the one the app asked for first and
    marked so, each a link to its login; the page names the platform, user and access."""
    path = api.connect_request("TRADESTATION", "readonly")
    page = api.client.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    form = Form(page.text)
    assert len(form.items) == len(BROKERS) == 21
    assert form.items[0]["data-search"] == "tradestation tradestation"
    assert "Requested by demo-client" in page.text
    assert f"{path}?broker=TRADESTATION" in form.links
    assert "<strong>demo-client</strong> asks for <strong>read-only</strong> access" in page.text
    assert "demo-user" in page.text


def test_search_hides_brokers_that_do_not_match(api: Api) -> None:
    """?q= (the search form, without JavaScript) hides every broker whose name or code
    does not contain the words, and says how many match."""
    path = api.connect_request("TRADESTATION")
    form = Form(api.client.get(path, params={"q": "Trade"}).text)
    shown = sorted(str(i["data-search"]) for i in form.items if "hidden" not in i)
    assert shown == [
        "tastytrade tastytrade",
        "tradestation tradestation",
        "tradezero tradezero",
    ]
    nothing = api.client.get(path, params={"q": "no such bank"}).text
    assert "0 brokers" in nothing
    assert '<p id="none">No broker matches' in nothing


def test_a_trade_link_lists_read_only_brokers_as_unavailable(api: Api) -> None:
    """On a trade link the read-only brokers have no login link, and say why; brokers the
    user already connected (the demo user's Alpaca) are marked too."""
    path = api.connect_request("TRADESTATION")
    page = api.client.get(path).text
    links = Form(page).links
    assert f"{path}?broker=FIDELITY" not in links
    assert f"{path}?broker=WEBULL" in links
    assert 'Fidelity</span><span class="tags">Read-only: no trading access' in page
    assert 'Alpaca</span><span class="tags">Already connected' in page


def test_trade_connection_to_read_only_broker_is_refused(api: Api) -> None:
    """POST /connections for trade access at a read-only broker (Fidelity: no order entry)
    is a 401 (an entitlement issue, in the vendor's words) that says to ask for readonly;
    readonly access to it is granted."""
    body = {"connection_type": "trade", "broker": "FIDELITY", "redirect_url": REDIRECT}
    refused = api.request("POST", "/connections", json=body)
    assert refused.status_code == 401
    assert "FIDELITY, a read-only broker" in refused.json()["message"]
    assert "readonly" in refused.json()["message"]
    granted = api.request("POST", "/connections", json={**body, "connection_type": "readonly"})
    assert granted.status_code == 200


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_read_only_broker_picked_on_a_trade_link_stays_on_the_list(api: Api, method: str) -> None:
    """Picking a read-only broker on a trade link (by URL or by a scripted form) shows the
    broker list again with the reason, and links nothing."""
    path = api.connect_request("TRADESTATION")
    if method == "GET":
        page = api.client.get(path, params={"broker": "SCHWAB"})
    else:
        page = api.client.post(path, data={"decision": "approve", "broker": "SCHWAB"})
    assert page.status_code == 400
    assert "Charles Schwab offers read-only access, and this app asked to trade" in page.text
    assert "Choose your broker" in page.text
    assert {c["broker"] for c in api.ok("/connections")} == {"ALPACA", "TRADIER"}


# ---------------------------------------------------------------- step 2: the login
def test_the_login_page_asks_for_username_and_password(api: Api) -> None:
    """The broker's login page has labelled username and password fields and shows the
    demo credentials."""
    path = api.connect_request("TRADESTATION")
    page = api.client.get(path, params={"broker": "TRADESTATION"}).text
    assert "<h1>Log in to TradeStation</h1>" in page
    assert '<label for="login">TradeStation username</label>' in page
    assert '<label for="password">Password</label>' in page
    assert 'type="password" id="password" name="password"' in page
    assert "password <code>demo</code>" in page


def test_wrong_password_stays_on_the_login_page(api: Api) -> None:
    """A wrong password answers the login page again with the error, the username kept
    and the password field marked invalid; the link stays usable."""
    path = login_page(api, "TRADESTATION")
    page = log_in(api, path, "TRADESTATION", password="wrong")
    assert page.status_code == 400
    assert "The username or password is incorrect" in page.text
    assert 'value="alice"' in page.text
    assert 'required aria-invalid="true" aria-describedby="errors"' in page.text
    assert "Choose an account" not in page.text
    assert log_in(api, path, "TRADESTATION").status_code == 200


def test_scripted_approval_with_a_wrong_password_is_refused(api: Api) -> None:
    """A one-POST approval that gives a wrong password gets the login page, not a link."""
    path = api.connect_request("TRADESTATION")
    page = api.client.post(path, data={"decision": "approve", "password": "nope"})
    assert page.status_code == 400
    assert "The username or password is incorrect" in page.text
    assert len(api.ok("/connections")) == 2


def test_an_empty_or_long_username_is_asked_again(api: Api) -> None:
    """No username, or one past 64 characters, answers the login page with the error."""
    path = api.connect_request("TRADESTATION")
    empty = log_in(api, path, "TRADESTATION", login=" ")
    assert empty.status_code == 400
    assert "Enter your username." in empty.text
    long = log_in(api, path, "TRADESTATION", login="x" * 65)
    assert "at most 64 characters" in long.text


# ---------------------------------------------------------------- step 3: the accounts
def test_the_login_lists_paper_and_live_accounts_side_by_side(api: Api) -> None:
    """After the login the page lists the login's paper and live accounts, numbers masked
    to their last four, with balances; paper margin is preselected."""
    path = login_page(api, "TRADESTATION")
    page = log_in(api, path, "TRADESTATION")
    assert page.status_code == 200
    form = Form(page.text)
    assert form.radios == [
        ("paper-margin", True),
        ("paper-cash", False),
        ("live-margin", False),
        ("live-cash", False),
    ]
    assert "<h2>Paper (simulated)</h2>" in page.text
    assert "<h2>Live</h2>" in page.text
    assert page.text.count("number ending in ") == 4
    assert "Cash $100,000.00" in page.text
    assert "Cash $25,000.00" in page.text


def test_consent_names_the_platform_and_the_access(api: Api) -> None:
    """The consent line names the platform and says trade or read-only, and what that
    lets the platform do."""
    trade = log_in(api, login_page(api, "TRADESTATION"), "TRADESTATION").text
    assert "you let <strong>demo-client</strong>" in trade
    assert "place, change and cancel orders" in trade
    assert "Access: <strong>trade</strong>" in trade
    readonly = log_in(api, login_page(api, "TRADEZERO", "readonly"), "TRADEZERO").text
    assert "Access: <strong>read-only</strong>" in readonly
    assert "it cannot place orders" in readonly


def test_broker_without_paper_lists_live_accounts_and_preselects_one(api: Api) -> None:
    """At a broker without paper accounts (Webull) the paper column says so and a live
    account is preselected, so Allow without changes links it."""
    page = log_in(api, login_page(api, "WEBULL"), "WEBULL").text
    assert "Webull offers no paper accounts." in page
    assert Form(page).radios == [("live-margin", True), ("live-cash", False)]


def _approve_unchanged(api: Api, broker: str, connection_type: str) -> str:
    path = login_page(api, broker, connection_type)
    (form,) = Form(log_in(api, path, broker).text).forms
    answer = api.client.post(path, data={**form, "decision": "approve"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return query_of(answer.headers["location"]).get("connection_id", answer.headers["location"])


@pytest.mark.parametrize("code", sorted(BROKERS))
def test_allow_without_changes_links_at_every_broker(api: Api, code: str) -> None:
    """Log in and press Allow with nothing changed links an account at each of the 21
    brokers (paper where the broker has paper, else live); trade access where the broker
    takes orders, read-only where it does not."""
    broker = BROKERS[code]
    user = api.new_user(f"user-{code.lower()}")
    connection_id = _approve_unchanged(user, code, "trade" if broker.trading else "readonly")
    assert connection_id.startswith("conn_"), connection_id
    account = user.account(user.account_of(connection_id))
    assert account["is_paper"] is broker.paper
    assert account["can_trade"] is broker.trading


def test_linked_account_has_the_number_shown_masked(api: Api) -> None:
    """The account linked has the number whose last four the page showed, and the same
    login shows the same numbers on every link."""
    path = login_page(api, "TRADESTATION")
    page = log_in(api, path, "TRADESTATION").text
    again = log_in(api, login_page(api, "TRADESTATION"), "TRADESTATION").text
    assert page.split("<form")[1] != again.split("<form")[1]  # each link its own ticket
    last_fours = [chunk[:4] for chunk in page.split("number ending in </span>")[1:]]
    assert last_fours == [chunk[:4] for chunk in again.split("number ending in </span>")[1:]]
    form = Form(page).forms[0]
    answer = api.client.post(
        path, data={**form, "account": "live-cash", "decision": "approve"}, follow_redirects=False
    )
    account = api.account(api.account_of(query_of(answer.headers["location"])["connection_id"]))
    assert account["account_number"].endswith(last_fours[3])
    assert (account["is_paper"], account["account_type"]) == (False, "cash")


def test_a_forged_ticket_sends_back_to_the_login(api: Api) -> None:
    """An approval whose login ticket was not issued for this link and login asks the
    user to log in again."""
    path = login_page(api, "TRADESTATION")
    form = Form(log_in(api, path, "TRADESTATION").text).forms[0]
    page = api.client.post(path, data={**form, "login": "mallory", "decision": "approve"})
    assert page.status_code == 400
    assert "Your TradeStation login has ended. Log in again." in page.text
    assert len(api.ok("/connections")) == 2


def test_paper_at_a_broker_without_paper_accounts_stays_on_the_page(api: Api) -> None:
    """Asking for a paper account where the broker has none shows the accounts again
    with the reason, instead of sending the user back to the app."""
    path = api.connect_request("WEBULL")
    page = api.client.post(path, data={"decision": "approve", "account": "paper"})
    assert page.status_code == 400
    assert "Webull offers no paper accounts. Choose a live account." in page.text
    assert Form(page.text).radios == [("live-margin", True), ("live-cash", False)]


# ---------------------------------------------------------------- approval and after
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


def test_expired_link_page_offers_the_way_back(api: Api) -> None:
    """A link opened after its 15 minutes is a 410 page linking back to the app with
    error=expired_request; a POST on it redirects there."""
    path = api.connect_request("TRADESTATION")
    api.advance(16 * 60)
    page = api.client.get(path)
    assert page.status_code == 410
    (back,) = [h for h in Form(page.text).links if h.startswith(REDIRECT)]
    assert query_of(back.replace("&amp;", "&"))["error"] == "expired_request"
    answer = api.client.post(path, data={"decision": "approve"}, follow_redirects=False)
    assert answer.status_code == 303
    query = query_of(answer.headers["location"])
    assert query["error"] == "expired_request"
    assert query["error_details"]


def test_used_link_page_offers_the_way_back(api: Api) -> None:
    """A second POST on a used link redirects with request_already_used and links nothing
    more; opening it is a 409 page linking back to the app with that error."""
    path = api.connect_request("TRADESTATION")
    first = api.client.post(path, data={"decision": "approve"}, follow_redirects=False)
    assert "connection_id" in query_of(first.headers["location"])
    again = api.client.post(path, data={"decision": "approve"}, follow_redirects=False)
    assert query_of(again.headers["location"])["error"] == "request_already_used"
    page = api.client.get(path)
    assert page.status_code == 409
    (back,) = [h for h in Form(page.text).links if h.startswith(REDIRECT)]
    assert query_of(back.replace("&amp;", "&"))["error"] == "request_already_used"
    assert "Return to demo-client (app.example.com)" in page.text
    assert len(api.ok("/connections")) == 3


def test_unknown_link_page_offers_the_way_back(api: Api) -> None:
    """An unknown request id is a 404 page for GET and POST; it links back to the site
    that sent the user (the Referer), or says to go back to the app."""
    page = api.client.get("/connect/cr_nope", headers={"referer": "https://app.example.com/x"})
    assert page.status_code == 404
    back = '<a href="https://app.example.com/x">Return to the app (app.example.com)</a>'
    assert back in page.text
    plain = api.client.post("/connect/cr_nope", data={"decision": "approve"})
    assert plain.status_code == 404
    assert "Go back to the app that sent you here" in plain.text


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


def test_login_linked_to_another_user_is_refused_on_the_login_page(api: Api) -> None:
    """A broker login already linked to another user of the platform cannot be linked
    again: the login page says so, and the user can log in with another login."""
    api.connect("TRADESTATION", login="shared-login")
    other = api.new_user("second")
    path = other.connect_request("TRADESTATION")
    page = log_in(other, path, "TRADESTATION", login="shared-login")
    assert page.status_code == 400
    assert "This TradeStation login is already linked to another user of this app" in page.text
    assert log_in(other, path, "TRADESTATION", login="own-login").status_code == 200


@pytest.mark.parametrize(
    "form",
    [
        {"decision": "approve", "broker": "NOTABROKER"},
        {"decision": "approve", "login": "x" * 5000},
        {"decision": "approve", "broker": "<script>"},
        {"decision": "approve", "account": "<b>"},
        {"decision": "approve", "ticket": "\u2603"},
        {"step": "login", "password": "\u2603" * 1000},
        {"decision": "\u2603"},
    ],
    ids=[
        "unknown-broker",
        "long-login",
        "markup",
        "odd-account",
        "odd-ticket",
        "odd-pw",
        "unicode",
    ],
)
def test_odd_forms_never_crash(api: Api, form: dict[str, str]) -> None:
    """Whatever the form holds, the answer is a 303 back to the platform or a 400 page
    that shows the problem, with the form's markup escaped."""
    path = api.connect_request("TRADESTATION")
    answer = api.client.post(path, data=form, follow_redirects=False)
    if answer.status_code == 303:
        query = query_of(answer.headers["location"])
        assert "connection_id" in query or "error" in query, query
    else:
        assert answer.status_code == 400, answer.text
        assert "There is a problem:" in answer.text
        assert "<script>" not in answer.text.split("</main>")[0]
        assert "<b>" not in answer.text


def test_deleting_a_connection_removes_its_account(api: Api) -> None:
    """DELETE /connections/{id} removes the connection and its account from the lists."""
    connection_id = api.connect("TRADESTATION")
    account_id = api.account_of(connection_id)
    assert api.request("DELETE", f"/connections/{connection_id}").status_code == 200
    assert account_id not in {a["account_id"] for a in api.ok("/accounts")}
    assert api.get("/balances", account_id=account_id).status_code == 404
