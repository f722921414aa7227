"""``connecttrade-mock serve --profile contract-test``: a mock a tool may call every
operation of, as the demo user, and find the demo tenant as documented afterwards.

The plain schemathesis run of docs/contract.md (``nox -s contract_plain``) relies on each
rule here: the demo user and its two connections refuse deletion and secret rotation with a
documented 409, a spare connection and a spare working order are always there to delete,
cancel or replace, the contract's examples name data that exists, and the order rate limit
is out of the way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from connecttrade_mock.app import create_app
from connecttrade_mock.cli import CONTRACT_TEST_ORDER_RATE, build_parser, settings_from
from connecttrade_mock.simulator import DEMO

SPEC: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "openapi" / "openapi.json").read_text()
)
PARAMETERS = SPEC["components"]["parameters"]
USER = {
    "client-id": DEMO.client_id,
    "client-secret": DEMO.client_secret,
    "user-id": DEMO.user_id,
    "user-secret": DEMO.user_secret,
}
LEAVING = ("pending_cancel", "pending_replace")
PLATFORM = {"client-id": DEMO.client_id, "client-secret": DEMO.client_secret}


def _client(*flags: str) -> Iterator[TestClient]:
    settings = settings_from(build_parser().parse_args(["serve", *flags]))
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def api() -> Iterator[TestClient]:
    yield from _client("--profile", "contract-test")


def _open_orders(api: TestClient) -> list[dict[str, Any]]:
    orders: list[dict[str, Any]] = api.get("/orders", headers=USER).json()["orders"]
    return orders


@pytest.mark.parametrize(
    ("flags", "protect", "rate"),
    [
        ([], False, 10.0),
        (["--profile", "contract-test"], True, CONTRACT_TEST_ORDER_RATE),
        (["--profile", "contract-test", "--order-rate", "5"], True, 5.0),
        (["--profile", "contract-test", "--no-protect-demo"], False, CONTRACT_TEST_ORDER_RATE),
        (["--protect-demo"], True, 10.0),
    ],
    ids=["default", "profile", "flag-beats-profile", "no-protect", "flag-alone"],
)
def test_the_profile_sets_defaults_that_flags_given_as_well_override(
    flags: list[str], protect: bool, rate: float
) -> None:
    settings = settings_from(build_parser().parse_args(["serve", *flags]))
    assert (settings.protect_demo, settings.order_rate_per_second) == (protect, rate)


@pytest.mark.parametrize(
    ("method", "path", "what"),
    [
        ("DELETE", f"/users/{DEMO.user_id}", "cannot be deleted"),
        ("POST", f"/users/{DEMO.user_id}/secret", "secret cannot be rotated"),
    ],
    ids=["delete", "rotate"],
)
def test_the_protected_demo_user_refuses_with_409_and_keeps_working(
    api: TestClient, method: str, path: str, what: str
) -> None:
    answer = api.request(method, path, headers=PLATFORM)
    assert answer.status_code == 409
    message = answer.json()["message"]
    assert f"{DEMO.user_id} is the protected demo user" in message
    assert what in message
    assert "POST /users" in message  # says what to do instead
    assert DEMO.user_secret not in message
    assert api.get("/accounts", headers=USER).status_code == 200


def test_other_users_are_rotated_and_deleted_as_usual(api: TestClient) -> None:
    assert api.post("/users", json={"user_id": "alice"}, headers=PLATFORM).status_code == 201
    assert api.post("/users/alice/secret", headers=PLATFORM).status_code == 200
    assert api.delete("/users/alice", headers=PLATFORM).json() == {"id": "alice", "deleted": True}


def test_without_the_profile_the_demo_user_is_an_ordinary_user() -> None:
    """The protection is opt-in: the pytest plugin's mocks and plain `serve` are unchanged."""
    for client in _client():
        assert client.delete(f"/users/{DEMO.user_id}", headers=PLATFORM).status_code == 200
        assert client.get("/accounts", headers=USER).status_code == 401


@pytest.mark.parametrize("connection_id", [DEMO.margin_connection_id, DEMO.cash_connection_id])
def test_the_demo_connections_refuse_deletion_naming_the_spare(
    api: TestClient, connection_id: str
) -> None:
    answer = api.delete(f"/connections/{connection_id}", headers=USER)
    assert answer.status_code == 409
    assert f"its spare connection {DEMO.spare_connection_id} may be" in answer.json()["message"]
    assert api.get(f"/connections/{connection_id}/token", headers=USER).status_code == 200


def test_the_spare_connection_is_deleted_for_real_and_another_takes_its_place(
    api: TestClient,
) -> None:
    """Deleting the spare removes it (its id is a 404 from then on: no use after free), and
    a new spare with a new id is linked, so every run finds one to delete."""
    seen = {DEMO.spare_connection_id}
    spare = DEMO.spare_connection_id
    for _ in range(3):
        assert api.delete(f"/connections/{spare}", headers=USER).status_code == 200
        assert api.get(f"/connections/{spare}/token", headers=USER).status_code == 404
        listed = [c["connection_id"] for c in api.get("/connections", headers=USER).json()]
        spares = [c for c in listed if c.startswith(DEMO.spare_connection_id)]
        assert len(spares) == 1
        assert spares[0] not in seen
        seen.add(spare := spares[0])
        assert {DEMO.margin_connection_id, DEMO.cash_connection_id} <= set(listed)


def test_the_demo_margin_account_always_has_an_order_to_cancel_or_replace(
    api: TestClient,
) -> None:
    """The spare order is the contract's OrderIdPath example; cancelling it places another,
    replacing it leaves the replacement (and no second spare)."""
    [spare] = _open_orders(api)
    assert spare["order_id"] == PARAMETERS["OrderIdPath"]["example"]
    assert (spare["symbol"], spare["order_tif"], spare["account_id"]) == (
        DEMO.spare_order_symbol,
        "GTC",
        DEMO.margin_account_id,
    )
    path = f"/accounts/{DEMO.margin_account_id}/orders/{spare['order_id']}"
    assert api.delete(path, headers=USER).status_code == 200
    [renewed] = [o for o in _open_orders(api) if o["status"] not in LEAVING]
    assert renewed["order_id"] != spare["order_id"]
    replaced = api.patch(
        f"/accounts/{DEMO.margin_account_id}/orders/{renewed['order_id']}",
        json={"new_cl_order_id": "ct-replace-1", "broker": "ALPACA", "order_limit_price": "9.85"},
        headers=USER,
    )
    assert replaced.status_code == 200
    staying = {o["order_id"] for o in _open_orders(api) if o["status"] not in LEAVING}
    assert staying == {replaced.json()["order_id"]}


def test_the_contracts_example_ids_exist_in_the_seeded_tenant(api: TestClient) -> None:
    """Examples lead to live data: a tool that sends them reaches the operation's logic."""
    assert PARAMETERS["UserIdPath"]["example"] == DEMO.user_id
    connections = {c["connection_id"] for c in api.get("/connections", headers=USER).json()}
    for name in ("ConnectionIdPath", "ConnectionIdQuery"):
        assert PARAMETERS[name]["example"] in connections, name
    accounts = {a["account_id"] for a in api.get("/accounts", headers=USER).json()}
    for name in ("AccountIdPath", "AccountIdQuery"):
        assert PARAMETERS[name]["example"] in accounts, name
    order_path = (
        f"/orders/{PARAMETERS['OrderIdPath']['example']}"
        f"?account_id={PARAMETERS['AccountIdPath']['example']}"
    )
    assert api.get(order_path, headers=USER).status_code == 200


def test_the_contracts_order_examples_are_accepted(api: TestClient) -> None:
    schemas = SPEC["components"]["schemas"]
    bodies = [
        *schemas["PlaceOrderRequest"]["examples"],
        *(
            schemas[name]["examples"][0]
            for name in (
                "OptionOrderRequest",
                "FutureOrderRequest",
                "CryptoOrderRequest",
                "MultiLegOrderRequest",
            )
        ),
    ]
    for body in bodies:
        answer = api.post("/orders", json=body, headers=USER)
        assert answer.status_code == 201, (body, answer.json())


@pytest.mark.parametrize("operation", ["/orders", "/transactions"])
def test_the_contracts_cursor_example_is_a_cursor(api: TestClient, operation: str) -> None:
    """The example cursor is a position ("after item 50"), valid with any filters."""
    cursor = PARAMETERS["CursorQuery"]["example"]
    assert api.get(operation, params={"cursor": cursor}, headers=USER).status_code == 200


def test_the_order_rate_limit_stays_out_of_the_way(api: TestClient) -> None:
    """Two hundred placements at once: none is refused with 429 (the default is 10/s)."""
    body = SPEC["components"]["schemas"]["PlaceOrderRequest"]["examples"][0]
    statuses = {
        api.post("/orders", json={**body, "cl_order_id": f"ct-rate-{n}"}, headers=USER).status_code
        for n in range(200)
    }
    assert statuses == {201}
