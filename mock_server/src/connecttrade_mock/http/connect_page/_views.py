"""The HTML of the connect pages, rendered on the server: every step is a plain form that
works without JavaScript, with labels, a visible focus ring, and an error box that takes
the focus and that the field in error points to."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from urllib.parse import quote, urlsplit

from starlette.responses import HTMLResponse

from connecttrade_mock.broker.brokers import Broker
from connecttrade_mock.broker.state import ConnectionRequest
from connecttrade_mock.http.connect_page._logins import DEMO_PASSWORD, MAX_LOGIN, LoginAccount

__all__ = [
    "BrokerChoice",
    "accounts_page",
    "brokers_page",
    "dead_link_page",
    "login_page",
]

_STEPS = 3


def _e(text: str) -> str:
    return html.escape(text, quote=True)


@cache
def _asset(name: str) -> str:
    return (resources.files(__package__) / "static" / name).read_text(encoding="utf-8")


def _page(title: str, body: str, status: int, *, script: bool = False) -> HTMLResponse:
    tail = f"<script>{_asset('connect.js')}</script>" if script else ""
    return HTMLResponse(
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)} - Connect a brokerage account</title>
<style>{_asset("connect.css")}</style></head>
<body><header class="banner">
Connect Trade mock broker: nothing here touches a real account.</header>
<main id="main">{body}</main>{tail}</body></html>""",
        status_code=status,
        headers={"cache-control": "no-store"},
    )


def _action(request: ConnectionRequest) -> str:
    return f"/connect/{quote(request.request_id, safe='')}"


def _access(request: ConnectionRequest) -> str:
    return "trade" if request.connection_type == "trade" else "read-only"


def _header(request: ConnectionRequest, step: int, heading: str) -> str:
    return (
        f'<p class="step">Step {step} of {_STEPS}</p><h1>{_e(heading)}</h1>'
        f'<p class="request"><strong>{_e(request.client_id)}</strong> asks for '
        f"<strong>{_access(request)}</strong> access to a brokerage account of "
        f"{_e(request.user_id)}.</p>"
    )


def _errors(message: str | None) -> str:
    """The error box, focused on load so that keyboard and screen-reader users land on it."""
    if message is None:
        return ""
    return (
        f'<div class="errors" id="errors" role="alert" tabindex="-1" autofocus>'
        f"<p><strong>There is a problem:</strong> {_e(message)}</p></div>"
    )


def _cancel(request: ConnectionRequest) -> str:
    return (
        f'<form method="post" action="{_action(request)}">'
        '<input type="hidden" name="decision" value="deny">'
        '<button type="submit" class="secondary">Cancel and return to the app</button></form>'
    )


@dataclass(frozen=True, slots=True)
class BrokerChoice:
    """A broker as the list shows it: linkable, or why not."""

    broker: Broker
    unavailable: str | None = None


def _offers(broker: Broker) -> str:
    if not broker.trading:
        return "Read-only: balances and positions"
    return "Paper and live accounts" if broker.paper else "Live accounts"


def brokers_page(
    request: ConnectionRequest,
    choices: Sequence[BrokerChoice],
    query: str,
    error: str | None = None,
) -> HTMLResponse:
    """Step 1: every broker, the requested one first, filtered by a search box."""
    needle = query.strip().lower()
    ordered = sorted(choices, key=lambda c: c.broker.code != request.broker)
    items = []
    shown = 0
    for choice in ordered:
        broker = choice.broker
        search = f"{broker.name} {broker.code}".lower()
        hidden = bool(needle) and needle not in search
        shown += not hidden
        requested = (
            f" · Requested by {_e(request.client_id)}" if broker.code == request.broker else ""
        )
        if choice.unavailable is None:
            name = f'<a href="{_action(request)}?broker={broker.code}">{_e(broker.name)}</a>'
            tags = f"{_offers(broker)}{requested}"
        else:
            name = f'<span class="unavailable">{_e(broker.name)}</span>'
            tags = f"{_e(choice.unavailable)}{requested}"
        items.append(
            f'<li data-search="{_e(search)}"{" hidden" if hidden else ""}>{name}'
            f'<span class="tags">{tags}</span></li>'
        )
    count = "1 broker" if shown == 1 else f"{shown} brokers"
    body = f"""{_header(request, 1, "Choose your broker")}{_errors(error)}
<form method="get" action="{_action(request)}" role="search" class="search">
<div><label for="q">Search brokers</label>
<input type="search" id="q" name="q" value="{_e(query)}" autocomplete="off"></div>
<button type="submit">Search</button></form>
<p id="count" aria-live="polite">{count}</p>
<p id="none"{"" if shown == 0 else " hidden"}>No broker matches your search.
<a href="{_action(request)}">Show all brokers</a></p>
<ul class="brokers" id="brokers">{"".join(items)}</ul>
{_cancel(request)}"""
    return _page("Choose your broker", body, 400 if error else 200, script=True)


def login_page(
    request: ConnectionRequest,
    broker: Broker,
    login: str = "",
    error: str | None = None,
    field: str = "password",
) -> HTMLResponse:
    """Step 2: the broker's login form. A failed login comes back here with the error."""
    invalid = ' aria-invalid="true" aria-describedby="errors"'
    login_attrs = invalid if error and field == "login" else ""
    password_attrs = invalid if error and field == "password" else ""
    body = f"""{_header(request, 2, f"Log in to {broker.name}")}
<p class="hint">Demo login: any username, password <code>{DEMO_PASSWORD}</code>.
Any other password is refused.</p>{_errors(error)}
<form method="post" action="{_action(request)}">
<input type="hidden" name="step" value="login">
<input type="hidden" name="broker" value="{broker.code}">
<label for="login">{_e(broker.name)} username</label>
<input type="text" id="login" name="login" value="{_e(login)}" maxlength="{MAX_LOGIN}"
 autocomplete="username" autocapitalize="none" spellcheck="false" required{login_attrs}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password"
 required{password_attrs}>
<div><button type="submit">Log in</button></div></form>
<p><a href="{_action(request)}">Choose another broker</a></p>
{_cancel(request)}"""
    return _page(f"Log in to {broker.name}", body, 400 if error else 200)


def _money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def _account_option(account: LoginAccount, chosen: str) -> str:
    checked = " checked" if account.key == chosen else ""
    return (
        f'<label class="account"><input type="radio" name="account" value="{account.key}"'
        f'{checked}><span><span class="title">{account.title}</span>'
        f'<span class="number"><span aria-hidden="true">•••• </span>'
        f'<span class="sr-only">number ending in </span>{_e(account.last_four)}</span>'
        f'<span class="balance">Cash {_money(account.cash)}</span></span></label>'
    )


def _column(title: str, accounts: Iterable[LoginAccount], chosen: str, empty: str) -> str:
    options = "".join(_account_option(a, chosen) for a in accounts) or f"<p>{_e(empty)}</p>"
    return f"<section><h2>{_e(title)}</h2>{options}</section>"


def _consent(request: ConnectionRequest, broker: Broker) -> str:
    platform = _e(request.client_id)
    if request.connection_type == "trade":
        what = (
            "see its balances, positions, orders and transactions, "
            "and to place, change and cancel orders in it"
        )
    else:
        what = "see its balances, positions, orders and transactions; it cannot place orders"
    return (
        f'<p class="consent" id="consent">By choosing Allow you let <strong>{platform}</strong> '
        f"{what}. Access: <strong>{_access(request)}</strong>, to the account you chose at "
        f"{_e(broker.name)}, until you remove the connection.</p>"
    )


def accounts_page(
    request: ConnectionRequest,
    broker: Broker,
    login: str,
    *,
    ticket: str,
    accounts: Sequence[LoginAccount],
    chosen: str,
    error: str | None = None,
) -> HTMLResponse:
    """Step 3: the login's accounts, paper beside live, and the consent to link one."""
    paper = [a for a in accounts if a.is_paper]
    live = [a for a in accounts if not a.is_paper]
    body = f"""{_header(request, 3, "Choose an account")}
<p>Logged in to {_e(broker.name)} as <strong>{_e(login)}</strong>.
<a href="{_action(request)}?broker={broker.code}">Log in as someone else</a></p>
{_errors(error)}
<form method="post" action="{_action(request)}">
<input type="hidden" name="broker" value="{broker.code}">
<input type="hidden" name="login" value="{_e(login)}">
<input type="hidden" name="ticket" value="{_e(ticket)}">
<fieldset aria-describedby="consent"><legend>Account to connect</legend><div class="columns">
{_column("Paper (simulated)", paper, chosen, f"{broker.name} offers no paper accounts.")}
{_column("Live", live, chosen, f"{broker.name} has no live account for this login.")}
</div></fieldset>
{_consent(request, broker)}
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>"""
    return _page("Choose an account", body, 400 if error else 200)


def dead_link_page(
    title: str, message: str, status: int, back: str | None, platform: str | None = None
) -> HTMLResponse:
    """A used, expired or unknown link: say so, and offer the way back to the app."""
    if back is not None:
        name = _e(platform) if platform else "the app"
        where = _e(urlsplit(back).netloc or back)
        way_back = f'<p><a href="{_e(back)}">Return to {name} ({where})</a></p>'
    else:
        way_back = (
            "<p>Go back to the app that sent you here and start connecting again: "
            "it will give you a new link.</p>"
        )
    body = f"<h1>{_e(title)}</h1><p>{_e(message)}</p>{way_back}"
    return _page(title, body, status)
