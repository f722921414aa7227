"""The mock's contract module: routing, request and response validation from openapi.json."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connecttrade_mock.contract.errors import (
    ContractViolation,
    MethodNotAllowed,
    ResponseViolation,
    RouteNotFound,
)
from connecttrade_mock.contract.operation import Operation, SecurityKind, ValidRequest
from connecttrade_mock.contract.spec import Contract

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
SPEC: dict[str, Any] = json.loads(SPEC_PATH.read_bytes())
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
MESSAGE_LIMIT = 400


def resolve(node: Any) -> Any:
    """Follow local ``$ref`` chains in the spec."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = SPEC
        for token in node["$ref"][2:].split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def examples_of(schema: Any) -> list[Any]:
    """Every example a schema documents, its oneOf variants' included; arrays wrap items'."""
    schema = resolve(schema)
    found = list(schema.get("examples", []))
    for variant in schema.get("oneOf", []):
        found.extend(examples_of(variant))
    if schema.get("type") == "array" and "items" in schema:
        found.extend([item] for item in examples_of(schema["items"]))
    return found


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path template, operation object) for every operation of the spec."""
    return [
        (method, template, item[method])
        for template, item in SPEC["paths"].items()
        for method in HTTP_METHODS
        if method in item
    ]


def concrete(template: str) -> tuple[str, dict[str, str]]:
    """A request path for ``template`` and the path parameters it carries."""
    names = re.findall(r"{([^{}]+)}", template)
    params = {name: f"{name}-7" for name in names}
    path = template
    for name, value in params.items():
        path = path.replace("{" + name + "}", value)
    return path, params


def request_examples() -> list[Any]:
    """(operation id, example body) for every documented request body example."""
    cases = []
    for _, _, op in operations():
        if "requestBody" not in op:
            continue
        schema = resolve(op["requestBody"])["content"]["application/json"]["schema"]
        for index, example in enumerate(examples_of(schema)):
            cases.append(
                pytest.param(op["operationId"], example, id=f"{op['operationId']}-{index}")
            )
    return cases


def response_examples() -> list[Any]:
    """(operation id, status, example body) for every documented response example."""
    cases = []
    for _, _, op in operations():
        for status, response in op["responses"].items():
            content = resolve(response).get("content", {})
            if "application/json" not in content:
                continue
            for index, example in enumerate(examples_of(content["application/json"]["schema"])):
                case_id = f"{op['operationId']}-{status}-{index}"
                cases.append(pytest.param(op["operationId"], int(status), example, id=case_id))
    return cases


def schema_examples() -> list[Any]:
    """(schema name, example) for every example of every component schema."""
    return [
        pytest.param(name, example, id=f"{name}-{index}")
        for name, schema in SCHEMAS.items()
        for index, example in enumerate(schema.get("examples", []))
    ]


@pytest.fixture(scope="module")
def contract() -> Contract:
    """The contract loaded the way the mock loads it."""
    return Contract.load()


STK: dict[str, Any] = {
    "instrument": "STK",
    "account_id": "acc_7Hq2kX9d",
    "cl_order_id": "ct-1",
    "broker": "ALPACA",
    "symbol": "MSFT",
    "side": "BUY",
    "order_type": "MKT",
    "order_tif": "DAY",
    "order_qty": "1",
}
MLEG: dict[str, Any] = {
    "instrument": "MLEG_OPT",
    "account_id": "acc_7Hq2kX9d",
    "cl_order_id": "ct-2",
    "broker": "TRADIER",
    "order_type": "LMT",
    "order_tif": "DAY",
    "order_qty": "1",
    "order_limit_price": "2.15",
    "legs": [
        {"symbol": "SPY241018C00430000", "action": "BUY_TO_OPEN", "ratio": "1"},
        {"symbol": "SPY241018C00435000", "action": "SELL_TO_OPEN", "ratio": "1"},
    ],
}


def order(base: dict[str, Any], drop: tuple[str, ...] = (), **changes: Any) -> bytes:
    """``base`` with fields changed and dropped, as JSON bytes."""
    body = {key: value for key, value in {**base, **changes}.items() if key not in drop}
    return json.dumps(body).encode()


def check(
    contract: Contract,
    operation_id: str,
    *,
    query: dict[str, list[str]] | None = None,
    body: bytes | None = None,
    path: dict[str, str] | None = None,
    content_type: str | None = "application/json",
) -> ValidRequest:
    """Validate one request against the named operation."""
    return contract.validate_request(
        contract.operation(operation_id), path or {}, query or {}, body, content_type
    )


# -- loading and metadata ---------------------------------------------------------------------


def test_identity_is_the_file_hash_and_info_version(contract: Contract) -> None:
    """``sha256`` hashes the spec's bytes and ``version`` is its info.version."""
    assert contract.sha256 == hashlib.sha256(SPEC_PATH.read_bytes()).hexdigest()
    assert contract.version == SPEC["info"]["version"]


def test_load_from_an_explicit_path() -> None:
    """A path given to ``load`` is read instead of the packaged contract."""
    loaded = Contract.load(SPEC_PATH)
    assert loaded.operation("place_order").success_status == 201


@pytest.mark.parametrize(
    ("operation_id", "security", "success", "has_body"),
    [
        pytest.param("create_user", SecurityKind.PLATFORM, 201, True, id="create_user"),
        pytest.param("delete_user", SecurityKind.PLATFORM, 200, False, id="delete_user"),
        pytest.param("rotate_user_secret", SecurityKind.PLATFORM, 200, False, id="rotate"),
        pytest.param("place_order", SecurityKind.USER, 201, True, id="place_order"),
        pytest.param("list_orders", SecurityKind.USER, 200, False, id="list_orders"),
        pytest.param("create_user_token", SecurityKind.USER, 201, True, id="user_token"),
    ],
)
def test_operation_metadata(
    contract: Contract, operation_id: str, security: SecurityKind, success: int, has_body: bool
) -> None:
    """Security kind, success status and body presence come from the spec."""
    op = contract.operation(operation_id)
    assert (op.security, op.success_status, op.has_body) == (security, success, has_body)
    assert op.body_required is has_body


def test_every_spec_operation_is_loaded(contract: Contract) -> None:
    """The contract has exactly the spec's operations, with their tags."""
    expected = {op["operationId"]: tuple(op["tags"]) for _, _, op in operations()}
    assert {op.operation_id: op.tags for op in contract.operations} == expected


def test_unknown_operation_and_schema_raise_key_error(contract: Contract) -> None:
    """Looking up an operation or schema the spec lacks raises KeyError."""
    with pytest.raises(KeyError, match="no_such_op"):
        contract.operation("no_such_op")
    with pytest.raises(KeyError, match="NoSuchSchema"):
        contract.schema_validator("NoSuchSchema")


# -- routing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "template", "operation_id"),
    [pytest.param(m, t, op["operationId"], id=op["operationId"]) for m, t, op in operations()],
)
def test_every_spec_route_matches_its_operation(
    contract: Contract, method: str, template: str, operation_id: str
) -> None:
    """Each path and method of the spec routes to its operation with its path parameters."""
    path, params = concrete(template)
    found = contract.match(method.upper(), path)
    assert found.operation.operation_id == operation_id
    assert found.operation.path_template == template
    assert found.path_params == params


def test_method_is_case_insensitive(contract: Contract) -> None:
    """``get`` routes like ``GET``."""
    assert contract.match("get", "/users").operation.operation_id == "list_users"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/nope", id="unknown"),
        pytest.param("/users/", id="trailing-slash"),
        pytest.param("/accounts/a/orders", id="too-short"),
        pytest.param("/accounts/a/orders/b/c", id="too-long"),
        pytest.param("/accounts//orders/b", id="empty-segment"),
        pytest.param("", id="empty"),
    ],
)
def test_unknown_path_raises_route_not_found(contract: Contract, path: str) -> None:
    """A path no template matches raises RouteNotFound (404)."""
    with pytest.raises(RouteNotFound) as caught:
        contract.match("GET", path)
    assert caught.value.status == 404


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        pytest.param("PUT", "/users", ["GET", "POST"], id="users"),
        pytest.param("GET", "/auth/tokens/user", ["POST"], id="static"),
        pytest.param("POST", "/accounts/a/orders/b", ["DELETE", "PATCH"], id="templated"),
    ],
)
def test_wrong_method_lists_the_allowed_ones(
    contract: Contract, method: str, path: str, allowed: list[str]
) -> None:
    """A known path with an unknown method raises MethodNotAllowed listing the methods."""
    with pytest.raises(MethodNotAllowed) as caught:
        contract.match(method, path)
    assert caught.value.allowed == allowed
    assert caught.value.status == 405
    assert ", ".join(allowed) in caught.value.message


def test_url_encoded_path_params_are_decoded(contract: Contract) -> None:
    """Percent-encoded segments are decoded, an encoded slash staying inside its parameter."""
    found = contract.match("DELETE", "/accounts/acc%2F1/orders/ord%20x")
    assert found.path_params == {"account_id": "acc/1", "order_id": "ord x"}
    valid = contract.validate_request(found.operation, found.path_params, {}, None)
    assert valid.path == {"account_id": "acc/1", "order_id": "ord x"}


def test_encoded_path_param_is_validated_after_decoding(contract: Contract) -> None:
    """``user%40x`` decodes to a valid id; ``bad%20user`` breaks the user_id pattern."""
    ok = contract.match("DELETE", "/users/user%40x")
    assert contract.validate_request(ok.operation, ok.path_params, {}, None).path == {
        "user_id": "user@x"
    }
    bad = contract.match("DELETE", "/users/bad%20user")
    with pytest.raises(ContractViolation, match=r"^user_id: 'bad user' does not match pattern"):
        contract.validate_request(bad.operation, bad.path_params, {}, None)


def test_path_param_that_is_not_utf8_is_refused(contract: Contract) -> None:
    """A percent-encoded byte sequence that is not UTF-8 is a ContractViolation."""
    found = contract.match("GET", "/connections/%FF/token")
    with pytest.raises(ContractViolation, match=r"^connection_id: not valid UTF-8"):
        contract.validate_request(found.operation, found.path_params, {}, None)


# -- documented examples ----------------------------------------------------------------------


@pytest.mark.parametrize(("operation_id", "example"), request_examples())
def test_every_request_example_validates(
    contract: Contract, operation_id: str, example: Any
) -> None:
    """Each request body example of the spec passes validation and comes back parsed."""
    op = contract.operation(operation_id)
    path = {p.name: "x-1" for p in op.parameters if p.location == "path"}
    valid = check(contract, operation_id, path=path, body=json.dumps(example).encode())
    assert valid.body == example


@pytest.mark.parametrize(
    "operation_id",
    [
        pytest.param(op["operationId"], id=op["operationId"])
        for _, _, op in operations()
        if any(resolve(p)["in"] == "query" for p in op.get("parameters", []))
    ],
)
def test_every_query_parameter_example_validates(contract: Contract, operation_id: str) -> None:
    """All documented query parameter examples of an operation pass together, typed."""
    raw = next(op for _, _, op in operations() if op["operationId"] == operation_id)
    params = [resolve(p) for p in raw["parameters"]]
    query = {p["name"]: [str(p["example"])] for p in params if p["in"] == "query"}
    path = {p["name"]: str(p["example"]) for p in params if p["in"] == "path"}
    valid = check(contract, operation_id, query=query, path=path)
    expected = {p["name"]: p["example"] for p in params if p["in"] == "query"}
    assert valid.query == expected


@pytest.mark.parametrize(("name", "example"), schema_examples())
def test_every_schema_example_matches_its_schema(
    contract: Contract, name: str, example: Any
) -> None:
    """Each component schema example passes that schema's validator."""
    validator = contract.schema_validator(name)
    assert validator.is_valid(example)
    assert validator.describe(example) is None


# -- query parameters -------------------------------------------------------------------------


def test_declared_default_is_applied(contract: Contract) -> None:
    """``limit`` defaults to 50 as its schema declares; unknown parameters are ignored."""
    assert check(contract, "list_orders", query={"foo": ["1"]}).query == {"limit": 50}


def test_no_default_is_invented(contract: Contract) -> None:
    """Parameters without a schema default stay absent."""
    assert check(contract, "list_accounts").query == {}


def test_query_values_are_typed(contract: Contract) -> None:
    """Integers become int, other parameters stay str."""
    query = {"limit": ["7"], "sort": ["asc"], "start_time": ["2026-11-20T10:00:00Z"]}
    assert check(contract, "list_orders", query=query).query == {
        "limit": 7,
        "sort": "asc",
        "start_time": "2026-11-20T10:00:00Z",
    }


# -- bad inputs -------------------------------------------------------------------------------

BAD_REQUESTS = [
    pytest.param(
        "place_order",
        {},
        order(STK, order_qty="1.5x"),
        "order_qty: '1.5x' does not match pattern",
        id="bad-decimal",
    ),
    pytest.param(
        "place_order",
        {},
        order(STK, drop=("account_id",)),
        "body: missing required field 'account_id'",
        id="missing-account",
    ),
    pytest.param(
        "place_order",
        {},
        order(STK, foo=1),
        "body: additional field 'foo' is not allowed",
        id="extra-field",
    ),
    pytest.param(
        "place_order",
        {},
        order(STK, order_type="LMT"),
        "order_limit_price: required when order_type is LMT",
        id="lmt-without-limit",
    ),
    pytest.param(
        "place_order",
        {},
        order(STK, order_limit_price="10"),
        "order_limit_price: not allowed when order_type is MKT",
        id="mkt-with-limit",
    ),
    pytest.param(
        "place_order",
        {},
        order(STK, order_type="STP"),
        "stop_price: required when order_type is STP",
        id="stp-without-stop",
    ),
    pytest.param(
        "place_order",
        {},
        order(STK, order_qty="0.000"),
        "order_qty: must be greater than zero",
        id="zero-quantity",
    ),
    pytest.param(
        "place_order",
        {},
        order(STK, order_notional="50"),
        "body: give only one of order_qty and order_notional",
        id="qty-and-notional",
    ),
    pytest.param(
        "place_order",
        {},
        order(STK, drop=("order_qty",)),
        "body: give exactly one of order_qty and order_notional",
        id="neither-qty-nor-notional",
    ),
    pytest.param(
        "place_order",
        {},
        order(
            STK, drop=("order_qty",), order_notional="50", order_type="LMT", order_limit_price="1"
        ),
        "order_type: must be MKT when order_notional is given, got 'LMT'",
        id="notional-on-lmt",
    ),
    pytest.param(
        "place_order",
        {},
        order(STK, instrument="XYZ"),
        "instrument: 'XYZ' is not one of STK, OPT, MLEG_OPT, FUT, CRYPTO",
        id="unknown-instrument",
    ),
    pytest.param(
        "place_order",
        {},
        order(STK, instrument=5),
        "instrument: 5 is not one of STK, OPT, MLEG_OPT, FUT, CRYPTO",
        id="non-string-instrument",
    ),
    pytest.param(
        "place_order",
        {},
        order(STK, symbol="TSLA251031C00437500"),
        "symbol: 'TSLA251031C00437500' does not match pattern",
        id="option-symbol-on-stock",
    ),
    pytest.param(
        "place_order",
        {},
        order(STK, order_qty=1),
        "order_qty: must be a string, got an integer",
        id="wrong-type",
    ),
    pytest.param(
        "place_order",
        {},
        order(MLEG, legs=MLEG["legs"][:1]),
        "legs: must have at least 2 items, got 1",
        id="mleg-one-leg",
    ),
    pytest.param(
        "place_order",
        {},
        order(MLEG, legs=[MLEG["legs"][0], {**MLEG["legs"][1], "symbol": "SPY24C1"}]),
        "legs[1].symbol: 'SPY24C1' does not match pattern",
        id="mleg-bad-occ",
    ),
    pytest.param(
        "place_order",
        {},
        order(MLEG, legs=[MLEG["legs"][0], {**MLEG["legs"][1], "x": 1}]),
        "legs[1]: additional field 'x' is not allowed",
        id="mleg-leg-extra",
    ),
    pytest.param(
        "place_order",
        {},
        order(MLEG, order_type="MKT"),
        "order_limit_price: not allowed unless order_type is LMT",
        id="mleg-mkt-with-limit",
    ),
    pytest.param(
        "place_order",
        {},
        order(MLEG, order_limit_price="0"),
        "order_limit_price: must not be zero",
        id="mleg-zero-net-price",
    ),
    pytest.param(
        "list_orders",
        {"limit": ["0"]},
        None,
        "limit: must be an integer between 1 and 500, got 0",
        id="limit-zero",
    ),
    pytest.param(
        "list_orders",
        {"limit": ["501"]},
        None,
        "limit: must be an integer between 1 and 500, got 501",
        id="limit-501",
    ),
    pytest.param(
        "list_orders",
        {"limit": ["abc"]},
        None,
        "limit: must be an integer between 1 and 500, got 'abc'",
        id="limit-abc",
    ),
    pytest.param(
        "list_transactions",
        {"limit": ["1.0"]},
        None,
        "limit: must be an integer between 1 and 500, got '1.0'",
        id="limit-float",
    ),
    pytest.param(
        "list_orders",
        {"limit": [" 5"]},
        None,
        "limit: must be an integer between 1 and 500, got ' 5'",
        id="limit-space",
    ),
    pytest.param(
        "list_orders",
        {"sort": ["sideways"]},
        None,
        "sort: 'sideways' is not one of asc, desc",
        id="sort-sideways",
    ),
    pytest.param(
        "list_transactions",
        {"start_date": ["2026-13-45"]},
        None,
        "start_date: '2026-13-45' is not a valid date",
        id="bad-date",
    ),
    pytest.param(
        "list_orders",
        {"start_time": ["2026-11-20T10:00:00"]},
        None,
        "start_time: '2026-11-20T10:00:00' is not a valid date-time",
        id="naive-time",
    ),
    pytest.param(
        "list_orders",
        {"status": ["bogus"]},
        None,
        "status: 'bogus' is not one of all, open, closed",
        id="status-bogus",
    ),
    pytest.param(
        "list_balances",
        {"account_id": [""]},
        None,
        "account_id: must not be empty",
        id="empty-account",
    ),
    pytest.param(
        "list_orders",
        {"limit": ["5", "6"]},
        None,
        "query parameter 'limit' given twice",
        id="duplicate-param",
    ),
    pytest.param("place_order", {}, b'{"instrument": ', "body: not valid JSON", id="invalid-json"),
    pytest.param(
        "place_order", {}, b"[1, 2]", "body: must be a JSON object, got an array", id="json-array"
    ),
    pytest.param(
        "create_user", {}, b'"user"', "body: must be a JSON object, got a string", id="json-string"
    ),
    pytest.param("place_order", {}, b'{"a": "\xff"}', "body: not valid UTF-8", id="not-utf8"),
    pytest.param(
        "create_user",
        {},
        b'\xef\xbb\xbf{"user_id": "a"}',
        "body: not valid JSON (Unexpected UTF-8 BOM (decode using utf-8-sig) at line 1 column 1)",
        id="byte-order-mark",
    ),
    pytest.param(
        "create_user",
        {},
        b'{"user_id": "a", "user_id": "b"}',
        "body: field 'user_id' given twice",
        id="duplicate-key",
    ),
    pytest.param(
        "create_user",
        {},
        b'{"user_id": NaN}',
        "body: not valid JSON (number 'NaN' is not finite)",
        id="nan",
    ),
    pytest.param(
        "create_user",
        {},
        b'{"user_id": 1e999}',
        "body: not valid JSON (number '1e999' is not finite)",
        id="overflow",
    ),
    pytest.param(
        "create_user",
        {},
        b'{"user_id": "\\ud800"}',
        "body: contains text that is not valid Unicode",
        id="lone-surrogate",
    ),
    pytest.param("create_user", {}, b"[" * 100_000, "body: not valid JSON", id="deep-nesting"),
    pytest.param("place_order", {}, None, "body: required", id="missing-body"),
    pytest.param("create_user", {}, b"", "body: required", id="empty-body"),
    pytest.param(
        "modify_order",
        {},
        b'{"new_cl_order_id": "n1", "broker": "ALPACA"}',
        "body: must have at least 3 fields, got 2",
        id="modify-nothing",
    ),
    pytest.param(
        "create_user_token",
        {},
        b'{"scopes": ["read", "read"]}',
        "scopes: items must be unique",
        id="duplicate-scopes",
    ),
    pytest.param(
        "create_user_token",
        {},
        b'{"scopes": ["write"]}',
        "scopes[0]: 'write' is not one of read, trade",
        id="bad-scope",
    ),
    pytest.param(
        "create_connection",
        {},
        b'{"connection_type": "trade", "broker": "ALPACA", "redirect_url": "ftp://x"}',
        "redirect_url: 'ftp://x' does not match pattern",
        id="bad-redirect",
    ),
    pytest.param(
        "list_users",
        {},
        b"{}",
        "body: this operation takes no request body",
        id="body-not-expected",
    ),
]


@pytest.mark.parametrize(
    ("operation_id", "query", "body", "expected"),
    BAD_REQUESTS,
)
def test_bad_request_names_the_field(
    contract: Contract,
    operation_id: str,
    query: dict[str, list[str]],
    body: bytes | None,
    expected: str,
) -> None:
    """Each bad request is a 400 ContractViolation whose message starts with field and problem."""
    op = contract.operation(operation_id)
    path = {p.name: "x-1" for p in op.parameters if p.location == "path"}
    with pytest.raises(ContractViolation) as caught:
        check(contract, operation_id, query=query, body=body, path=path)
    assert caught.value.status == 400
    assert caught.value.message.startswith(expected), caught.value.message
    assert len(caught.value.message) <= MESSAGE_LIMIT


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(order(STK, drop=("instrument",)), id="stk-without-instrument"),
        pytest.param(order(STK, broker="alpaca"), id="lowercase-broker"),
        pytest.param(order(STK, drop=("order_qty",), order_notional="250.5"), id="notional"),
        pytest.param(
            order(STK, order_type="STPLMT", stop_price="9", order_limit_price="9.5"), id="stplmt"
        ),
        pytest.param(order(MLEG, order_limit_price="-1.05"), id="mleg-credit"),
    ],
)
def test_valid_orders_pass(contract: Contract, body: bytes) -> None:
    """Valid variants of the order body are accepted and returned parsed."""
    assert check(contract, "place_order", body=body).body == json.loads(body)


@pytest.mark.parametrize(
    "content_type",
    [
        pytest.param("application/json", id="json"),
        pytest.param("Application/JSON; charset=utf-8", id="json-charset"),
        pytest.param(None, id="missing"),
    ],
)
def test_json_content_types_are_accepted(contract: Contract, content_type: str | None) -> None:
    """``application/json`` (any case, with parameters) or no content type is accepted."""
    body = b'{"user_id": "u1"}'
    valid = check(contract, "create_user", body=body, content_type=content_type)
    assert valid.body == {"user_id": "u1"}


def test_other_content_type_is_refused(contract: Contract) -> None:
    """A body sent as anything but JSON is a ContractViolation naming the content type."""
    with pytest.raises(ContractViolation, match=r"^body: content type 'text/plain'"):
        check(contract, "create_user", body=b'{"user_id": "u1"}', content_type="text/plain")


def test_schema_validator_explains_through_the_tag(contract: Contract) -> None:
    """The PlaceOrderRequest validator names the real field, not the oneOf."""
    validator = contract.schema_validator("PlaceOrderRequest")
    assert validator.describe({**STK, "order_qty": "0"}) == "order_qty: must be greater than zero"
    with pytest.raises(ContractViolation, match=r"^order_qty: must be greater than zero$"):
        validator({**STK, "order_qty": "0"})


# -- hypothesis: nothing but ContractViolation ------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=16,
)
ORDER_KEYS = sorted({*STK, *MLEG, "order_notional", "order_limit_price", "stop_price", "zzz"})
BODY_OPERATIONS = ["place_order", "create_user", "create_connection", "modify_order"]


def refusal(contract: Contract, operation_id: str, body: bytes) -> str | None:
    """The ContractViolation message for ``body``, or None when it is valid."""
    try:
        check(contract, operation_id, body=body, path={"account_id": "a", "order_id": "o"})
    except ContractViolation as exc:
        return exc.message
    return None


def outcome(contract: Contract, operation_id: str, body: bytes) -> None:
    """Validate ``body``; only ContractViolation with a bounded message may escape."""
    message = refusal(contract, operation_id, body)
    assert message is None or 0 < len(message) <= MESSAGE_LIMIT


@settings(max_examples=200, deadline=None)
@given(operation_id=st.sampled_from(BODY_OPERATIONS), body=st.binary(max_size=256))
def test_arbitrary_bytes_only_raise_contract_violation(
    contract: Contract, operation_id: str, body: bytes
) -> None:
    """Any byte string as a body yields a result or a ContractViolation, nothing else."""
    outcome(contract, operation_id, body)


@settings(max_examples=200, deadline=None)
@given(operation_id=st.sampled_from(BODY_OPERATIONS), value=JSON_VALUES)
def test_arbitrary_json_only_raises_contract_violation(
    contract: Contract, operation_id: str, value: Any
) -> None:
    """Any JSON value as a body yields a result or a ContractViolation, nothing else."""
    outcome(contract, operation_id, json.dumps(value).encode())


@settings(max_examples=300, deadline=None)
@given(
    base=st.sampled_from([STK, MLEG]),
    key=st.sampled_from(ORDER_KEYS),
    value=JSON_VALUES | st.just(None),
    remove=st.booleans(),
)
def test_mutated_orders_only_raise_contract_violation(
    contract: Contract, base: dict[str, Any], key: str, value: Any, remove: bool
) -> None:
    """A valid order with one field replaced or removed never raises anything else."""
    body = order(base, drop=(key,)) if remove else order(base, **{key: value})
    outcome(contract, "place_order", body)


@settings(max_examples=200, deadline=None)
@given(
    query=st.dictionaries(
        st.sampled_from(["limit", "sort", "status", "start_time", "symbols", "cursor", "x"]),
        st.lists(st.text(max_size=30), max_size=2),
        max_size=4,
    )
)
def test_arbitrary_query_only_raises_contract_violation(
    contract: Contract, query: dict[str, list[str]]
) -> None:
    """Any query values yield a typed query or a ContractViolation, nothing else."""
    message = None
    try:
        check(contract, "list_orders", query=query)
    except ContractViolation as exc:
        message = exc.message
    assert message is None or 0 < len(message) <= MESSAGE_LIMIT


# -- responses --------------------------------------------------------------------------------


@pytest.mark.parametrize(("operation_id", "status", "example"), response_examples())
def test_every_response_example_validates(
    contract: Contract, operation_id: str, status: int, example: Any
) -> None:
    """Each documented response example matches its operation's response schema."""
    contract.validate_response(contract.operation(operation_id), status, example)


def order_example() -> dict[str, Any]:
    """The spec's Order example."""
    example: dict[str, Any] = SCHEMAS["Order"]["examples"][0]
    return dict(example)


@pytest.mark.parametrize(
    ("operation_id", "status", "body", "expected"),
    [
        pytest.param(
            "get_order",
            200,
            {**order_example(), "version": 3},
            "get_order 200: version: must be a string, got an integer",
            id="wrong-type",
        ),
        pytest.param(
            "get_order",
            200,
            {**order_example(), "created_at": "yesterday"},
            "get_order 200: created_at: 'yesterday' is not a valid date-time",
            id="bad-date-time",
        ),
        pytest.param(
            "list_users", 200, {"users": []}, "list_users 200: body: must be an array", id="object"
        ),
        pytest.param(
            "get_order", 404, {"error": "x"}, "get_order 404: body: missing required", id="error"
        ),
        pytest.param(
            "get_order", 418, {"message": "x"}, "get_order: status 418 is not documented", id="418"
        ),
        pytest.param(
            "list_users",
            400,
            {"message": "x"},
            "list_users: status 400 is not documented",
            id="400",
        ),
    ],
)
def test_bad_response_is_refused(
    contract: Contract, operation_id: str, status: int, body: Any, expected: str
) -> None:
    """A wrong body or an undocumented status raises ResponseViolation saying which."""
    op: Operation = contract.operation(operation_id)
    with pytest.raises(ResponseViolation) as caught:
        contract.validate_response(op, status, body)
    assert caught.value.message.startswith(expected), caught.value.message


# -- generic features the Connect Trade document does not use ---------------------------------

TINY: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "tiny", "version": "1"},
    "paths": {
        "/things/{thing_id}": {
            "put": {
                "operationId": "put_thing",
                "parameters": [
                    {
                        "name": "thing_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {"name": "dry", "in": "query", "required": True, "schema": {"type": "boolean"}},
                ],
                "responses": {"204": {"description": "Done."}},
            }
        }
    },
}


@pytest.fixture(scope="module")
def tiny() -> Contract:
    """A contract with no security, a required boolean query parameter and a bodiless answer."""
    return Contract(TINY)


def test_operation_without_security_needs_no_credentials(tiny: Contract) -> None:
    """An operation whose document declares no security requirement is SecurityKind.NONE."""
    found = tiny.match("PUT", "/things/t1")
    assert found.operation.security is SecurityKind.NONE
    assert found.operation.success_status == 204


@pytest.mark.parametrize(
    ("raw", "expected"),
    [pytest.param("true", True, id="true"), pytest.param("false", False, id="false")],
)
def test_boolean_query_parameter_is_typed(tiny: Contract, raw: str, expected: bool) -> None:
    """``true``/``false`` become booleans."""
    op = tiny.operation("put_thing")
    assert tiny.validate_request(op, {"thing_id": "t"}, {"dry": [raw]}, None).query == {
        "dry": expected
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param({"dry": ["yes"]}, "dry: must be true or false, got 'yes'", id="not-boolean"),
        pytest.param({}, "query parameter 'dry' is required", id="missing"),
    ],
)
def test_bad_boolean_or_missing_required_parameter(
    tiny: Contract, query: dict[str, list[str]], expected: str
) -> None:
    """A non-boolean value or a missing required parameter is named in the violation."""
    op = tiny.operation("put_thing")
    with pytest.raises(ContractViolation) as caught:
        tiny.validate_request(op, {"thing_id": "t"}, query, None)
    assert caught.value.message == expected


def test_bodiless_response_must_have_no_body(tiny: Contract) -> None:
    """A status documented without content accepts None and refuses a body."""
    op = tiny.operation("put_thing")
    tiny.validate_response(op, 204, None)
    with pytest.raises(ResponseViolation, match=r"^put_thing 204: no body is documented"):
        tiny.validate_response(op, 204, {"x": 1})
