"""Every request body of openapi/openapi.json can be sent through the SDK, and is valid.

The SDK builds request bodies itself (``OrderRequest.to_wire``) or through the generated
request models, so a contract change can leave it behind in two ways nothing else notices:
a new request field (``extended_hours`` on equity orders) that no SDK parameter sends, and a
field that became required (``order_qty`` on a modify) that the SDK leaves out, which the
regenerated model answers with a bare ``KeyError`` from its ``from_dict``. These checks
catch both, by name, at build time:

- every property of every request-body schema (nested ones included: ``legs`` items) is
  sent by at least one SDK call of :data:`SDK_REQUESTS`, or is listed in ``NOT_SENT`` with
  the reason;
- every body those calls send is valid for its schema (``required`` included), and a call
  the SDK cannot build at all is reported with the error it raised;
- every operation with a request body has SDK calls here.

The SDK calls are driven as the sans-IO generators they are (``connecttrade._http.
endpoints``): a read the call makes first (a modify reads the order) is answered with the
contract's own example. The tests at the end apply the changes above to the spec in memory
and show each is reported.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest

import connecttrade as ct
from connecttrade._http import endpoints
from connecttrade._http.account_book import AccountBook
from connecttrade._http.calls import HttpCall, HttpResult, Operation
from connecttrade.types.orders import InvalidOrder, Leg, OrderRequest
from connecttrade.types.strategies import multi_leg
from connecttrade_mock.contract.spec import Contract

SPEC: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "openapi" / "openapi.json").read_text()
)

#: Request-body properties no SDK call sends, with the reason (none today).
NOT_SENT: dict[str, str] = {}

ACCOUNT, BROKER, ORDER_ID = "acc_demo_margin", "ALPACA", "ord_9Xk2Lp7QwE"
OPTION, FUTURE, COIN = "SPY261218C00600000", "ESZ6", "BTC/USD"
SIDES = {"STK": "BUY", "OPT": "BUY_TO_OPEN", "FUT": "BUY", "CRYPTO": "BUY"}
SYMBOLS = {"STK": "AAPL", "OPT": OPTION, "FUT": FUTURE, "CRYPTO": COIN}
#: Builder and instrument pairs the SDK refuses before sending anything.
REFUSED = {("market notional", "OPT"), ("market notional", "FUT")}


@dataclass(frozen=True)
class SdkRequest:
    """One SDK call that sends a request body, and the operation it calls."""

    label: str
    operation_id: str
    start: Callable[[], Operation[Any]]


def _orders() -> Iterator[tuple[str, OrderRequest]]:
    """Every order shape the SDK's order builders make, per instrument. The combinations
    the SDK refuses (``REFUSED``: notional orders are for stocks and crypto only) are left
    out, as users cannot send them either; any other refusal fails the test."""
    builders: dict[str, Callable[[str, str, str], OrderRequest]] = {
        "market qty": lambda s, d, i: ct.market(s, 1, side=d, instrument=i),
        "market notional": lambda s, d, i: ct.market(s, side=d, notional="250", instrument=i),
        "limit GTC": lambda s, d, i: ct.limit(s, 1, "5", side=d, tif="GTC", instrument=i),
        "stop": lambda s, d, i: ct.stop(s, 1, "4", side=d, instrument=i),
        "stop_limit": lambda s, d, i: ct.stop_limit(
            s, 1, stop_price="4", limit_price="5", side=d, instrument=i
        ),
    }
    for instrument, symbol in SYMBOLS.items():
        for label, build in builders.items():
            if (label, instrument) in REFUSED:
                with pytest.raises(InvalidOrder):
                    build(symbol, SIDES[instrument], instrument)
                continue
            yield f"{label} {instrument}", build(symbol, SIDES[instrument], instrument)
    legs = [
        Leg(ct.OptionSymbol.parse("SPY261218C00600000"), ct.LegAction.BUY_TO_OPEN, 1),
        Leg(ct.OptionSymbol.parse("SPY261218C00610000"), ct.LegAction.SELL_TO_OPEN, 1),
    ]
    yield "multi_leg debit", multi_leg(legs, qty=1, debit="2.15")
    yield "multi_leg market", multi_leg(legs, qty=1)


def _order_example() -> dict[str, Any]:
    example = SPEC["components"]["schemas"]["Order"]["examples"][0]
    return {**copy.deepcopy(example), "account_id": ACCOUNT, "order_id": ORDER_ID}


def _modifies() -> Iterator[tuple[str, dict[str, Any]]]:
    yield "qty", {"qty": 2}
    yield "notional", {"notional": "300"}
    yield "limit_price", {"limit_price": "171.10"}
    yield "stop_price", {"stop_price": "160"}
    yield "tif", {"tif": "GTC"}


def sdk_requests() -> Iterator[SdkRequest]:
    """The SDK calls that send a request body, one per shape they can send."""
    yield SdkRequest("users.create", "create_user", partial(endpoints.create_user, "alice"))
    for kind in ("trade", "readonly"):
        yield SdkRequest(
            f"connections.create({kind})",
            "create_connection",
            partial(endpoints.create_connection, "ALPACA", "https://app.example.com/cb", kind),
        )
    yield SdkRequest(
        "agent_token(read, trade)",
        "create_user_token",
        partial(endpoints.agent_token, ["read", "trade"]),
    )
    for label, order in _orders():
        yield SdkRequest(
            f"orders.place({label})",
            "place_order",
            partial(endpoints.place_order, order, ACCOUNT, BROKER, AccountBook(), "ct-1"),
        )
    for label, change in _modifies():
        yield SdkRequest(
            f"orders.modify({label})",
            "modify_order",
            partial(
                endpoints.modify_order,
                ACCOUNT,
                ORDER_ID,
                AccountBook(),
                broker=BROKER,
                new_cl_order_id="ct-2",
                **change,
            ),
        )


def sent_body(request: SdkRequest) -> object:
    """The body the call sends; reads it makes first are answered with the contract's
    examples. Raises what the SDK raises when it cannot build the request."""
    operation = request.start()
    call: HttpCall = next(operation)
    while call.method == "GET":  # e.g. a modify of the price reads the order first
        call = operation.send(HttpResult(200, _order_example(), None, 1))
    operation.close()
    return call.json


def _schema_of_body(spec: dict[str, Any], operation_id: str, body: object) -> str:
    """The component schema a body of ``operation_id`` is checked against (the variant of
    a ``oneOf`` that its const ``instrument`` tags)."""
    operation = _operations(spec)[operation_id]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    name = str(ref).rsplit("/", 1)[1]
    variants = spec["components"]["schemas"][name].get("oneOf")
    if not variants or not isinstance(body, dict):
        return name
    tag = body.get("instrument", "STK")
    for variant in variants:
        variant_name = str(variant["$ref"]).rsplit("/", 1)[1]
        const = spec["components"]["schemas"][variant_name]["properties"]["instrument"]
        if const.get("const") == tag:
            return variant_name
    return name


def _operations(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        op["operationId"]: op
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in ("get", "put", "post", "delete", "patch")
    }


def _request_schemas(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every schema a request body is made of, nested object schemas included."""
    schemas = spec["components"]["schemas"]
    found: dict[str, dict[str, Any]] = {}
    pending = [
        op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        for op in _operations(spec).values()
        if "requestBody" in op
    ]
    while pending:
        name = pending.pop().rsplit("/", 1)[1]
        if name in found:
            continue
        schema = found[name] = schemas[name]
        pending.extend(v["$ref"] for v in schema.get("oneOf", []))
        for prop in schema.get("properties", {}).values():
            items = prop.get("items", {})
            if "$ref" in items and "properties" in schemas[items["$ref"].rsplit("/", 1)[1]]:
                pending.append(items["$ref"])
    return {name: schema for name, schema in found.items() if "properties" in schema}


@dataclass(frozen=True)
class Sent:
    """What the SDK sent: the keys of each schema's bodies, and the problems found."""

    keys: dict[str, set[str]]
    problems: list[str]


def collect(spec: dict[str, Any], requests: list[SdkRequest]) -> Sent:
    """Send every SDK request body through the contract ``spec``'s schemas."""
    contract = Contract.from_bytes(json.dumps(spec).encode())
    keys: dict[str, set[str]] = {}
    problems: list[str] = []
    for request in requests:
        try:
            body = sent_body(request)
        except Exception as exc:  # the point is to name whatever the SDK raised
            problems.append(
                f"{request.label}: the SDK could not build the {request.operation_id} "
                f"request: {type(exc).__name__}: {exc} (a field the contract made required, "
                "or renamed? give the SDK a parameter that sends it)"
            )
            continue
        name = _schema_of_body(spec, request.operation_id, body)
        if isinstance(body, dict):
            keys.setdefault(name, set()).update(body)
            for leg in body.get("legs") or []:
                keys.setdefault("OrderLegRequest", set()).update(leg)
        message = contract.schema_validator(name).describe(body)
        if message is not None:
            problems.append(
                f"{request.label}: the SDK sends a {name} the contract refuses: {message} "
                "(fix the body in connecttrade.types.orders or _http/endpoints.py, or the SDK "
                "parameters that fill it)"
            )
    return Sent(keys, problems)


def unsent_properties(spec: dict[str, Any], sent: Sent) -> list[str]:
    """Request-body properties no SDK call sends and ``NOT_SENT`` does not excuse."""
    problems = []
    for name, schema in sorted(_request_schemas(spec).items()):
        for prop in schema["properties"]:
            key = f"{name}.{prop}"
            if key in NOT_SENT or prop in sent.keys.get(name, set()):
                continue
            problems.append(
                f"{key}: in the contract, but no SDK call sends it, so SDK users cannot use "
                "it: add an SDK parameter (connecttrade.types.orders / _http/endpoints.py) "
                "and a call to SDK_REQUESTS here, or list it in NOT_SENT with a reason"
            )
    return problems


def operations_without_sdk_requests(spec: dict[str, Any], requests: list[SdkRequest]) -> list[str]:
    covered = {request.operation_id for request in requests}
    return [
        f"{operation_id}: has a request body but no SDK call here sends one: add the SDK "
        "calls that do to sdk_requests()"
        for operation_id, op in sorted(_operations(spec).items())
        if "requestBody" in op and operation_id not in covered
    ]


SDK_REQUESTS = list(sdk_requests())
SENT = collect(SPEC, SDK_REQUESTS)


def test_every_request_body_property_is_sent_by_an_sdk_call() -> None:
    """A field the contract accepts can be sent by SDK users (``extended_hours`` would fail)."""
    assert unsent_properties(SPEC, SENT) == []


def test_every_body_the_sdk_sends_is_valid_for_the_contract() -> None:
    """What the SDK sends keeps the contract's rules, ``required`` fields included."""
    assert SENT.problems == []


def test_every_operation_with_a_request_body_has_sdk_calls() -> None:
    assert operations_without_sdk_requests(SPEC, SDK_REQUESTS) == []


def test_not_sent_lists_only_contract_properties() -> None:
    """An excuse for a property the contract dropped is stale."""
    known = {
        f"{name}.{prop}"
        for name, schema in _request_schemas(SPEC).items()
        for prop in schema["properties"]
    }
    assert set(NOT_SENT) <= known


# --- the checks report the spec changes they exist for -------------------------------------


def _changed(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    spec = copy.deepcopy(SPEC)
    change(spec)
    return spec


def test_a_new_request_field_is_reported() -> None:
    """``extended_hours`` added to equity orders: no SDK parameter sends it."""

    def add(spec: dict[str, Any]) -> None:
        props = spec["components"]["schemas"]["EquityOrderRequest"]["properties"]
        props["extended_hours"] = {"type": "boolean"}

    spec = _changed(add)
    problems = unsent_properties(spec, collect(spec, SDK_REQUESTS))
    assert len(problems) == 1
    assert problems[0].startswith("EquityOrderRequest.extended_hours: in the contract, but no")


def test_a_modify_field_made_required_is_reported() -> None:
    """``order_qty`` required on a modify: each modify the SDK sends without it is named."""

    def require(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"]["ModifyOrderRequest"]["required"].append("order_qty")

    spec = _changed(require)
    problems = collect(spec, SDK_REQUESTS).problems
    modifies = [label for label, _ in _modifies() if label != "qty"]
    assert len(problems) == len(modifies)
    assert all("missing required field 'order_qty'" in p for p in problems)
    assert all(p.startswith("orders.modify(") for p in problems)


def test_a_request_the_sdk_cannot_build_is_reported_not_raised() -> None:
    """The regenerated model's ``KeyError`` for a newly required field becomes a problem
    naming the call and the field, not a crash of the check."""

    def fails() -> Operation[Any]:
        raise KeyError("order_qty")  # what a regenerated from_dict raises

    broken = SdkRequest("orders.modify(limit_price)", "modify_order", fails)
    problems = collect(SPEC, [broken]).problems
    assert problems == [
        "orders.modify(limit_price): the SDK could not build the modify_order request: "
        "KeyError: 'order_qty' (a field the contract made required, or renamed? give the "
        "SDK a parameter that sends it)"
    ]


def test_a_new_operation_with_a_body_is_reported() -> None:
    def add(spec: dict[str, Any]) -> None:
        spec["paths"]["/quotes"] = {
            "post": {
                "operationId": "request_quote",
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/CreateUserRequest"}
                        }
                    }
                },
                "responses": {},
            }
        }

    problems = operations_without_sdk_requests(_changed(add), SDK_REQUESTS)
    assert [p.split(":")[0] for p in problems] == ["request_quote"]


@pytest.mark.parametrize("amount", [Decimal("0.5"), Decimal("1e-9")])
def test_fractional_equity_quantities_are_sent_as_the_contract_writes_them(
    amount: Decimal,
) -> None:
    """Decimals travel as plain strings (no exponent), as the contract's pattern wants."""
    request = SdkRequest(
        "orders.place(market STK fractional)",
        "place_order",
        lambda: endpoints.place_order(
            ct.market("AAPL", amount, side="BUY"), ACCOUNT, BROKER, AccountBook(), "ct-3"
        ),
    )
    assert collect(SPEC, [request]).problems == []
