"""A spec changed the way a vendor changes it never makes the mock answer 500: every
operation has a handler (checked here, by name), an operation newer than the mock is a
501 that names it, and a filter value newer than the mock matches nothing."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mock_api import DEMO_HEADERS, MARGIN, settings
from starlette.testclient import TestClient

from connecttrade_mock.app import create_app
from connecttrade_mock.contract import Contract
from connecttrade_mock.http.mock_broker import MockBroker
from connecttrade_mock.http.operations import OPERATIONS

SPEC: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "openapi" / "openapi.json").read_text()
)


def _operation_ids(spec: dict[str, Any]) -> set[str]:
    return {
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method != "parameters"
    }


@contextmanager
def _served(spec: dict[str, Any]) -> Iterator[TestClient]:
    """The mock in process, validating against ``spec`` instead of the shipped contract."""
    contract = Contract.from_bytes(json.dumps(spec).encode())
    broker = MockBroker(settings(), contract=contract)
    with TestClient(create_app(broker=broker)) as client:
        yield client


def test_every_operation_of_the_contract_has_a_handler_and_no_handler_is_extra() -> None:
    """The mock implements exactly the contract's operationIds (a new one fails here first)."""
    assert _operation_ids(SPEC) - set(OPERATIONS) == set(), "operations without a handler"
    assert set(OPERATIONS) - _operation_ids(SPEC) == set(), "handlers without an operation"


def test_an_operation_newer_than_the_mock_is_a_501_that_names_it() -> None:
    """A spec with a new operation (GET /quotes) gets a JSON 501 naming it, not a 500."""
    spec = copy.deepcopy(SPEC)
    spec["paths"]["/quotes"] = {
        "get": {
            "operationId": "list_quotes",
            "summary": "Latest quotes",
            "security": copy.deepcopy(SPEC["paths"]["/positions"]["get"].get("security", [])),
            "responses": {
                "200": {
                    "description": "Quotes.",
                    "content": {"application/json": {"schema": {"type": "array"}}},
                }
            },
        }
    }
    with _served(spec) as client:
        answer = client.get("/quotes", headers=DEMO_HEADERS)
        assert answer.status_code == 501
        assert answer.json() == {
            "message": "the mock does not implement list_quotes (GET /quotes) yet"
        }
        assert client.get("/positions", headers=DEMO_HEADERS).status_code == 200


def test_a_status_filter_newer_than_the_mock_matches_no_order() -> None:
    """A status value added to the filter by a newer spec is answered 200 with no orders."""
    spec = copy.deepcopy(SPEC)
    spec["components"]["schemas"]["OrderStatusFilter"]["enum"].append("suspended")
    with _served(spec) as client:
        placed = client.post(
            "/orders",
            headers=DEMO_HEADERS,
            json={
                "account_id": MARGIN,
                "broker": "ALPACA",
                "cl_order_id": "spec-change-1",
                "symbol": "ZAZZT",
                "side": "BUY",
                "order_type": "LMT",
                "order_limit_price": "10.00",
                "order_tif": "DAY",
                "order_qty": "1",
            },
        )
        assert placed.status_code == 201, placed.text
        listed = client.get("/orders", params={"status": "suspended"}, headers=DEMO_HEADERS)
        assert listed.status_code == 200, listed.text
        assert listed.json()["orders"] == []
        every = client.get("/orders", params={"status": "all"}, headers=DEMO_HEADERS).json()
        assert [o["cl_order_id"] for o in every["orders"]] == ["spec-change-1"]
