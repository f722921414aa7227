"""The connect page as a person meets it in Chromium: each step of the flow, a wrong
password, JavaScript off, the keyboard alone, axe-core on every page, a read-only broker
on a trade link, and used, expired and unknown links."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import httpx
from playwright.sync_api import Page, expect

from .conftest import Links, Shoot, axe_problems

if TYPE_CHECKING:
    from connecttrade_mock.pytest_plugin import MockBrokerFixture

_FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        id: el.id,
        text: (el.textContent || "").trim(),
        radio: el.type === "radio" ? el.value : "",
        outline: style.outlineStyle,
        width: parseFloat(style.outlineWidth),
    };
}"""


def back_in_app(page: Page, links: Links) -> dict[str, str]:
    """Wait for the redirect to the platform's redirect_url and return its query."""
    page.wait_for_url(f"{links.redirect}?**")
    expect(page.get_by_role("heading", name="Back in the app")).to_be_visible()
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def no_serious_axe_issue(page: Page) -> None:
    problems = axe_problems(page)
    assert problems == [], [(p["id"], p["help"], len(p["nodes"])) for p in problems]


def tab_to(page: Page, target: str, limit: int = 40) -> dict[str, Any]:
    """Press Tab until the element with this id, text or radio value has the focus, and
    check that the focus ring shows."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused: dict[str, Any] = page.evaluate(_FOCUSED)
        if target in (focused["id"], focused["text"], focused["radio"]):
            assert focused["outline"] != "none", focused
            assert focused["width"] >= 2, focused
            return focused
    raise AssertionError(f"Tab never reached {target!r}")


def test_each_step_links_an_account(page: Page, links: Links, shoot: Shoot) -> None:
    """Broker list (filtered as one types), login, accounts with paper beside live and
    the consent line, then Allow: the browser lands on redirect_url?connection_id=...
    and the account is the paper margin account preselected. axe finds no serious issue
    on any step."""
    page.goto(links.url())
    expect(page).to_have_title(re.compile("^Choose your broker"))
    expect(page.locator("#brokers li")).to_have_count(21)
    expect(page.locator("#brokers li").first).to_contain_text("Requested by demo-client")
    shoot(page, "brokers")
    no_serious_axe_issue(page)

    page.get_by_label("Search brokers").fill("trade")
    expect(page.locator("#count")).to_have_text("3 brokers")
    expect(page.get_by_role("link", name="Webull", exact=True)).to_be_hidden()
    shoot(page, "brokers-search")

    page.get_by_role("link", name="TradeStation", exact=True).click()
    expect(page).to_have_title(re.compile("^Log in to TradeStation"))
    shoot(page, "login")
    no_serious_axe_issue(page)
    page.get_by_label("TradeStation username").fill("alice")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_title(re.compile("^Choose an account"))
    paper = page.get_by_role("heading", name="Paper (simulated)").bounding_box()
    live = page.get_by_role("heading", name="Live").bounding_box()
    assert paper is not None
    assert live is not None
    assert (paper["y"], paper["x"] < live["x"]) == (live["y"], True)  # side by side
    expect(page.get_by_role("radio", name=re.compile("^Paper margin"))).to_be_checked()
    expect(page.get_by_role("radio")).to_have_count(4)
    expect(page.locator("main")).not_to_contain_text(re.compile(r"PA[A-Z0-9]{8}"))
    expect(page.locator("#consent")).to_contain_text("you let demo-client see its balances")
    expect(page.locator("#consent")).to_contain_text("Access: trade")
    shoot(page, "accounts")
    no_serious_axe_issue(page)

    page.get_by_role("button", name="Allow").click()
    connection_id = back_in_app(page, links)["connection_id"]
    shoot(page, "back-in-app")
    account = links.account(connection_id)
    assert (account["is_paper"], account["account_type"], account["can_trade"]) == (
        True,
        "margin",
        True,
    )


def test_wrong_password_stays_on_the_page_with_the_error(
    page: Page, links: Links, shoot: Shoot
) -> None:
    """A wrong password keeps the user on the login page: the error box has the focus,
    the username is kept, the password is marked invalid, and the right password then
    goes on to the accounts."""
    url = links.url()
    page.goto(f"{url}?broker=TRADESTATION")
    page.get_by_label("TradeStation username").fill("alice")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()

    assert page.url == url
    expect(page).to_have_title(re.compile("^Log in to TradeStation"))
    expect(page.locator("#errors")).to_contain_text("The username or password is incorrect")
    expect(page.locator("#errors")).to_be_focused()
    expect(page.get_by_label("TradeStation username")).to_have_value("alice")
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    shoot(page, "wrong-password")
    no_serious_axe_issue(page)

    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_title(re.compile("^Choose an account"))
    assert len(links.connections()) == 2  # the demo user's two: nothing linked yet


def test_the_flow_completes_with_javascript_off(
    nojs_page: Page, links: Links, shoot: Shoot
) -> None:
    """With JavaScript off the search form filters on the server and every step is a
    plain form: the flow links a live account at Webull (no paper there)."""
    page = nojs_page
    page.goto(links.url("WEBULL"))
    page.get_by_label("Search brokers").fill("web")
    page.get_by_label("Search brokers").press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=web$"))
    expect(page.locator("#count")).to_have_text("1 broker")
    expect(page.get_by_role("link", name="TradeStation", exact=True)).to_be_hidden()
    shoot(page, "brokers-searched")

    page.get_by_role("link", name="Webull", exact=True).click()
    page.get_by_label("Webull username").fill("nojs")
    page.get_by_label("Password").fill("demo")
    shoot(page, "login")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Webull offers no paper accounts.")).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile("^Individual margin"))).to_be_checked()
    shoot(page, "accounts")
    page.get_by_role("radio", name=re.compile("^Individual cash")).check()
    page.get_by_role("button", name="Allow").click()

    connection_id = back_in_app(page, links)["connection_id"]
    account = links.account(connection_id)
    assert (account["is_paper"], account["account_type"]) == (False, "cash")


def test_the_flow_completes_by_keyboard_alone(page: Page, links: Links, shoot: Shoot) -> None:
    """Tab, typing, arrow keys and Enter alone go through the flow, and every element
    that takes the focus shows a focus ring."""
    page.goto(links.url())
    tab_to(page, "TradeStation")
    shoot(page, "focus-broker")
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("^Log in to TradeStation"))

    tab_to(page, "login")
    page.keyboard.type("kate")
    tab_to(page, "password", limit=1)
    page.keyboard.type("demo")
    shoot(page, "focus-password")
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("^Choose an account"))

    tab_to(page, "paper-margin")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name=re.compile("^Paper cash"))).to_be_checked()
    tab_to(page, "Allow")
    shoot(page, "focus-allow")
    page.keyboard.press("Enter")

    connection_id = back_in_app(page, links)["connection_id"]
    account = links.account(connection_id)
    assert (account["is_paper"], account["account_type"]) == (True, "cash")


def test_read_only_broker_on_a_trade_link_is_refused(
    page: Page, links: Links, mock_broker: MockBrokerFixture, shoot: Shoot
) -> None:
    """A trade link lists Fidelity without a login link, and opening its login anyway
    shows the list with the reason; POST /connections refuses a trade link to it (401),
    and a readonly link connects it read-only."""
    page.goto(links.url())
    fidelity = page.locator("#brokers li", has_text="Fidelity")
    expect(fidelity).to_contain_text("Read-only: no trading access")
    expect(fidelity.get_by_role("link")).to_have_count(0)
    page.goto(f"{page.url}?broker=FIDELITY")
    expect(page.locator("#errors")).to_contain_text(
        "Fidelity offers read-only access, and this app asked to trade"
    )
    shoot(page, "read-only-refused")
    no_serious_axe_issue(page)

    refused = httpx.post(
        f"{mock_broker.base_url}/connections",
        headers=mock_broker.credentials.headers(),
        json={"connection_type": "trade", "broker": "FIDELITY", "redirect_url": links.redirect},
    )
    assert refused.status_code == 401
    assert "read-only broker" in refused.json()["message"]

    page.goto(links.url("FIDELITY", "readonly"))
    page.get_by_role("link", name="Fidelity", exact=True).click()
    page.get_by_label("Fidelity username").fill("reader")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#consent")).to_contain_text("it cannot place orders")
    expect(page.locator("#consent")).to_contain_text("Access: read-only")
    shoot(page, "read-only-consent")
    no_serious_axe_issue(page)
    page.get_by_role("button", name="Allow").click()
    connection_id = back_in_app(page, links)["connection_id"]
    (connection,) = [c for c in links.connections() if c["connection_id"] == connection_id]
    assert connection["connection_type"] == "readonly"
    assert links.account(connection_id)["can_trade"] is False


def test_used_expired_and_unknown_links_offer_the_way_back(
    page: Page, links: Links, mock_broker: MockBrokerFixture, shoot: Shoot
) -> None:
    """A used link and an expired one each say so and link back to the app with their
    error; an unknown one links back to the page that sent the user. No serious axe
    issue on any of them."""
    used = links.url()
    approved = httpx.post(used, data={"decision": "approve"})
    assert approved.status_code == 303
    page.goto(used)
    expect(page.get_by_role("heading", name="Link already used")).to_be_visible()
    shoot(page, "used")
    no_serious_axe_issue(page)
    page.get_by_role("link", name=re.compile("^Return to demo-client")).click()
    assert back_in_app(page, links)["error"] == "request_already_used"

    expired = links.url("TRADEZERO")
    mock_broker.control.advance(16 * 60)
    page.goto(expired)
    expect(page.get_by_role("heading", name="Link expired")).to_be_visible()
    shoot(page, "expired")
    no_serious_axe_issue(page)
    page.get_by_role("link", name=re.compile("^Return to demo-client")).click()
    assert back_in_app(page, links)["error"] == "expired_request"

    page.goto(f"{mock_broker.base_url}/connect/cr_unknown", referer=f"{links.app}/start")
    expect(page.get_by_role("heading", name="Link not found")).to_be_visible()
    shoot(page, "unknown")
    no_serious_axe_issue(page)
    page.get_by_role("link", name=re.compile("^Return to the app")).click()
    page.wait_for_url(f"{links.app}/start")


def test_the_axe_check_sees_a_serious_issue(page: Page) -> None:
    """The axe-core check is not blind: an unlabelled field and a low-contrast text on a
    page are reported as serious or critical."""
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>'
        '<p style="color:#bbb;background:#fff">faint</p><input type="text"></main></body></html>'
    )
    found = {p["id"] for p in axe_problems(page)}
    assert {"label", "color-contrast"} <= found, found
