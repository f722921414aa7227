"""API requests go straight to the pipeline, the rest to Starlette's routes, and answers
carry the same status, headers and JSON as before; pages built from cached orders show
every change at once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import MutableMapping
from typing import Any

import pytest
from mock_api import CASH, DEMO_HEADERS, MARGIN, Api, settings
from starlette.applications import Starlette
from starlette.testclient import TestClient

from connecttrade_mock.app import create_app
from connecttrade_mock.wire.records import order_json


@pytest.fixture
def no_redirects(app: Starlette) -> Any:
    """A client that shows redirects instead of following them."""
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "status", "content_type", "says"),
    [
        pytest.param("/_mock/state", 200, "application/json", '"clock_mode"', id="control"),
        pytest.param("/_mock/state/", 307, None, "", id="control-slash-redirect"),
        pytest.param("/connect/cr_unknown", 404, "text/html", "<!doctype html>", id="connect"),
        pytest.param("/connect/cr_unknown/", 307, None, "", id="connect-slash-redirect"),
        pytest.param("/connections", 200, "application/json", "[", id="api-connections"),
        pytest.param("/connect", 404, "application/json", "no operation at path", id="bare"),
        pytest.param("/_mockery", 404, "application/json", "no operation at path", id="lookalike"),
        pytest.param("/orders/", 404, "application/json", "no operation at path", id="api-slash"),
    ],
)
def test_each_path_reaches_the_part_of_the_mock_that_answers_it(
    no_redirects: TestClient, path: str, status: int, content_type: str | None, says: str
) -> None:
    """Control and connect paths keep Starlette's routing (slash redirects included); every
    other path, lookalikes too, is the API's."""
    response = no_redirects.get(path, headers=DEMO_HEADERS)
    assert response.status_code == status, response.text
    if content_type is not None:
        assert response.headers["content-type"].startswith(content_type)
    assert says in response.text


def test_an_api_answer_carries_the_mock_headers_and_its_exact_length(api: Api) -> None:
    """An API answer has JSON content type, its body's length, the mock version, the
    contract's sha256, the clock's mode and a request id that counts up."""
    first, second = api.get("/accounts"), api.get("/accounts")
    broker = api.broker
    for response in (first, second):
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert int(response.headers["content-length"]) == len(response.content)
        assert response.headers["x-contract-sha256"] == broker.contract.sha256
        assert (
            response.headers["x-connecttrade-mock-version"]
            == broker.headers["x-connecttrade-mock-version"]
        )
        assert response.headers["x-connecttrade-mock-clock"] == broker.sim.clock.mode.value
    number = int(first.headers["x-request-id"].removeprefix("req_"))
    assert second.headers["x-request-id"] == f"req_{number + 1:08d}"


def test_refusals_keep_their_extra_headers() -> None:
    """A 405 names the allowed methods; a 429 says when to retry."""
    with TestClient(create_app(settings(order_rate_per_second=1))) as client:
        api = Api(client)
        refused = api.request("PUT", "/orders")
        assert refused.status_code == 405
        assert refused.headers["allow"] == "GET, POST"
        assert api.place().status_code == 201
        limited = api.place()
    assert limited.status_code == 429
    assert float(limited.headers["retry-after"]) > 0
    assert json.loads(limited.content)["message"].startswith("order rate limit of 1/s")


def test_the_first_of_a_repeated_credential_header_counts(client: TestClient) -> None:
    """Of two client-id headers the first is read, as Starlette's Headers reads it."""
    credentials = [(k, v) for k, v in DEMO_HEADERS.items() if k != "client-id"]
    first_right = client.get(
        "/accounts", headers=[("client-id", "demo-client"), ("client-id", "x"), *credentials]
    )
    first_wrong = client.get(
        "/accounts", headers=[("client-id", "x"), ("client-id", "demo-client"), *credentials]
    )
    assert first_right.status_code == 200
    assert first_wrong.status_code == 401
    assert first_wrong.json() == {"message": "invalid client credentials"}


def test_query_values_are_read_like_starlettes_query_params(api: Api) -> None:
    """Percent-encoded, plus-encoded and blank query values reach validation as sent."""
    api.pin("AAPL", "100.00", "100.10")
    placed = api.placed(order_type="LMT", order_limit_price="99.00", order_tif="GTC")
    by_plus = api.request("GET", "/orders?symbols=+AAPL&status=open")
    by_percent = api.request("GET", "/orders?symbols=%20AAPL&status=open")
    assert by_plus.json()["orders"] == by_percent.json()["orders"] == [api.order(placed)]
    blank = api.request("GET", "/orders?limit=")
    assert blank.status_code == 400
    assert "limit" in blank.json()["message"]


def call_asgi(app: Starlette, scope: dict[str, Any]) -> tuple[int, bytes]:
    """One HTTP request through the ASGI interface, with a hand-made scope."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    async def run() -> None:
        await app(
            {
                "type": "http",
                "asgi": {"version": "3.0"},
                "http_version": "1.1",
                "method": "GET",
                "scheme": "http",
                "query_string": b"",
                "root_path": "",
                "headers": [(k.encode(), v.encode()) for k, v in DEMO_HEADERS.items()],
                "server": ("127.0.0.1", 8000),
                "client": ("127.0.0.1", 5000),
                **scope,
            },
            receive,
            send,
        )

    asyncio.run(run())
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.parametrize(
    ("scope", "status", "says"),
    [
        pytest.param({"path": "/accounts"}, 200, b'"account_id"', id="api-without-raw-path"),
        pytest.param(
            {"path": "/base/_mock/state", "root_path": "/base"},
            200,
            b'"clock_mode"',
            id="control-under-root-path",
        ),
        pytest.param({"path": "/_mock/state"}, 200, b'"clock_mode"', id="control"),
    ],
)
def test_servers_that_omit_raw_path_or_mount_below_a_root_path_still_route(
    scope: dict[str, Any], status: int, says: bytes
) -> None:
    """Without ``raw_path`` the API routes by the decoded path; below a root path the control
    API is still Starlette's, as its router sees paths."""
    answer_status, body = call_asgi(create_app(), scope)
    assert answer_status == status, body
    assert says in body


def test_a_page_shows_each_orders_change_at_once(api: Api) -> None:
    """A page of orders built from orders encoded earlier shows a cancel, a replace and a
    fill as soon as they happen, exactly as a single read of each order shows it."""
    api.pin("AAPL", "100.00", "100.10")
    resting = [
        api.placed(order_type="LMT", order_limit_price=limit, order_tif="GTC")
        for limit in ("99.50", "99.00", "98.50", "98.00")
    ]
    before = api.ok("/orders", status="all", limit=50)["orders"]
    assert {o["status"] for o in before} == {"working"}
    assert api.cancel(resting[0]).status_code == 200
    assert api.modify(resting[1], order_qty="3").status_code == 200
    api.pin("AAPL", "98.35", "98.40")
    api.advance(1)
    after = {o["order_id"]: o for o in api.ok("/orders", status="all", limit=50)["orders"]}
    for order in resting:
        assert after[order["order_id"]] == api.order(order)
    assert after[resting[0]["order_id"]]["status"] == "cancelled"
    assert after[resting[1]["order_id"]]["replaced_by_order_id"] is not None
    assert after[resting[2]["order_id"]]["status"] == "filled"
    assert after[resting[3]["order_id"]]["status"] == "working"


def test_a_page_is_the_contracts_json_of_each_order_in_order(api: Api) -> None:
    """Each order of a page is its current rendering, newest first, on both accounts."""
    api.pin("AAPL", "100.00", "100.10")
    for account in (MARGIN, CASH, MARGIN):
        api.placed(account_id=account, order_type="LMT", order_limit_price="99.00")
    page = api.ok("/orders", limit=50)["orders"]
    store = api.broker.sim.store
    expected = sorted(store.open_orders.values(), key=lambda o: o.seq, reverse=True)
    assert page == [order_json(o) for o in expected]
    assert {o["account_id"] for o in page} == {MARGIN, CASH}


def test_positions_show_a_new_fill_and_a_new_price_at_once(api: Api) -> None:
    """A position read again after a fill, or after its price moved within the same
    second, shows the new quantity and the new value; reads in between are identical."""
    api.pin("MSFT", "300.00", "300.10", last="300.05")
    api.placed(symbol="MSFT", order_qty="2")
    first = api.positions()["MSFT"]
    assert api.positions()["MSFT"] == first
    assert (first["quantity"], first["last_price"]) == ("2", "300.05")
    api.pin("MSFT", "310.00", "310.10", last="310.05")
    repriced = api.positions()["MSFT"]
    assert repriced["last_price"] == "310.05"
    assert repriced["market_value"] == "620.10"
    api.placed(symbol="MSFT", order_qty="1")
    grown = api.positions()["MSFT"]
    assert grown["quantity"] == "3"
    assert grown["market_value"] == "930.15"
