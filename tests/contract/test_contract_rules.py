"""openapi/validate.py catches contract mistakes, and the committed contract has none."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

OPENAPI_DIR = Path(__file__).parents[2] / "openapi"


def _load_validator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("contract_validate", OPENAPI_DIR / "validate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


validate = _load_validator()
OPENAPI: dict[str, Any] = json.loads((OPENAPI_DIR / "openapi.json").read_text())
ASYNCAPI: dict[str, Any] = json.loads((OPENAPI_DIR / "asyncapi.json").read_text())


def test_committed_contract_has_no_problems() -> None:
    """Both committed documents pass every rule."""
    assert validate.check_openapi(OPENAPI) == []
    assert validate.check_asyncapi(ASYNCAPI) == []
    assert validate.check_shared_schemas(OPENAPI, ASYNCAPI) == []


def _break_open_body(doc: dict[str, Any]) -> None:
    del doc["components"]["schemas"]["CreateUserRequest"]["additionalProperties"]


def _break_example(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["Fill"]["examples"][0]["price"] = "12.3456789012"


def _break_errors(doc: dict[str, Any]) -> None:
    del doc["paths"]["/orders"]["post"]["responses"]["401"]


def _break_link(doc: dict[str, Any]) -> None:
    links = doc["paths"]["/orders"]["post"]["responses"]["201"]["links"]
    links["GetOrder"]["parameters"]["orderId"] = "$response.body#/order_id"


def _break_variant_tag(doc: dict[str, Any]) -> None:
    del doc["components"]["schemas"]["OptionOrderRequest"]["properties"]["instrument"]["const"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        pytest.param(_break_open_body, "not closed", id="open-request-body"),
        pytest.param(_break_example, "example 0", id="invalid-example"),
        pytest.param(_break_errors, "does not document 401", id="undocumented-401"),
        pytest.param(_break_link, "orderId is not a parameter", id="link-to-unknown-parameter"),
        pytest.param(_break_variant_tag, "no const tag", id="untagged-oneof-variant"),
    ],
)
def test_openapi_rules_catch_each_kind_of_mistake(mutate: Any, expected: str) -> None:
    """A contract broken in one way is reported with a message that names the mistake."""
    doc = copy.deepcopy(OPENAPI)
    mutate(doc)
    problems = validate.check_openapi(doc)
    assert any(expected in problem for problem in problems), problems


def test_asyncapi_rules_catch_a_message_example_that_does_not_validate() -> None:
    """A stream message example that breaks its payload schema is reported by name."""
    doc = copy.deepcopy(ASYNCAPI)
    doc["components"]["messages"]["OrderUpdate"]["examples"][0]["payload"]["seq"] = 0
    problems = validate.check_asyncapi(doc)
    assert any("message OrderUpdate" in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("where", "kind"),
    [
        pytest.param("schemas", "Position", id="position-update-schema-example"),
        pytest.param("messages", "Balance", id="balance-update-message-example"),
    ],
)
def test_asyncapi_rules_catch_an_update_version_that_is_not_its_entitys(
    where: str, kind: str
) -> None:
    """An update example whose `version` differs from its entity's version is reported."""
    doc = copy.deepcopy(ASYNCAPI)
    example = doc["components"][where][f"{kind}Update"]["examples"][0]
    payload = example["payload"] if where == "messages" else example
    payload[kind.lower()]["version"] = str(int(payload["version"]) - 1)
    problems = validate.check_asyncapi(doc)
    assert any(f"{kind}Update example: version" in problem for problem in problems), problems


FIX = "run `nox -s spec_sync` to copy openapi.json's schemas into asyncapi.json"


@pytest.mark.parametrize("name", ["Position", "Balance", "Order"], ids=str.lower)
def test_stream_entity_schemas_must_be_the_rest_ones(name: str) -> None:
    """A copy of a REST schema in asyncapi.json that drifts from openapi.json is reported
    with what differs and the command that fixes it."""
    doc = copy.deepcopy(ASYNCAPI)
    del doc["components"]["schemas"][name]["properties"]["version"]
    problems = validate.check_shared_schemas(OPENAPI, doc)
    assert problems == [
        f"schema {name} is not openapi.json's (property 'version' is in openapi.json but not "
        f"in the copy): {FIX}"
    ]


def test_a_renamed_rest_field_is_copied_into_asyncapi_by_spec_sync() -> None:
    """After the vendor renames `unrealized_pl` in openapi.json, the check names the field
    and `spec_sync`'s rewrite makes the copy the REST schema again."""
    shared = validate._load_shared_schemas()
    openapi, asyncapi = copy.deepcopy(OPENAPI), copy.deepcopy(ASYNCAPI)
    position = openapi["components"]["schemas"]["Position"]
    position["properties"]["unrealized_pnl"] = position["properties"].pop("unrealized_pl")
    position["required"] = [
        "unrealized_pnl" if key == "unrealized_pl" else key for key in position["required"]
    ]
    problems = shared.problems(openapi, asyncapi)
    assert len(problems) == 1
    assert "property 'unrealized_pnl' is in openapi.json but not in the copy" in problems[0]
    synced = shared.synced(openapi, asyncapi)
    assert shared.problems(openapi, synced) == []
    copy_of = synced["components"]["schemas"]["Position"]
    assert copy_of["x-copied-from"] == "openapi.json#/components/schemas/Position"
    assert "unrealized_pnl" in copy_of["properties"]


def test_a_new_rest_reference_brings_its_schema_along_and_a_lost_one_is_named() -> None:
    """A REST schema that a copy starts to refer to is copied too; a copy whose REST schema
    is gone (the vendor's spec names it otherwise) is reported with who refers to it."""
    shared = validate._load_shared_schemas()
    openapi, asyncapi = copy.deepcopy(OPENAPI), copy.deepcopy(ASYNCAPI)
    rest = openapi["components"]["schemas"]
    rest["Order"]["properties"]["transaction"] = {"$ref": "#/components/schemas/Transaction"}
    assert any("Transaction" in problem for problem in shared.problems(openapi, asyncapi))
    synced = shared.synced(openapi, copy.deepcopy(asyncapi))
    assert "Transaction" in synced["components"]["schemas"]
    assert shared.problems(openapi, synced) == []
    del rest["Balance"]
    lost = shared.problems(openapi, asyncapi)
    assert any(
        "schema Balance is a copy of a REST schema openapi.json no longer has "
        "(referred to by BalanceUpdate)" in problem
        for problem in lost
    ), lost


def test_every_stream_message_in_both_directions_has_a_schema() -> None:
    """Both channels declare client and server messages, each with a payload schema."""
    operations = ASYNCAPI["operations"]
    for channel in ("brokerage", "marketData"):
        actions = {op["action"] for op in operations.values() if channel in op["channel"]["$ref"]}
        assert actions == {"send", "receive"}
    for name, message in ASYNCAPI["components"]["messages"].items():
        assert message["payload"] == {"$ref": f"#/components/schemas/{name}"}
