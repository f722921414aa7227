"""The mock's broker logins: the demo password, the accounts a login holds, and the ticket
that carries a successful login from the login step to the account step.

Every username works at every broker with the one demo password; any other password is
refused, the way a real broker refuses a wrong one. A login's accounts follow from the
broker and the username alone (same login, same account numbers), so the numbers a user
sees masked on the page are the ones the new account gets.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from connecttrade_mock.broker.brokers import Broker

__all__ = [
    "DEMO_PASSWORD",
    "LIVE_FUNDING",
    "MAX_LOGIN",
    "PAPER_FUNDING",
    "LoginAccount",
    "Tickets",
    "accounts_of",
    "password_matches",
]

DEMO_PASSWORD: Final = "demo"  # noqa: S105 - the documented demo password, public by design
"""The password every demo login takes; any other is a wrong password."""
MAX_LOGIN: Final = 64
PAPER_FUNDING: Final = Decimal("100000.00")
LIVE_FUNDING: Final = Decimal("25000.00")

_DIGITS = "0123456789"
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, not confused


@dataclass(frozen=True, slots=True)
class LoginAccount:
    """One account a broker login holds, as the account step lists it."""

    key: str
    """The form value that picks it: ``paper-margin``, ``live-cash``..."""
    is_paper: bool
    account_type: str  # "margin" | "cash"
    number: str
    cash: Decimal

    @property
    def title(self) -> str:
        kind = "Paper" if self.is_paper else "Individual"
        return f"{kind} {self.account_type}"

    @property
    def last_four(self) -> str:
        return self.number[-4:]


def _number(broker: Broker, login: str, key: str, alphabet: str, length: int) -> str:
    digest = hashlib.sha256(f"{broker.code}\0{login}\0{key}".encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:length])


def accounts_of(broker: Broker, login: str) -> tuple[LoginAccount, ...]:
    """The login's accounts: paper ones first where the broker offers paper, then live."""
    kinds = [("paper", True)] if broker.paper else []
    kinds.append(("live", False))
    found = []
    for kind, paper in kinds:
        for account_type in ("margin", "cash"):
            key = f"{kind}-{account_type}"
            number = (
                "PA" + _number(broker, login, key, _CODE_ALPHABET, 8)
                if paper
                else _number(broker, login, key, _DIGITS, 8)
            )
            found.append(
                LoginAccount(
                    key=key,
                    is_paper=paper,
                    account_type=account_type,
                    number=number,
                    cash=PAPER_FUNDING if paper else LIVE_FUNDING,
                )
            )
    return tuple(found)


def password_matches(password: str) -> bool:
    """Whether a password is the demo one (compared in constant time, as a real login)."""
    return hmac.compare_digest(password.encode(), DEMO_PASSWORD.encode())


class Tickets:
    """Signs and checks the proof that ``login`` logged in to ``broker`` for one request.

    The key lives as long as the server: after a restart a half-finished flow asks the
    user to log in again, never to trust a ticket it did not sign.
    """

    __slots__ = ("_key",)

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def issue(self, request_id: str, broker: str, login: str) -> str:
        message = f"{request_id}\0{broker}\0{login}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]

    def valid(self, ticket: str, request_id: str, broker: str, login: str) -> bool:
        return hmac.compare_digest(ticket.encode(), self.issue(request_id, broker, login).encode())
