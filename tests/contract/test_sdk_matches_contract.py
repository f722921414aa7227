"""The SDK's own readers, results, enums and operations agree with openapi/openapi.json.

The SDK builds requests with the generated client but reads answers with its own field
tables (``connecttrade._wire.parse.TABLES``, one per contract schema) into its own result
types, so nothing else ties those to the contract. These checks do, by name:

- every property of every schema an operation answers with (nested ones included) is read
  into a result field, or is listed in ``NOT_SURFACED`` with the reason; every key a table
  reads is a property of its schema; nullability and the enum a field reads match;
- every SDK enum has exactly the values of the contract schema it mirrors (``MIRRORS``);
- every ``operationId`` has an SDK operation in ``connecttrade._http.endpoints``, or is
  listed in ``NOT_OPERATED`` with the reason.

Each check is a function from a spec to a list of problems, each naming what differs and
what to do; the tests at the end apply realistic spec changes in memory and show each
check reports them.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from connecttrade import UnexpectedResponseError
from connecttrade._http import endpoints
from connecttrade._wire import parse
from connecttrade.types import enums
from connecttrade.types.broker import Broker
from connecttrade.types.secret import Secret

SPEC: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "openapi" / "openapi.json").read_text()
)

#: Properties of answer schemas the SDK deliberately does not surface, with the reason.
NOT_SURFACED: dict[str, str] = {
    "OrderPage.orders": "the page's items: read by parse.page into Order values",
    "OrderPage.next_cursor": "read by parse.page; the SDK's list calls follow it for you",
    "OrderPage.prev_cursor": "the SDK pages forward only (it follows next_cursor)",
    "TransactionPage.transactions": "the page's items: read by parse.page into Transactions",
    "TransactionPage.next_cursor": "read by parse.page; the SDK's list calls follow it",
    "TransactionPage.prev_cursor": "the SDK pages forward only (it follows next_cursor)",
    "Deleted.id": "delete_user/delete_connection return None: the id is the one passed in",
    "Deleted.deleted": "always true on a 2xx answer; a failed delete is an error instead",
    "Account.options_level": "optional and not known from the live API: read it from extra",
}

#: Answer schemas the SDK reads without a result type of their own (see NOT_SURFACED).
NO_TABLE = frozenset({"OrderPage", "TransactionPage", "Deleted"})

#: The contract schema each SDK enum mirrors value for value.
MIRRORS: dict[type[StrEnum], str] = {
    Broker: "BrokerCode",
    enums.AccountType: "AccountType",
    enums.ConnectionType: "ConnectionType",
    enums.Instrument: "Instrument",
    enums.LegAction: "OptionSide",
    enums.OrderSide: "OrderSide",
    enums.OrderStatus: "OrderStatus",
    enums.OrderType: "OrderType",
    enums.TimeInForce: "TimeInForce",
    enums.TransactionType: "TransactionType",
}

#: Contract operations the SDK deliberately does not offer, with the reason.
NOT_OPERATED: dict[str, str] = {}


# --- reading the contract ------------------------------------------------------------


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _refs(schema: object) -> Iterator[str]:
    """Every schema name referenced anywhere inside ``schema``."""
    if isinstance(schema, dict):
        name = _ref_name(schema)
        if name is not None:
            yield name
        for value in schema.values():
            yield from _refs(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _refs(value)


def operations(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every operation of the spec by operationId."""
    return {
        op["operationId"]: op
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }


def answer_schemas(spec: dict[str, Any]) -> list[str]:
    """The object schemas of every success answer, nested ones included, sorted."""
    schemas = spec["components"]["schemas"]
    todo = [
        name
        for op in operations(spec).values()
        for status, answer in op["responses"].items()
        if status.startswith("2")
        for name in _refs(answer.get("content", {}))
    ]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(_refs(schemas[name]))
    return sorted(name for name in seen if "properties" in schemas[name])


def _nullable(prop: dict[str, Any]) -> bool:
    kinds = prop.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    return any(variant.get("type") == "null" for variant in prop.get("oneOf", []))


def _enum_of(prop: dict[str, Any], spec: dict[str, Any]) -> str | None:
    """The enum schema a property takes its values from (directly or in a oneOf)."""
    schemas = spec["components"]["schemas"]
    for candidate in [prop, *prop.get("oneOf", [])]:
        name = _ref_name(candidate)
        if name is not None and "enum" in schemas[name]:
            return name
    return None


# --- the checks: a spec in, the problems out ---------------------------------------


def field_problems(spec: dict[str, Any], name: str) -> list[str]:
    """How the SDK's reading of schema ``name`` differs from the contract, one line each."""
    schema = spec["components"]["schemas"][name]
    props: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    table = parse.TABLES.get(name)
    fields = {field.key: field for field in table.fields} if table else {}
    problems: list[str] = []
    if table is None and name not in NO_TABLE:
        problems.append(
            f"{name}: an answer schema the SDK has no table for: add a result in "
            f"types/results.py and a FieldTable named {name!r} in _wire/parse.py (TABLES), "
            "or add it to NO_TABLE and its properties to NOT_SURFACED with reasons"
        )
    unread = [key for key in props if key not in fields and f"{name}.{key}" not in NOT_SURFACED]
    for key in unread:
        problems.append(
            f"{name}.{key}: in the contract but no SDK result field reads it (SDK users see "
            f"it only in {table.result.__name__ if table else name}.extra): add the field to "
            f"the result in types/results.py and to the {name} table in _wire/parse.py, or "
            "list it in NOT_SURFACED with a one-line reason"
        )
    for key, field in fields.items():
        result = table.result.__name__ if table else name
        if key not in props:
            hint = f" (renamed to {', '.join(map(repr, unread))}?)" if unread else ""
            problems.append(
                f"{name}.{key}: the SDK reads it into {result}.{field.attribute}, but the "
                f"contract's {name} has no such property{hint}: change the key in the {name} "
                "table of _wire/parse.py (keep the attribute name for SDK users, or rename it "
                "deliberately)"
            )
            continue
        prop = props[key]
        if key not in required:
            problems.append(
                f"{name}.{key}: optional in the contract, but the SDK's table requires every "
                "key: teach the table to read it as optional, or make it required in the spec"
            )
        if _nullable(prop) != field.nullable:
            want = "nullable (opt_*)" if _nullable(prop) else "not nullable"
            problems.append(
                f"{name}.{key}: the contract makes it {want}, the SDK reads "
                f"{result}.{field.attribute} otherwise: change its reader in _wire/parse.py "
                "and its type in types/results.py"
            )
        mirrored = MIRRORS.get(field.kind) if field.kind else None
        contract_enum = _enum_of(prop, spec)
        if field.kind is not None and mirrored != contract_enum:
            problems.append(
                f"{name}.{key}: takes its values from {contract_enum}, but the SDK reads it "
                f"as {field.kind.__name__} (mirrors {mirrored}): use the enum mirroring "
                f"{contract_enum} (MIRRORS in this file)"
            )
    for entry in NOT_SURFACED:
        schema_name, _, key = entry.partition(".")
        if schema_name == name and key not in props:
            problems.append(
                f"{entry}: listed in NOT_SURFACED but the contract's {name} has no such "
                "property: remove the entry"
            )
    return problems


def enum_problems(spec: dict[str, Any], kind: type[StrEnum]) -> list[str]:
    """How the values of SDK enum ``kind`` differ from the schema it mirrors."""
    name = MIRRORS[kind]
    schema = spec["components"]["schemas"].get(name)
    if schema is None or "enum" not in schema:
        return [f"{kind.__name__}: mirrors {name}, which the contract no longer has as an enum"]
    contract = list(schema["enum"])
    sdk = [member.value for member in kind]
    problems = [
        f"{kind.__name__}: the contract's {name} has {value!r}, the SDK's {kind.__name__} "
        "lacks it (answers keep it readable as text): add a member in types/enums.py"
        for value in contract
        if value not in sdk
    ]
    problems += [
        f"{kind.__name__}: has {value!r}, which the contract's {name} no longer lists: "
        "remove the member from types/enums.py (a breaking change for SDK users: say so)"
        for value in sdk
        if value not in contract
    ]
    return problems


def sdk_operations() -> set[str]:
    """The operations of the generated client that endpoints.py builds requests with."""
    return {
        value.__name__.rsplit(".", 1)[-1]
        for value in vars(endpoints).values()
        if isinstance(value, ModuleType) and value.__name__.startswith("connecttrade_client.api.")
    }


def operation_problems(spec: dict[str, Any]) -> list[str]:
    """operationIds without an SDK operation, and SDK operations the contract lacks."""
    contract = set(operations(spec))
    sdk = sdk_operations()
    problems = [
        f"{op}: a contract operation the SDK does not offer: write it in _http/endpoints.py "
        "(and the resources of Client and AsyncClient), or list it in NOT_OPERATED with a reason"
        for op in sorted(contract - sdk - set(NOT_OPERATED))
    ]
    problems += [
        f"{op}: endpoints.py calls it, but the contract has no such operationId: "
        "regenerate the client and remove or rename the SDK operation"
        for op in sorted(sdk - contract)
    ]
    problems += [
        f"{op}: listed in NOT_OPERATED but "
        f"{'the SDK offers it' if op in sdk else 'the contract has no such operation'}: "
        "remove the entry"
        for op in sorted(set(NOT_OPERATED) & sdk | set(NOT_OPERATED) - contract)
    ]
    return problems


# --- today's contract ----------------------------------------------------------------


def _no_problems(problems: list[str]) -> None:
    """Fail with one line per problem (what differs, what to do) if there are any."""
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.mark.parametrize("name", answer_schemas(SPEC))
def test_sdk_reads_every_property_of_the_answer_schema(name: str) -> None:
    """Every property of this answer schema is a result field or listed as not surfaced."""
    _no_problems(field_problems(SPEC, name))


def test_every_sdk_table_reads_an_answer_schema() -> None:
    """Each field table is named after a schema some operation answers with."""
    assert sorted(set(parse.TABLES) - set(answer_schemas(SPEC))) == []


@pytest.mark.parametrize("kind", list(MIRRORS), ids=lambda kind: kind.__name__)
def test_sdk_enum_has_exactly_the_contract_values(kind: type[StrEnum]) -> None:
    """This SDK enum has the values of the schema it mirrors, no more and no fewer."""
    _no_problems(enum_problems(SPEC, kind))


def test_every_sdk_enum_names_the_schema_it_mirrors() -> None:
    """Each enum of types/enums.py (and Broker) is in MIRRORS, so none escapes the check."""
    found = {
        value
        for value in vars(enums).values()
        if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
    } | {Broker}
    assert sorted(kind.__name__ for kind in found - set(MIRRORS)) == []


def test_every_contract_operation_has_an_sdk_operation() -> None:
    """Every operationId is an SDK operation or listed with a reason, and none is stale."""
    _no_problems(operation_problems(SPEC))


def test_not_surfaced_entries_name_answer_schemas() -> None:
    """Every NOT_SURFACED entry is Schema.property of an answer schema and gives a reason."""
    schemas = set(answer_schemas(SPEC))
    for entry, reason in NOT_SURFACED.items():
        assert entry.partition(".")[0] in schemas, entry
        assert reason.strip(), entry


# --- required fields and unknown ones, on every table --------------------------------


def _example(name: str) -> dict[str, Any]:
    """The contract's example of schema ``name`` (the first), as an answer body."""
    examples = SPEC["components"]["schemas"][name].get("examples")
    assert examples, f"{name} has no example in the contract"
    return copy.deepcopy(examples[0])


TABLE_KEYS = [
    pytest.param(name, field.key, id=f"{name}.{field.key}")
    for name, table in sorted(parse.TABLES.items())
    for field in table.fields
]


@pytest.mark.parametrize("name", sorted(parse.TABLES))
def test_the_contract_example_reads_with_nothing_extra(name: str) -> None:
    """The contract's example of each answer schema reads, fast and checked alike, no extra."""
    table = parse.TABLES[name]
    body = _example(name)
    assert table.read(body) == table.read_checked(body)
    assert dict(table.read(body).extra) == {}


@pytest.mark.parametrize(("name", "key"), TABLE_KEYS)
def test_a_required_key_missing_from_an_answer_is_an_error_naming_it(name: str, key: str) -> None:
    """Dropping any key the contract requires raises UnexpectedResponseError naming it."""
    table = parse.TABLES[name]
    body = _example(name)
    del body[key]
    for read in (table.read, table.read_checked):
        with pytest.raises(UnexpectedResponseError, match=rf"^{name}\.{key}: missing"):
            read(body)


def test_a_missing_nullable_position_field_is_not_silently_none() -> None:
    """A Position answer without unrealized_pl (renamed upstream) raises instead of None."""
    body = _example("Position")
    body["unrealized_pnl"] = body.pop("unrealized_pl")
    with pytest.raises(UnexpectedResponseError) as caught:
        parse.position(body)
    assert str(caught.value) == (
        "Position.unrealized_pl: missing (the contract's Position requires it)"
    )


@pytest.mark.parametrize("name", sorted(parse.TABLES))
def test_unknown_properties_stay_readable_in_extra(name: str) -> None:
    """A property the SDK does not know is kept, as its JSON value, in result.extra."""
    table = parse.TABLES[name]
    body = {**_example(name), "brand_new": {"nested": ["1.5", None]}}
    fast, checked = table.read(body), table.read_checked(body)
    assert fast == checked
    assert dict(fast.extra) == {"brand_new": {"nested": ["1.5", None]}}
    assert fast != table.read(_example(name))  # extra takes part in equality
    assert "brand_new" not in repr(fast)  # the repr shows the known fields only
    with pytest.raises(TypeError):
        fast.extra["brand_new"] = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.extra = {}
    if not any(isinstance(getattr(fast, field.attribute), Secret) for field in table.fields):
        # (results holding a Secret refuse hashing and pickling on purpose)
        # extra is left out of the hash: equal results hash alike, extras or not
        assert hash(fast) == hash(dataclasses.replace(fast, extra={}))
        assert pickle.loads(pickle.dumps(fast)) == fast  # noqa: S301 -- our own bytes


# --- each check can fail: realistic spec changes, applied in memory --------------------


def _changed() -> dict[str, Any]:
    return copy.deepcopy(SPEC)


def test_an_optional_order_field_added_to_the_contract_is_reported() -> None:
    """A new optional Order property is reported by name until the SDK reads it."""
    spec = _changed()
    spec["components"]["schemas"]["Order"]["properties"]["trail_percent"] = {
        "type": ["string", "null"]
    }
    problems = field_problems(spec, "Order")
    assert len(problems) == 1
    assert problems[0].startswith("Order.trail_percent: in the contract but no SDK result field")
    assert "NOT_SURFACED" in problems[0]


def test_a_renamed_position_field_is_reported_at_both_names() -> None:
    """Renaming Position.unrealized_pl names the old key the SDK reads and the new one."""
    spec = _changed()
    position = spec["components"]["schemas"]["Position"]
    position["properties"] = {
        ("unrealized_pnl" if key == "unrealized_pl" else key): value
        for key, value in position["properties"].items()
    }
    position["required"] = [
        "unrealized_pnl" if key == "unrealized_pl" else key for key in position["required"]
    ]
    problems = field_problems(spec, "Position")
    assert any(
        p.startswith("Position.unrealized_pnl: in the contract but no SDK") for p in problems
    )
    assert any(
        p.startswith("Position.unrealized_pl: the SDK reads it into Position.unrealized_pl")
        and "renamed to 'unrealized_pnl'?" in p
        for p in problems
    ), problems


def test_a_field_made_nullable_is_reported() -> None:
    """Making a non-null Order property nullable is reported: the SDK would raise on null."""
    spec = _changed()
    spec["components"]["schemas"]["Order"]["properties"]["broker_status"]["type"] = [
        "string",
        "null",
    ]
    assert field_problems(spec, "Order") == [
        "Order.broker_status: the contract makes it nullable (opt_*), the SDK reads "
        "Order.broker_status otherwise: change its reader in _wire/parse.py and its type in "
        "types/results.py"
    ]


def test_a_field_made_optional_is_reported() -> None:
    """Dropping a Balance property from required is reported: the SDK requires every key."""
    spec = _changed()
    spec["components"]["schemas"]["Balance"]["required"].remove("collateral")
    [problem] = field_problems(spec, "Balance")
    assert problem.startswith("Balance.collateral: optional in the contract")


def test_a_new_answer_schema_without_a_table_is_reported() -> None:
    """A new operation answering with a new schema is reported for the schema and the op."""
    spec = _changed()
    spec["components"]["schemas"]["Quote"] = {
        "type": "object",
        "required": ["symbol"],
        "properties": {"symbol": {"type": "string"}},
    }
    spec["paths"]["/quotes"] = {
        "get": {
            "operationId": "get_quote",
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Quote"}}
                    },
                }
            },
        }
    }
    assert "Quote" in answer_schemas(spec)
    problems = field_problems(spec, "Quote")
    assert problems[0].startswith("Quote: an answer schema the SDK has no table for")
    assert any(p.startswith("Quote.symbol:") for p in problems)
    assert operation_problems(spec) == [
        "get_quote: a contract operation the SDK does not offer: write it in "
        "_http/endpoints.py (and the resources of Client and AsyncClient), or list it in "
        "NOT_OPERATED with a reason"
    ]


def test_an_operation_removed_from_the_contract_is_reported() -> None:
    """An operationId the SDK still calls but the contract dropped is reported."""
    spec = _changed()
    del spec["paths"]["/auth/tokens/user"]
    [problem] = operation_problems(spec)
    assert problem.startswith("create_user_token: endpoints.py calls it")


def test_an_enum_value_added_to_the_contract_is_reported() -> None:
    """A new OrderStatus value is reported until types/enums.py has a member for it."""
    spec = _changed()
    spec["components"]["schemas"]["OrderStatus"]["enum"].append("suspended")
    assert enum_problems(spec, enums.OrderStatus) == [
        "OrderStatus: the contract's OrderStatus has 'suspended', the SDK's OrderStatus lacks "
        "it (answers keep it readable as text): add a member in types/enums.py"
    ]


def test_an_enum_value_removed_from_the_contract_is_reported() -> None:
    """A TimeInForce value the contract dropped is reported against the SDK's member."""
    spec = _changed()
    spec["components"]["schemas"]["TimeInForce"]["enum"].remove("GTC+")
    [problem] = enum_problems(spec, enums.TimeInForce)
    assert problem.startswith("TimeInForce: has 'GTC+', which the contract's TimeInForce no")


def test_a_field_moved_to_another_enum_is_reported() -> None:
    """An OrderLeg action that switches to OrderSide values no longer matches LegAction."""
    spec = _changed()
    spec["components"]["schemas"]["OrderLeg"]["properties"]["action"] = {
        "$ref": "#/components/schemas/OrderSide"
    }
    [problem] = field_problems(spec, "OrderLeg")
    assert problem.startswith("OrderLeg.action: takes its values from OrderSide")
