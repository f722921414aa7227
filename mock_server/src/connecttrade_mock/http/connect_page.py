"""The broker-login page behind ``connection_request_url``.

A real browser sees a form: pick the broker, a paper or live account and its type, then
Connect or Deny; a plain HTTP client can POST the same urlencoded form. Either way the
answer is a 303 to ``redirect_url?connection_id=...`` or
``redirect_url?error=...&error_details=...``, as the vendor documents.
"""

from __future__ import annotations

import html
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from connecttrade_mock.broker.brokers import BROKERS, Broker, lookup
from connecttrade_mock.broker.state import Account, Connection, ConnectionRequest

if TYPE_CHECKING:
    from connecttrade_mock.http.mock_broker import MockBroker

__all__ = ["connect_routes"]

PAPER_FUNDING = Decimal("100000.00")
LIVE_FUNDING = Decimal("25000.00")


def _redirect(request: ConnectionRequest, **params: str) -> RedirectResponse:
    parts = urlsplit(request.redirect_url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return RedirectResponse(urlunsplit(parts._replace(query=query)), status_code=303)


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; }}
fieldset {{ border: 1px solid #ccc; border-radius: .5rem; margin: 1rem 0; }}
button {{ font-size: 1rem; padding: .5rem 1.25rem; margin-right: .5rem; }}
.note {{ color: #555; font-size: .9rem; }}
</style></head>
<body><h1>{html.escape(title)}</h1>{body}</body></html>""",
        status_code=status,
    )


def _options(selected: Broker) -> str:
    return "".join(
        f'<option value="{b.code}"{" selected" if b is selected else ""}>{html.escape(b.name)}'
        f"{'' if b.trading else ' (read-only)'}</option>"
        for b in BROKERS.values()
    )


def connect_routes(mock: MockBroker) -> list[Route]:
    """GET shows the login form, POST completes or denies the connection."""

    def pending(request_id: str) -> ConnectionRequest | Response:
        mock.sim.sync()
        found = mock.sim.store.connection_requests.get(request_id)
        if found is None:
            return _page("Link not found", "<p>This connection link does not exist.</p>", 404)
        return found

    async def show(request: Request) -> Response:
        found = pending(request.path_params["request_id"])
        if isinstance(found, Response):
            return found
        if found.completed:
            return _page("Link already used", "<p>This link was already used.</p>", 409)
        if mock.sim.clock.now() >= found.expires_at:
            return _page("Link expired", "<p>This connection link has expired.</p>", 410)
        broker = lookup(found.broker)
        assert broker is not None
        rid = html.escape(found.request_id)
        return _page(
            "Connect your brokerage account",
            f"""
<p class="note">Connect Trade mock broker: nothing here touches a real account.
Requested by a platform for user <b>{html.escape(found.user_id)}</b>
({html.escape(found.connection_type)} access).</p>
<form method="post" action="/connect/{rid}">
<fieldset><legend>Broker</legend>
<select name="broker" aria-label="Broker">{_options(broker)}</select></fieldset>
<fieldset><legend>Login</legend>
<input name="login" aria-label="Login" value="{html.escape(found.user_id)}"></fieldset>
<fieldset><legend>Account</legend>
<label><input type="radio" name="account" value="paper" checked> Paper (simulated)</label>
<label><input type="radio" name="account" value="live"> Live</label><br>
<label><input type="radio" name="account_type" value="margin" checked> Margin</label>
<label><input type="radio" name="account_type" value="cash"> Cash</label></fieldset>
<button type="submit" name="decision" value="approve">Connect</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>""",
        )

    async def submit(request: Request) -> Response:
        found = pending(request.path_params["request_id"])
        if isinstance(found, Response):
            return found
        form = {
            k: v[-1]
            for k, v in parse_qs(
                (await request.body()).decode("utf-8", "replace"), keep_blank_values=True
            ).items()
        }
        if found.completed:
            return _redirect(
                found,
                error="request_already_used",
                error_details="This connection link was already used.",
            )
        if mock.sim.clock.now() >= found.expires_at:
            return _redirect(
                found,
                error="expired_request",
                error_details="The connection link expired before it was completed.",
            )
        if form.get("decision") != "approve":
            found.completed = True
            mock.sim.store.touch(found)
            mock.sim.flush()
            return _redirect(
                found,
                error="access_denied",
                error_details="The user declined to connect the account.",
            )
        outcome = _complete(mock, found, form)
        if not isinstance(outcome, Connection):
            error, details = outcome
            return _redirect(found, error=error, error_details=details)
        mock.sim.flush()
        return _redirect(found, connection_id=outcome.connection_id)

    return [
        Route("/connect/{request_id}", show, methods=["GET"]),
        Route("/connect/{request_id}", submit, methods=["POST"]),
    ]


def _complete(
    mock: MockBroker, found: ConnectionRequest, form: dict[str, str]
) -> Connection | tuple[str, str]:
    """Create the connection and its account; or say why not (an OAuth-style error)."""
    sim = mock.sim
    store = sim.store
    broker = lookup(form.get("broker", found.broker))
    if broker is None:
        return "invalid_broker", f"Unknown broker {form.get('broker', '')[:40]!r}."
    live = form.get("account") == "live"
    if not live and not broker.paper:
        return "paper_not_available", f"{broker.name} does not offer paper accounts."
    login = (form.get("login") or found.user_id).strip()[:64]
    user_key = (found.client_id, found.user_id)
    for other in store.connections.values():
        if (
            other.client_id == found.client_id
            and other.broker == broker.code
            and other.login == login
            and other.user_key != user_key
        ):
            return (
                "account_already_linked",
                f"This {broker.name} login is already linked to another user of the platform.",
            )
    if any(c.broker == broker.code for c in store.connections_of(user_key)):
        return "connection_exists", f"The user already has a {broker.name} connection."
    now = sim.clock.now()
    trade = found.connection_type == "trade"
    connection = Connection(
        connection_id=sim.ids.new("conn"),
        client_id=found.client_id,
        user_id=found.user_id,
        broker=broker.code,
        connection_type=found.connection_type,
        login=login,
        created_at=now,
    )
    store.add(connection)
    account = Account(
        account_id=sim.ids.new("acc"),
        connection_id=connection.connection_id,
        client_id=found.client_id,
        user_id=found.user_id,
        account_number=sim.ids.new("PA" if not live else "LV", 8).replace("_", "-"),
        broker=broker.code,
        account_type="margin" if form.get("account_type", "margin") == "margin" else "cash",
        is_paper=not live,
        can_trade=trade and broker.trading,
        cash=Decimal(0),
    )
    store.add(account)
    sim.sync()
    sim.engine.deposit(
        account,
        LIVE_FUNDING if live else PAPER_FUNDING,
        "Opening balance" if live else "Initial paper funding",
    )
    found.completed = True
    store.touch(found)
    return connection
