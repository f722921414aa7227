"""What a connect flow may link, and the linking itself: the connection, its account and
the account's opening deposit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from connecttrade_mock.broker.brokers import Broker
from connecttrade_mock.broker.state import Account, Connection, ConnectionRequest
from connecttrade_mock.http.connect_page._logins import LoginAccount
from connecttrade_mock.simulator import Simulator

__all__ = ["Refusal", "broker_refusal", "link", "login_refusal"]


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why this broker or login cannot be linked: a user can fix it on the page."""

    code: str
    """The OAuth-style error name, as the redirect would carry it."""
    message: str


def broker_refusal(sim: Simulator, request: ConnectionRequest, broker: Broker) -> Refusal | None:
    """A broker the flow cannot link: read-only on a trade link, or already linked."""
    if request.connection_type == "trade" and broker.read_only:
        return Refusal(
            "broker_read_only",
            f"{broker.name} offers read-only access, and this app asked to trade. "
            "Choose a broker with order entry.",
        )
    user_key = (request.client_id, request.user_id)
    if any(c.broker == broker.code for c in sim.store.connections_of(user_key)):
        return Refusal(
            "connection_exists",
            f"Your {broker.name} account is already connected to this app. Choose another broker.",
        )
    return None


def login_refusal(
    sim: Simulator, request: ConnectionRequest, broker: Broker, login: str
) -> Refusal | None:
    """A login already linked to another user of the same platform (the vendor's 409)."""
    user_key = (request.client_id, request.user_id)
    for other in sim.store.connections.values():
        if (
            other.client_id == request.client_id
            and other.broker == broker.code
            and other.login == login
            and other.user_key != user_key
        ):
            return Refusal(
                "account_already_linked",
                f"This {broker.name} login is already linked to another user of this app. "
                "Log in with another login.",
            )
    return None


def link(
    sim: Simulator,
    request: ConnectionRequest,
    broker: Broker,
    login: str,
    chosen: LoginAccount,
) -> Connection:
    """Create the connection and its funded account, and use up the request."""
    store = sim.store
    connection = Connection(
        connection_id=sim.ids.new("conn"),
        client_id=request.client_id,
        user_id=request.user_id,
        broker=broker.code,
        connection_type=request.connection_type,
        login=login,
        created_at=sim.clock.now(),
    )
    store.add(connection)
    account = Account(
        account_id=sim.ids.new("acc"),
        connection_id=connection.connection_id,
        client_id=request.client_id,
        user_id=request.user_id,
        account_number=chosen.number,
        broker=broker.code,
        account_type=chosen.account_type,
        is_paper=chosen.is_paper,
        can_trade=request.connection_type == "trade" and broker.trading,
        cash=Decimal(0),  # the deposit below books the opening balance
    )
    store.add(account)
    sim.sync()
    sim.engine.deposit(
        account,
        chosen.cash,
        "Initial paper funding" if chosen.is_paper else "Opening balance",
    )
    request.completed = True
    store.touch(request)
    return connection
