"""Bad input never crashes the mock: hostile requests are answered with a 4xx JSON
``{"message": ...}``, never a 500 or a traceback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mock_api import DEMO_HEADERS, MARGIN, Api
from starlette.testclient import TestClient

JSON = {"content-type": "application/json"}


def order(**fields: Any) -> bytes:
    body: dict[str, Any] = {
        "account_id": MARGIN,
        "broker": "ALPACA",
        "cl_order_id": "hostile-1",
        "symbol": "AAPL",
        "side": "BUY",
        "order_type": "MKT",
        "order_tif": "DAY",
        "order_qty": "1",
    }
    body.update(fields)
    return json.dumps(body).encode()


HOSTILE: list[tuple[str, str, str, bytes | None, dict[str, str]]] = [
    # (id, method, path, body, extra headers)
    ("empty-body", "POST", "/orders", b"", JSON),
    ("null-body", "POST", "/orders", b"null", JSON),
    ("array-body", "POST", "/orders", b"[]", JSON),
    ("string-body", "POST", "/orders", b'"order"', JSON),
    ("broken-json", "POST", "/orders", b'{"account_id": ', JSON),
    ("not-utf8", "POST", "/orders", b"\xff\xfe\x00", JSON),
    ("deep-arrays", "POST", "/orders", b"[" * 100_000 + b"]" * 100_000, JSON),
    ("deep-objects", "POST", "/orders", b'{"a":' * 20_000 + b"1" + b"}" * 20_000, JSON),
    ("nan", "POST", "/orders", b'{"order_qty": NaN}', JSON),
    ("infinite", "POST", "/orders", b'{"order_qty": 1e999}', JSON),
    ("long-number", "POST", "/orders", b'{"order_qty": ' + b"9" * 10_000 + b"}", JSON),
    ("qty-50-digits", "POST", "/orders", order(order_qty="9" * 50), JSON),
    ("qty-as-number", "POST", "/orders", order(order_qty=1e308), JSON),
    ("qty-negative", "POST", "/orders", order(order_qty="-1"), JSON),
    ("qty-zero", "POST", "/orders", order(order_qty="0.000"), JSON),
    ("qty-exponent", "POST", "/orders", order(order_qty="1e3"), JSON),
    ("qty-ten-places", "POST", "/orders", order(order_qty="1.0000000001"), JSON),
    ("limit-on-market", "POST", "/orders", order(order_limit_price="1.00"), JSON),
    ("cyrillic-symbol", "POST", "/orders", order(symbol="\u0410APL"), JSON),
    ("emoji-cl-order-id", "POST", "/orders", order(cl_order_id="\U0001f600"), JSON),
    ("rtl-account", "POST", "/orders", order(account_id="\u202eacc"), JSON),
    ("traversal-account", "POST", "/orders", order(account_id="../../etc/passwd"), JSON),
    ("extra-field", "POST", "/orders", order(admin=True), JSON),
    ("duplicate-keys", "POST", "/orders", b'{"order_qty": "1", "order_qty": [1]}', JSON),
    ("unknown-instrument", "POST", "/orders", order(instrument="BOND"), JSON),
    (
        "form-encoded",
        "POST",
        "/orders",
        b"account_id=x",
        {"content-type": "application/x-www-form-urlencoded"},
    ),
    ("text-plain", "POST", "/orders", order(), {"content-type": "text/plain"}),
    ("xml", "POST", "/orders", b"<order/>", {"content-type": "application/xml"}),
    ("traversal-encoded", "GET", "/accounts/%2e%2e/orders/x", None, {}),
    ("traversal-slashes", "GET", f"/accounts/{MARGIN}/orders/..%2f..%2fusers", None, {}),
    ("traversal-backslash", "GET", f"/accounts/{MARGIN}/orders/..%5c..%5cusers", None, {}),
    ("nul-byte", "GET", f"/accounts/{MARGIN}/orders/%00", None, {}),
    ("bad-percent", "GET", f"/accounts/{MARGIN}/orders/%ff%fe", None, {}),
    ("newline", "GET", f"/accounts/{MARGIN}/orders/a%0Ab", None, {}),
    ("long-id", "GET", f"/accounts/{MARGIN}/orders/" + "x" * 10_000, None, {}),
    ("unknown-path", "GET", "/etc/passwd", None, {}),
    ("root", "GET", "/", None, {}),
    ("double-slash", "GET", "//orders", None, {}),
    ("wrong-method", "PUT", "/orders", None, {}),
    ("limit-exponent", "GET", "/orders?limit=1e3", None, {}),
    ("limit-huge", "GET", "/orders?limit=99999999999999999999999", None, {}),
    ("limit-twice", "GET", "/orders?limit=1&limit=2", None, {}),
    ("time-garbage", "GET", "/orders?start_time=garbage", None, {}),
    ("time-no-zone", "GET", "/orders?start_time=2026-11-18T10:00:00", None, {}),
    ("time-impossible", "GET", "/orders?start_time=2026-13-45T00:00:00Z", None, {}),
    ("status-emoji", "GET", "/orders?status=%F0%9F%98%80", None, {}),
    ("symbols-commas", "GET", "/orders?symbols=" + "," * 1000, None, {}),
    ("cursor-garbage", "GET", "/orders?cursor=%00%01", None, {}),
    ("cursor-long", "GET", "/orders?cursor=" + "A" * 6000, None, {}),
    ("date-impossible", "GET", "/transactions?start_date=2026-02-30", None, {}),
    ("patch-empty", "PATCH", f"/accounts/{MARGIN}/orders/nope", b"{}", JSON),
    ("patch-array", "PATCH", f"/accounts/{MARGIN}/orders/nope", b"[]", JSON),
    ("user-emoji", "POST", "/users", b'{"user_id": "\\ud83d\\ude00"}', JSON),
    ("user-lone-surrogate", "POST", "/users", b'{"user_id": "\\ud800"}', JSON),
    ("user-traversal", "DELETE", "/users/%2e%2e", None, {}),
    (
        "redirect-javascript",
        "POST",
        "/connections",
        b'{"connection_type": "trade", "broker": "ALPACA", "redirect_url": "javascript:alert(1)"}',
        JSON,
    ),
    (
        "broker-unknown",
        "POST",
        "/connections",
        b'{"connection_type": "trade", "broker": "NOPE", "redirect_url": "https://x.example"}',
        JSON,
    ),
    ("control-deep", "POST", "/_mock/reset", b"[" * 100_000, JSON),
    ("control-nan", "POST", "/_mock/clock/advance", b'{"seconds": NaN}', JSON),
    ("control-unknown", "GET", "/_mock/../_mock/nope", None, {}),
    ("connect-unknown", "POST", "/connect/%2e%2e", b"decision=approve", {}),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "headers"),
    [case[1:] for case in HOSTILE],
    ids=[case[0] for case in HOSTILE],
)
def test_hostile_request_is_a_4xx_with_a_message(
    api: Api, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> None:
    """A hostile request is answered 4xx; API and control answers are JSON with a message;
    nothing is placed."""
    response = api.client.request(method, path, content=body, headers={**DEMO_HEADERS, **headers})
    assert 400 <= response.status_code < 500, response.text[:300]
    if not path.startswith("/connect/"):
        assert response.headers["content-type"] == "application/json"
        assert isinstance(response.json()["message"], str)
        assert response.json()["message"]
    assert api.ok("/orders", status="all")["orders"] == []


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("end_date=9999-12-31", id="last-date"),
        pytest.param(
            "start_date=0001-01-01&end_date=9999-12-31",
            id="whole-calendar",
        ),
        pytest.param("start_date=9999-12-31", id="first-after-everything"),
    ],
)
def test_extreme_dates_never_crash(api: Api, query: str) -> None:
    """Dates at the ends of the calendar answer normally (or 400), never 500."""
    response = api.client.get(f"/transactions?{query}", headers=DEMO_HEADERS)
    assert response.status_code in (200, 400), response.text


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("start_time=0001-01-01T00:00:00Z", id="first"),
        pytest.param("start_time=9999-12-31T23:59:59Z", id="last"),
        pytest.param("end_time=0001-01-01T00:00:01Z", id="end-first"),
        pytest.param(
            "start_time=0001-01-01T00:00:00%2B14:00",
            id="before-year-one",
        ),
        pytest.param("end_time=9999-12-31T23:59:59-12:00", id="after-year-9999"),
    ],
)
def test_extreme_times_never_crash(api: Api, query: str) -> None:
    """Times at the ends of the calendar (offsets included) answer 200 or 400, never 500."""
    response = api.client.get(f"/orders?{query}", headers=DEMO_HEADERS)
    assert response.status_code in (200, 400), response.text


@pytest.mark.parametrize(
    "fields",
    [
        {"order_qty": "999999999999.999999999"},
        {"order_type": "LMT", "order_limit_price": "999999999999.999999999"},
        {"order_qty": None, "order_notional": "999999999999.99"},
        {"symbol": "ZVZZT", "order_qty": "999999999999"},
    ],
    ids=["qty", "limit", "notional", "scenario-fill"],
)
def test_huge_valid_numbers_are_rejected_orders(api: Api, fields: dict[str, Any]) -> None:
    """The largest numbers the contract allows are accepted as input and rejected by the
    broker for buying power or the price band, not crashed on."""
    order = api.placed(**fields)
    assert order["status"] == "rejected"
    assert order["reject_reason"]


def test_a_raising_operation_is_a_500_with_a_request_id(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a bug inside an operation is answered as JSON (500 with the request id)."""

    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(api.broker.sim.engine, "place", explode)
    client = TestClient(api.client.app, raise_server_exceptions=False)
    response = client.post("/orders", content=order(), headers={**DEMO_HEADERS, **JSON})
    assert response.status_code == 500
    assert response.json()["message"].startswith("internal error; quote request id req_")
    assert "boom" not in response.text
