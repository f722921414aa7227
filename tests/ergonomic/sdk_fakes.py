"""An in-memory Connect Trade API behind ``httpx.MockTransport``, for the SDK's unit tests.

It keeps just enough state (accounts, positions, balances, orders with client order ids,
transactions) to answer the SDK's calls in the contract's shapes, records every request,
and takes scripted faults: an answer to give instead, or a transport error to raise
before or *after* the request took effect (the answer lost on the way back).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

import connecttrade

CLIENT_ID = "demo-client"
CLIENT_SECRET = "cs_live_5up3r-s3cr3t"
USER_ID = "demo-user"
USER_SECRET = "us_t0p-s3cr3t-value"
BASE_URL = "https://api.test"
NOW = "2026-11-20T15:04:05+00:00"

Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class Fault:
    """One scripted deviation for the next request matching ``method`` and ``path``."""

    method: str
    path: str
    status: int | None = None
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)
    error: Exception | None = None
    #: Raise ``error`` only after the request took effect on the server.
    after: bool = False


def _settings(**kwargs: Any) -> dict[str, Any]:
    """A client's keyword arguments: this fake's URL and credentials, then ``kwargs``."""
    settings: dict[str, Any] = {
        "base_url": BASE_URL,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "user_id": USER_ID,
        "user_secret": USER_SECRET,
    }
    settings.update(kwargs)
    return settings


def order_json(**overrides: Any) -> dict[str, Any]:
    """A complete Order body in the contract's shape, with ``overrides`` applied."""
    order: dict[str, Any] = {
        "order_id": "ord_1",
        "account_id": "acc_demo_margin",
        "cl_order_id": "ct-1",
        "broker": "ALPACA",
        "instrument": "STK",
        "symbol": "AAPL",
        "side": "BUY",
        "order_type": "LMT",
        "order_tif": "DAY",
        "order_qty": "10",
        "order_notional": None,
        "order_limit_price": "171.25",
        "stop_price": None,
        "legs": [],
        "status": "working",
        "broker_status": "new",
        "reject_reason": None,
        "filled_qty": "0",
        "remaining_qty": "10",
        "avg_fill_price": None,
        "fills": [],
        "created_at": NOW,
        "updated_at": NOW,
        "replaces_order_id": None,
        "replaced_by_order_id": None,
        "version": "1",
    }
    order.update(overrides)
    return order


def position_json(**overrides: Any) -> dict[str, Any]:
    """A complete Position body with ``overrides`` applied."""
    position: dict[str, Any] = {
        "account_id": "acc_demo_margin",
        "symbol": "AAPL",
        "instrument": "STK",
        "quantity": "25",
        "avg_price": "166.78",
        "cost_basis": "4169.50",
        "multiplier": "1",
        "last_price": "171.20",
        "market_value": "4280.00",
        "unrealized_pl": "110.50",
        "realized_pl": "0",
        "daily_pl": "32.75",
        "total_pl": "110.50",
        "version": "3",
    }
    position.update(overrides)
    return position


def balance_json(**overrides: Any) -> dict[str, Any]:
    """A complete Balance body with ``overrides`` applied."""
    balance: dict[str, Any] = {
        "account_id": "acc_demo_margin",
        "account_number": "PA3X8K2M1Q",
        "broker": "ALPACA",
        "account_type": "margin",
        "currency": "USD",
        "cash": "98250.75",
        "buying_power": "192311.50",
        "equity": "101420.25",
        "long_market_value": "4169.50",
        "short_market_value": "0",
        "margin_used": None,
        "open_orders_reserved": None,
        "maintenance_margin": None,
        "collateral": None,
        "realized_pl": None,
        "daily_pl": "120.40",
        "version": "5",
    }
    balance.update(overrides)
    return balance


def account_json(account_id: str, broker: str, account_type: str) -> dict[str, Any]:
    """A complete Account body."""
    return {
        "account_id": account_id,
        "account_number": f"N-{account_id}",
        "institution_name": broker.title(),
        "connection_id": f"conn_{broker.lower()}",
        "broker": broker,
        "account_type": account_type,
        "is_paper": True,
        "can_trade": True,
        "currency": "USD",
    }


def transaction_json(n: int) -> dict[str, Any]:
    """The ``n``-th deposit transaction."""
    return {
        "transaction_id": f"txn_{n}",
        "account_id": "acc_demo_margin",
        "type": "deposit",
        "time": NOW,
        "trade_date": "2026-11-20",
        "symbol": None,
        "side": None,
        "quantity": None,
        "price": None,
        "amount": f"{n}.10",
        "order_id": None,
        "fill_id": None,
        "description": f"Deposit {n}",
    }


class FakeApi:
    """The fake service; ``handler`` is what ``httpx.MockTransport`` calls."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.faults: list[Fault] = []
        self.accounts = [
            account_json("acc_demo_margin", "ALPACA", "margin"),
            account_json("acc_demo_cash", "TRADIER", "cash"),
        ]
        self.positions: list[dict[str, Any]] = [position_json()]
        self.balances: list[dict[str, Any]] = [balance_json()]
        self.orders: dict[str, dict[str, Any]] = {}
        self.transactions = [transaction_json(n) for n in range(1, 6)]
        self.page_size_cap = 2
        self._ids = itertools.count(1)
        #: Overrides merged into every order the fake creates (status, fills, ...).
        self.order_overrides: dict[str, Any] = {}

    # --- scripting -------------------------------------------------------------------------

    def fail(self, method: str, path: str, **kwargs: Any) -> None:
        """Script a fault for the next matching request (faults are used in order)."""
        self.faults.append(Fault(method, path, **kwargs))

    def calls(self, method: str, path: str) -> list[httpx.Request]:
        """The recorded requests for one method and path."""
        return [r for r in self.requests if r.method == method and r.url.path == path]

    # --- clients -----------------------------------------------------------------------------

    def client(self, **kwargs: Any) -> connecttrade.Client:
        """A sync client wired to this fake."""
        pool = httpx.Client(transport=httpx.MockTransport(self.handler))
        return connecttrade.Client(**_settings(**{"http_client": pool, **kwargs}))

    def own_pool_client(self, **kwargs: Any) -> connecttrade.Client:
        """A sync client that made its own pool (credentials on it), its transport this fake.

        Swapping the pool's transport is the one way to reach a pool the client creates.
        """
        client = connecttrade.Client(**_settings(**kwargs))
        client._driver.http._transport = httpx.MockTransport(self.handler)
        return client

    def own_pool_async_client(self, **kwargs: Any) -> connecttrade.AsyncClient:
        """The async twin of :meth:`own_pool_client`."""
        client = connecttrade.AsyncClient(**_settings(**kwargs))
        client._driver.http._transport = httpx.MockTransport(self.handler)
        return client

    def async_client(self, **kwargs: Any) -> connecttrade.AsyncClient:
        """An async client wired to this fake."""
        pool = httpx.AsyncClient(transport=httpx.MockTransport(self.handler))
        return connecttrade.AsyncClient(**_settings(**{"http_client": pool, **kwargs}))

    # --- the service -------------------------------------------------------------------------

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        fault = next(
            (f for f in self.faults if f.method == request.method and f.path == request.url.path),
            None,
        )
        if fault is not None:
            self.faults.remove(fault)
            if fault.error is not None and not fault.after:
                raise fault.error
            if fault.status is not None:
                return _json(fault.status, fault.body, fault.headers)
        response = self._route(request)
        if fault is not None and fault.error is not None:
            raise fault.error
        return response

    def _route(self, request: httpx.Request) -> httpx.Response:
        headers = request.headers
        if headers.get("client-id") != CLIENT_ID or headers.get("client-secret") != CLIENT_SECRET:
            return _json(401, {"message": "bad client credentials"})
        path, method = request.url.path, request.method
        if path == "/users":
            if method == "POST":
                user_id = json.loads(request.content)["user_id"]
                return _json(
                    201, {"user_id": user_id, "user_secret": "us_new-secret", "created_at": NOW}
                )
            return _json(200, [{"user_id": USER_ID, "created_at": NOW, "connection_count": "2"}])
        if headers.get("user-id") != USER_ID or headers.get("user-secret") != USER_SECRET:
            return _json(401, {"message": "bad user credentials"})
        if path == "/accounts":
            return _json(200, self.accounts)
        if path == "/positions":
            return _json(200, self.positions)
        if path == "/balances":
            account_id = request.url.params.get("account_id")
            return _json(200, [b for b in self.balances if account_id in (None, b["account_id"])])
        if path == "/transactions":
            return self._page(request, self.transactions, "transactions")
        if path == "/orders" and method == "POST":
            return self._place(json.loads(request.content))
        if path == "/orders":
            return self._list_orders(request)
        if path.startswith("/orders/") and method == "GET":  # GET /orders/{id}?account_id=
            order = self.orders.get(path.rsplit("/", 1)[1])
            if order is None or order["account_id"] != request.url.params.get("account_id"):
                return _json(404, {"message": f"order {path.rsplit('/', 1)[1]} not found"})
            return _json(200, order)
        if path.startswith("/accounts/") and "/orders/" in path:
            order_id = path.rsplit("/", 1)[1]
            order = self.orders.get(order_id)
            if order is None:
                return _json(404, {"message": f"order {order_id} not found"})
            if method == "DELETE":
                return self._cancel(order)
            if method == "PATCH":
                return self._modify(order, json.loads(request.content))
            return _json(200, order)
        return _json(404, {"message": f"no route {method} {path}"})

    def _page(self, request: httpx.Request, items: list[Any], key: str) -> httpx.Response:
        start = int(request.url.params.get("cursor", "0"))
        size = min(int(request.url.params.get("limit", "50")), self.page_size_cap)
        chunk = items[start : start + size]
        more = start + size < len(items)
        body = {key: chunk, "next_cursor": str(start + size) if more else None, "prev_cursor": None}
        return _json(200, body)

    def _used(self, account_id: str, cl_order_id: str) -> bool:
        return any(
            o["account_id"] == account_id and o["cl_order_id"] == cl_order_id
            for o in self.orders.values()
        )

    def _place(self, body: dict[str, Any]) -> httpx.Response:
        if self._used(body["account_id"], body["cl_order_id"]):
            return _json(409, {"message": f"cl_order_id {body['cl_order_id']} already used today"})
        order_id = f"ord_{next(self._ids)}"
        order = order_json(
            order_id=order_id,
            account_id=body["account_id"],
            cl_order_id=body["cl_order_id"],
            broker=body["broker"].upper(),
            instrument=body.get("instrument", "STK"),
            symbol=body.get("symbol"),
            side=body.get("side"),
            order_type=body["order_type"],
            order_tif=body["order_tif"],
            order_qty=body.get("order_qty"),
            order_notional=body.get("order_notional"),
            order_limit_price=body.get("order_limit_price"),
            stop_price=body.get("stop_price"),
            legs=body.get("legs", []),
            remaining_qty=body.get("order_qty"),
        )
        order.update(self.order_overrides)
        self.orders[order_id] = order
        return _json(201, order)

    def _list_orders(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        account_id = params.get("account_id")
        if account_id is not None and account_id not in {a["account_id"] for a in self.accounts}:
            return _json(404, {"message": f"account {account_id} not found"})
        status = params.get("status", "open")
        symbols = params.get("symbols")
        wanted = [
            o
            for o in self.orders.values()
            if params.get("account_id") in (None, o["account_id"])
            and (symbols is None or o["symbol"] in symbols.split(","))
            and status in ("all", o["status"])
        ]
        return self._page(request, wanted, "orders")

    def _bump(self, order: dict[str, Any], **changes: Any) -> dict[str, Any]:
        order.update(changes, version=str(int(order["version"]) + 1))
        return order

    def _cancel(self, order: dict[str, Any]) -> httpx.Response:
        if order["status"] not in ("working", "pending", "partially_filled"):
            return _json(409, {"message": f"order {order['order_id']} is not open"})
        return _json(200, self._bump(order, status="pending_cancel"))

    def _modify(self, order: dict[str, Any], body: dict[str, Any]) -> httpx.Response:
        if self._used(order["account_id"], body["new_cl_order_id"]):
            return _json(409, {"message": "new_cl_order_id already used today"})
        if order["status"] not in ("working", "pending", "partially_filled"):
            return _json(409, {"message": f"order {order['order_id']} is not open"})
        new_id = f"ord_{next(self._ids)}"
        replacement = dict(order)
        replacement.update(
            order_id=new_id,
            cl_order_id=body["new_cl_order_id"],
            replaces_order_id=order["order_id"],
            version="1",
            order_qty=body.get("order_qty", order["order_qty"]),
            order_limit_price=body.get("order_limit_price", order["order_limit_price"]),
        )
        self._bump(order, status="replaced", replaced_by_order_id=new_id)
        self.orders[new_id] = replacement
        return _json(200, replacement)


def _json(status: int, body: object, headers: dict[str, str] | None = None) -> httpx.Response:
    headers = {"x-request-id": f"req_{status}", **(headers or {})}
    if body is None:
        return httpx.Response(status, headers=headers)
    return httpx.Response(status, json=body, headers=headers)
