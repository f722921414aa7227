"""The generated client agrees with the contract it was generated from."""

from __future__ import annotations

import enum
import importlib
import json
from pathlib import Path
from typing import Any

import pytest

import connecttrade_client
from connecttrade_client import models

SPEC: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "openapi" / "openapi.json").read_text()
)
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]


def _variant_for(schema: dict[str, Any], example: dict[str, Any]) -> type[Any]:
    """The generated model of the `oneOf` variant whose const tag matches the example."""
    for variant in schema["oneOf"]:
        name = variant["$ref"].rsplit("/", 1)[-1]
        props = SCHEMAS[name]["properties"]
        tag, tag_schema = next((k, v) for k, v in props.items() if "const" in v)
        if example.get(tag, tag_schema["const"]) == tag_schema["const"]:
            return getattr(models, name)  # type: ignore[no-any-return]
    raise AssertionError(f"no variant matches {example}")


EXAMPLES = [
    pytest.param(name, index, example, id=f"{name}-{index}")
    for name, schema in SCHEMAS.items()
    if schema.get("type") == "object" or "oneOf" in schema
    for index, example in enumerate(schema.get("examples", []))
]


@pytest.mark.parametrize(("name", "index", "example"), EXAMPLES)
def test_every_example_round_trips_through_the_generated_model(
    name: str, index: int, example: dict[str, Any]
) -> None:
    """to_dict(from_dict(example)) gives back the example unchanged, for every schema example."""
    schema = SCHEMAS[name]
    model = _variant_for(schema, example) if "oneOf" in schema else getattr(models, name)
    assert model.from_dict(example).to_dict() == example


ENUMS = [
    pytest.param(name, schema["enum"], id=name)
    for name, schema in SCHEMAS.items()
    if "enum" in schema
]


@pytest.mark.parametrize(("name", "values"), ENUMS)
def test_every_enum_value_of_the_contract_is_a_distinct_member(
    name: str, values: list[str]
) -> None:
    """No enum value is lost to a member-name collision (openapi-python-client maps DAY+ to DAY)."""
    generated: type[enum.Enum] = getattr(models, name)
    assert sorted(member.value for member in generated) == sorted(values)


def test_every_operation_has_a_generated_function() -> None:
    """Each operationId becomes api.<tag>.<operationId> with sync and async calls."""
    for item in SPEC["paths"].values():
        for method, operation in item.items():
            if method == "parameters":
                continue
            module = importlib.import_module(
                f"connecttrade_client.api.{operation['tags'][0]}.{operation['operationId']}"
            )
            for function in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
                assert callable(getattr(module, function))


def test_generated_package_ships_its_type_marker() -> None:
    """py.typed is installed, so users' type checkers read the generated types."""
    assert (Path(connecttrade_client.__file__).parent / "py.typed").is_file()


def test_no_request_body_degrades_to_any() -> None:
    """Every request body gets a generated model (a top-level anyOf silently becomes `Any`)."""
    api_dir = Path(connecttrade_client.__file__).parent / "api"
    untyped = [p.name for p in api_dir.rglob("*.py") if "body: Any" in p.read_text()]
    assert untyped == []
