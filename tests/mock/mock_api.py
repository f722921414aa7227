"""Helpers for the mock broker's behavioural tests: settings for a mock on a manual clock
that starts at a known moment, and a small driver for its REST and control APIs."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
from starlette.applications import Starlette
from starlette.testclient import TestClient

from connecttrade_mock.app import MockBroker
from connecttrade_mock.clock import ClockMode
from connecttrade_mock.simulator import DEMO, Settings

START = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
"""Wednesday 18 November 2026, 10:00 in New York (EST): the regular session is running."""

MARGIN = DEMO.margin_account_id
CASH = DEMO.cash_account_id
DEMO_HEADERS = {
    "client-id": DEMO.client_id,
    "client-secret": DEMO.client_secret,
    "user-id": DEMO.user_id,
    "user-secret": DEMO.user_secret,
}
CLIENT_HEADERS = {"client-id": DEMO.client_id, "client-secret": DEMO.client_secret}
BROKER_OF = {MARGIN: "ALPACA", CASH: "TRADIER"}

CALL_100 = "AAPL261218C00100000"
CALL_110 = "AAPL261218C00110000"
PUT_90 = "AAPL261218P00090000"


def settings(**overrides: Any) -> Settings:
    """Settings for a deterministic test mock: manual clock at ``START``, no rate limit."""
    values: dict[str, Any] = {
        "clock_mode": ClockMode.MANUAL,
        "clock_start": START,
        "order_rate_per_second": 1e9,
    }
    values.update(overrides)
    return Settings(**values)


class Api:
    """Drives one mock through HTTP: the REST API as one user, and the control API."""

    _numbers = itertools.count(1)

    def __init__(self, client: TestClient, headers: dict[str, str] | None = None) -> None:
        self.client = client
        self.headers = dict(DEMO_HEADERS if headers is None else headers)

    @property
    def broker(self) -> MockBroker:
        app: Starlette = self.client.app  # type: ignore[assignment]
        broker: MockBroker = app.state.broker
        return broker

    def as_user(self, user_id: str, user_secret: str) -> Api:
        """The same mock, seen by another user of the demo platform."""
        return Api(self.client, {**CLIENT_HEADERS, "user-id": user_id, "user-secret": user_secret})

    # -- REST ---------------------------------------------------------------------------
    def request(self, method: str, path: str, **kwargs: Any) -> httpx2.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        response: httpx2.Response = self.client.request(method, path, headers=headers, **kwargs)
        return response

    def get(self, path: str, **params: Any) -> httpx2.Response:
        return self.request("GET", path, params=params)

    def ok(self, path: str, **params: Any) -> Any:
        response = self.get(path, **params)
        assert response.status_code == 200, response.text
        return response.json()

    def order_body(self, **fields: Any) -> dict[str, Any]:
        """A one-share market buy of AAPL on the margin account, with ``fields`` changed;
        a field given as ``None`` is left out."""
        account = fields.get("account_id", MARGIN)
        body: dict[str, Any] = {
            "account_id": account,
            "broker": BROKER_OF.get(account, "ALPACA"),
            "cl_order_id": f"t-{next(self._numbers)}",
            "symbol": "AAPL",
            "side": "BUY",
            "order_type": "MKT",
            "order_tif": "DAY",
            "order_qty": "1",
        }
        body.update(fields)
        return {k: v for k, v in body.items() if v is not None}

    def place(self, **fields: Any) -> httpx2.Response:
        return self.request("POST", "/orders", json=self.order_body(**fields))

    def placed(self, **fields: Any) -> dict[str, Any]:
        """Place an order that the API accepts (201) and return it."""
        response = self.place(**fields)
        assert response.status_code == 201, response.text
        order: dict[str, Any] = response.json()
        return order

    def order(self, order: dict[str, Any]) -> dict[str, Any]:
        """The order as the API shows it now."""
        result: dict[str, Any] = self.ok(
            f"/orders/{order['order_id']}", account_id=order["account_id"]
        )
        return result

    def cancel(self, order: dict[str, Any]) -> httpx2.Response:
        return self.request("DELETE", f"/accounts/{order['account_id']}/orders/{order['order_id']}")

    def modify(self, order: dict[str, Any], **changes: Any) -> httpx2.Response:
        body = {
            "new_cl_order_id": f"t-{next(self._numbers)}",
            "broker": order["broker"],
            **changes,
        }
        return self.request(
            "PATCH", f"/accounts/{order['account_id']}/orders/{order['order_id']}", json=body
        )

    def balance(self, account_id: str = MARGIN) -> dict[str, Any]:
        (found,) = self.ok("/balances", account_id=account_id)
        result: dict[str, Any] = found
        return result

    def cash(self, account_id: str = MARGIN) -> Decimal:
        return Decimal(self.balance(account_id)["cash"])

    def positions(self, account_id: str = MARGIN) -> dict[str, dict[str, Any]]:
        return {p["symbol"]: p for p in self.ok("/positions", account_id=account_id)}

    def transactions(self, account_id: str = MARGIN) -> list[dict[str, Any]]:
        """Every transaction of the account, oldest first (walks all pages)."""
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"account_id": account_id, "sort": "asc", "limit": 500}
        while True:
            page = self.ok("/transactions", **params)
            found.extend(page["transactions"])
            if page["next_cursor"] is None:
                return found
            params["cursor"] = page["next_cursor"]

    # -- control API --------------------------------------------------------------------
    def control(self, method: str, path: str, body: Any = None) -> Any:
        response = self.client.request(method, f"/_mock{path}", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def pin(self, symbol: str, bid: str, ask: str, last: str | None = None) -> dict[str, Any]:
        """Pin a quote; return it as the control API shows it (with the book sizes)."""
        body = {"symbol": symbol, "bid": bid, "ask": ask}
        if last is not None:
            body["last"] = last
        quote: dict[str, Any] = self.control("POST", "/quotes", body)
        return quote

    def advance(self, seconds: float) -> None:
        self.control("POST", "/clock/advance", {"seconds": seconds})

    def session(self, name: str) -> None:
        self.control("POST", "/session", {"session": name})

    def now(self) -> datetime:
        return datetime.fromisoformat(self.control("GET", "/state")["now"])

    # -- the connect flow ---------------------------------------------------------------
    def connect(
        self,
        broker: str,
        connection_type: str = "trade",
        **form: str,
    ) -> str:
        """Link a new connection through the connect page; return its connection id."""
        location = self.connect_redirect(broker, connection_type, **form)
        query = parse_qs(urlsplit(location).query)
        assert "connection_id" in query, location
        return query["connection_id"][0]

    def connect_request(self, broker: str, connection_type: str = "trade") -> str:
        """Ask for a connection request; return the path of its page."""
        response = self.request(
            "POST",
            "/connections",
            json={
                "connection_type": connection_type,
                "broker": broker,
                "redirect_url": "https://app.example.com/callback",
            },
        )
        assert response.status_code == 200, response.text
        return str(urlsplit(response.json()["connection_request_url"]).path)

    def connect_redirect(self, broker: str, connection_type: str = "trade", **form: str) -> str:
        path = self.connect_request(broker, connection_type)
        page = self.client.get(path)
        assert page.status_code == 200, page.text
        answer = self.client.post(
            path,
            data={"decision": "approve", "broker": broker, **form},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        return str(answer.headers["location"])

    def new_user(self, user_id: str) -> Api:
        """Create a user of the demo platform and return a driver acting as them."""
        response = self.client.post("/users", json={"user_id": user_id}, headers=CLIENT_HEADERS)
        assert response.status_code == 201, response.text
        return self.as_user(user_id, response.json()["user_secret"])

    def account(self, account_id: str) -> dict[str, Any]:
        """The account as GET /accounts shows it."""
        (account,) = [a for a in self.ok("/accounts") if a["account_id"] == account_id]
        result: dict[str, Any] = account
        return result

    def account_of(self, connection_id: str) -> str:
        (account,) = [a for a in self.ok("/accounts") if a["connection_id"] == connection_id]
        account_id: str = account["account_id"]
        return account_id
