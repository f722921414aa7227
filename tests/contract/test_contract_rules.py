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
    payload[kind.lower()]["version"] = str(payload["version"] - 1)
    problems = validate.check_asyncapi(doc)
    assert any(f"{kind}Update example: version" in problem for problem in problems), problems


@pytest.mark.parametrize("name", ["Position", "Balance", "Order"], ids=str.lower)
def test_stream_entity_schemas_must_be_the_rest_ones(name: str) -> None:
    """An entity schema embedded in asyncapi.json that drifts from openapi.json is reported."""
    doc = copy.deepcopy(ASYNCAPI)
    del doc["components"]["schemas"][name]["properties"]["version"]
    problems = validate.check_shared_schemas(OPENAPI, doc)
    assert problems == [
        f"schema {name} differs from openapi.json's (stream frames carry the REST shape)"
    ]


def test_every_stream_message_in_both_directions_has_a_schema() -> None:
    """Both channels declare client and server messages, each with a payload schema."""
    operations = ASYNCAPI["operations"]
    for channel in ("brokerage", "marketData"):
        actions = {op["action"] for op in operations.values() if channel in op["channel"]["$ref"]}
        assert actions == {"send", "receive"}
    for name, message in ASYNCAPI["components"]["messages"].items():
        assert message["payload"] == {"$ref": f"#/components/schemas/{name}"}
