"""The routes of ``/connect/{request_id}``: which page each GET and POST answers with.

GET shows the broker list (``?q=`` filters it) or, with ``?broker=CODE``, that broker's
login. POST carries one step: ``step=login`` checks the username and password and answers
with the login's accounts; ``decision=approve`` links the chosen account and answers 303
to ``redirect_url?connection_id=...``; any other decision denies (``error=access_denied``).
What the user can fix (a wrong password, a broker that cannot be linked, an account that is
not offered) is shown on the page; a used or expired link redirects with its error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from connecttrade_mock.broker.brokers import BROKERS, Broker, lookup
from connecttrade_mock.broker.state import ConnectionRequest
from connecttrade_mock.http.connect_page import _views as views
from connecttrade_mock.http.connect_page._linking import (
    broker_refusal,
    link,
    login_refusal,
)
from connecttrade_mock.http.connect_page._logins import (
    MAX_LOGIN,
    LoginAccount,
    Tickets,
    accounts_of,
    password_matches,
)

if TYPE_CHECKING:
    from connecttrade_mock.http.mock_broker import MockBroker

__all__ = ["connect_routes"]

_USED = ("request_already_used", "This connection link was already used.")
_EXPIRED = ("expired_request", "The connection link expired before it was completed.")
_DENIED = ("access_denied", "The user declined to connect the account.")
_BAD_LOGIN = "The username or password is incorrect. Check them and try again."


def _no_such_broker(code: str) -> str:
    return f"There is no broker {code[:40]!r}. Choose one listed."


def _back_to_app(request: ConnectionRequest, **params: str) -> str:
    parts = urlsplit(request.redirect_url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))


def _redirect(request: ConnectionRequest, **params: str) -> RedirectResponse:
    return RedirectResponse(_back_to_app(request, **params), status_code=303)


def _referring_app(request: Request) -> str | None:
    """The page that linked here, when it is another http(s) site: the way back from a
    link the mock does not know."""
    referer = request.headers.get("referer", "")
    parts = urlsplit(referer)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    if parts.netloc == request.headers.get("host"):
        return None
    return referer[:2048]


def _choose(
    accounts: tuple[LoginAccount, ...], broker: Broker, value: str, account_type: str
) -> LoginAccount | str:
    """The account a form value picks (``live-cash``, or ``live`` with ``account_type``);
    no value picks the first listed (of ``account_type``, if given). A string answer says
    why nothing is picked."""
    if not value:
        of_type = [a for a in accounts if a.account_type == (account_type or a.account_type)]
        return of_type[0] if of_type else "Choose one of the accounts listed."
    kind, _, kind_type = value.partition("-")
    key = f"{kind}-{kind_type or account_type or 'margin'}"
    for account in accounts:
        if account.key == key:
            return account
    if kind == "paper" and not broker.paper:
        return f"{broker.name} offers no paper accounts. Choose a live account."
    return "Choose one of the accounts listed."


class _ConnectPages:
    """The handlers of one mock broker's connect pages."""

    def __init__(self, mock: MockBroker) -> None:
        self.mock = mock
        self.tickets = Tickets()

    # -- lookups -------------------------------------------------------------------
    def pending(self, request_id: str) -> ConnectionRequest | None:
        self.mock.sim.sync()
        return self.mock.sim.store.connection_requests.get(request_id)

    def dead(self, found: ConnectionRequest) -> Response | None:
        """The page of a used or expired link, with the way back to the app; else None."""
        if found.completed:
            return views.dead_link_page(
                "Link already used",
                "This connection link was already used. Each link connects one account once.",
                409,
                _back_to_app(found, error=_USED[0], error_details=_USED[1]),
                found.client_id,
            )
        if self.mock.sim.clock.now() >= found.expires_at:
            return views.dead_link_page(
                "Link expired",
                "This connection link has expired: a link works for 15 minutes.",
                410,
                _back_to_app(found, error=_EXPIRED[0], error_details=_EXPIRED[1]),
                found.client_id,
            )
        return None

    # -- pages ---------------------------------------------------------------------
    @staticmethod
    def unknown(request: Request) -> Response:
        return views.dead_link_page(
            "Link not found",
            "This connection link does not exist. It may have been mistyped, or the app "
            "removed it.",
            404,
            _referring_app(request),
        )

    def brokers(
        self, found: ConnectionRequest, query: str = "", error: str | None = None
    ) -> Response:
        made = []
        for broker in BROKERS.values():
            refusal = broker_refusal(self.mock.sim, found, broker)
            note = None
            if refusal is not None:
                note = (
                    "Read-only: no trading access"
                    if refusal.code == "broker_read_only"
                    else "Already connected"
                )
            made.append(views.BrokerChoice(broker, note))
        return views.brokers_page(found, made, query[:100], error)

    def accounts(
        self, found: ConnectionRequest, broker: Broker, login: str, error: str | None = None
    ) -> Response:
        offered = accounts_of(broker, login)
        return views.accounts_page(
            found,
            broker,
            login,
            ticket=self.tickets.issue(found.request_id, broker.code, login),
            accounts=offered,
            chosen=offered[0].key,
            error=error,
        )

    # -- routes --------------------------------------------------------------------
    async def show(self, request: Request) -> Response:
        found = self.pending(request.path_params["request_id"])
        if found is None:
            return self.unknown(request)
        if (page := self.dead(found)) is not None:
            return page
        code = request.query_params.get("broker")
        if code is None:
            return self.brokers(found, request.query_params.get("q", ""))
        broker = lookup(code)
        if broker is None:
            return self.brokers(found, error=_no_such_broker(code))
        if (refusal := broker_refusal(self.mock.sim, found, broker)) is not None:
            return self.brokers(found, error=refusal.message)
        return views.login_page(found, broker)

    async def submit(self, request: Request) -> Response:
        found = self.pending(request.path_params["request_id"])
        if found is None:
            return self.unknown(request)
        body = (await request.body()).decode("utf-8", "replace")
        form = {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}
        if found.completed:
            return _redirect(found, error=_USED[0], error_details=_USED[1])
        if self.mock.sim.clock.now() >= found.expires_at:
            return _redirect(found, error=_EXPIRED[0], error_details=_EXPIRED[1])
        if form.get("step") != "login" and form.get("decision") != "approve":
            found.completed = True
            self.mock.sim.store.touch(found)
            self.mock.sim.flush()
            return _redirect(found, error=_DENIED[0], error_details=_DENIED[1])
        return self.log_in_or_link(found, form)

    def log_in_or_link(self, found: ConnectionRequest, form: dict[str, str]) -> Response:
        """The login step (``step=login``) or the approval: each check in the flow's order,
        the first that fails answered on its page."""
        sim = self.mock.sim
        step = form.get("step")
        code = form.get("broker", found.broker)
        broker = lookup(code)
        if broker is None:
            return self.brokers(found, error=_no_such_broker(code))
        if (refusal := broker_refusal(sim, found, broker)) is not None:
            return self.brokers(found, error=refusal.message)

        # A scripted approval may leave the username out: it is then the app's user id.
        login = form.get("login", "" if step == "login" else found.user_id).strip()
        if not login:
            return views.login_page(found, broker, error="Enter your username.", field="login")
        if len(login) > MAX_LOGIN:
            return views.login_page(
                found,
                broker,
                login[:MAX_LOGIN],
                f"A username has at most {MAX_LOGIN} characters.",
                field="login",
            )
        ticket = form.get("ticket")
        if ticket is not None and step != "login":
            if not self.tickets.valid(ticket, found.request_id, broker.code, login):
                return views.login_page(
                    found, broker, login, f"Your {broker.name} login has ended. Log in again."
                )
        elif (step == "login" or "password" in form) and not password_matches(
            form.get("password", "")
        ):
            return views.login_page(found, broker, login, _BAD_LOGIN)
        # A scripted approval with neither ticket nor password stands for a user who
        # logged in: the one-POST shortcut test code uses.
        if (refusal := login_refusal(sim, found, broker, login)) is not None:
            return views.login_page(found, broker, login, refusal.message, field="login")

        if step == "login":
            return self.accounts(found, broker, login)
        offered = accounts_of(broker, login)
        chosen = _choose(offered, broker, form.get("account", ""), form.get("account_type", ""))
        if isinstance(chosen, str):
            return self.accounts(found, broker, login, chosen)
        connection = link(sim, found, broker, login, chosen)
        sim.flush()
        return _redirect(found, connection_id=connection.connection_id)


def connect_routes(mock: MockBroker) -> list[Route]:
    """The GET and POST routes of the connect pages, bound to one mock broker."""
    pages = _ConnectPages(mock)
    return [
        Route("/connect/{request_id}", pages.show, methods=["GET"]),
        Route("/connect/{request_id}", pages.submit, methods=["POST"]),
    ]
