"""openapi/spec_diff.py classifies vendor-style changes to the real contract for a client.

Each test edits a copy of openapi/openapi.json the way a vendor's new release might, and checks
what the schema check says about it, including inside the `oneOf` variants of the `POST /orders`
request body and their `allOf`/`if`/`then` rules, which optic (`nox -s spec_diff`) skips.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

OPENAPI_DIR = Path(__file__).parents[2] / "openapi"
SPEC_PATH = OPENAPI_DIR / "openapi.json"


def _load_spec_diff() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "contract_spec_diff", OPENAPI_DIR / "spec_diff.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


spec_diff = _load_spec_diff()
OPENAPI: dict[str, Any] = json.loads(SPEC_PATH.read_text())
BREAKING = "breaking"
SDK_SAFE = "non-breaking for the SDK"
SAFE = "non-breaking"


def _changed(edit: Callable[[dict[str, Any]], None]) -> tuple[dict[str, Any], list[Any]]:
    new = copy.deepcopy(OPENAPI)
    edit(new)
    return new, spec_diff.diff(OPENAPI, new)


def _schemas(doc: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = doc["components"]["schemas"]
    return schemas


def _only(changes: list[Any], where: str) -> Any:
    found = [change for change in changes if change.where == where]
    assert len(found) == 1, [change.line() for change in changes]
    return found[0]


def test_the_unchanged_contract_has_no_changes() -> None:
    """Comparing the contract with itself reports nothing."""
    assert spec_diff.diff(OPENAPI, copy.deepcopy(OPENAPI)) == []
    assert spec_diff.report([], OPENAPI) == "No changes.\n"


def test_an_optional_response_field_added_to_order_is_non_breaking() -> None:
    """A new optional field on Order is a response change clients can ignore."""

    def edit(doc: dict[str, Any]) -> None:
        _schemas(doc)["Order"]["properties"]["venue"] = {"type": ["string", "null"]}

    _, changes = _changed(edit)
    change = _only(changes, "Order.venue")
    assert len(changes) == 1
    assert (change.kind, change.severity) == ("property-added-optional", SAFE)
    assert change.why.startswith("in responses:")


def test_a_renamed_position_field_is_a_breaking_removal_with_a_rename_hint() -> None:
    """Position.unrealized_pl -> unrealized_pnl removes a field clients read: breaking."""

    def edit(doc: dict[str, Any]) -> None:
        position = _schemas(doc)["Position"]
        position["properties"]["unrealized_pnl"] = position["properties"].pop("unrealized_pl")
        required = position["required"]
        required[required.index("unrealized_pl")] = "unrealized_pnl"

    _, changes = _changed(edit)
    removed = _only(changes, "Position.unrealized_pl")
    added = _only(changes, "Position.unrealized_pnl")
    assert len(changes) == 2
    assert (removed.kind, removed.severity) == ("property-removed", BREAKING)
    assert "renamed to 'unrealized_pnl'?" in removed.what
    assert (added.kind, added.severity) == ("property-added-required", SAFE)


def test_an_enum_value_removed_from_a_post_orders_variant_is_breaking() -> None:
    """Dropping FOK from the multi-leg variant's order_tif refuses what clients send today."""

    def edit(doc: dict[str, Any]) -> None:
        _schemas(doc)["MultiLegOrderRequest"]["properties"]["order_tif"]["enum"].remove("FOK")

    _, changes = _changed(edit)
    change = _only(changes, "MultiLegOrderRequest.order_tif")
    assert len(changes) == 1
    assert (change.kind, change.severity) == ("enum-removed", BREAKING)
    assert change.subject == "MultiLegOrderRequest"
    assert change.why.startswith("in requests:")


def test_an_enum_value_removed_from_a_shared_enum_is_breaking_through_the_requests() -> None:
    """OrderType is read in responses and sent in requests; losing STPLMT breaks the senders."""

    def edit(doc: dict[str, Any]) -> None:
        _schemas(doc)["OrderType"]["enum"].remove("STPLMT")

    _, changes = _changed(edit)
    change = _only(changes, "OrderType")
    assert (change.kind, change.severity) == ("enum-removed", BREAKING)
    assert change.why.startswith("in requests:")


def test_an_enum_value_added_to_a_response_is_non_breaking_for_the_sdk() -> None:
    """A new OrderStatus value breaks strict clients only; the SDK keeps unknown values."""

    def edit(doc: dict[str, Any]) -> None:
        _schemas(doc)["OrderStatus"]["enum"].append("suspended")

    _, changes = _changed(edit)
    change = _only(changes, "OrderStatus")
    assert len(changes) == 1
    assert (change.kind, change.severity) == ("enum-added", SDK_SAFE)
    assert "the SDK keeps unknown values readable" in change.why


def test_an_enum_value_added_to_a_request_only_enum_is_non_breaking() -> None:
    """A new OrderStatusFilter value (a query parameter) is one more thing clients may send."""

    def edit(doc: dict[str, Any]) -> None:
        _schemas(doc)["OrderStatusFilter"]["enum"].append("stale")

    _, changes = _changed(edit)
    assert [(c.where, c.kind, c.severity) for c in changes] == [
        ("OrderStatusFilter", "enum-added", SAFE)
    ]


def test_a_request_field_required_inside_an_if_then_rule_is_breaking() -> None:
    """Limit equity orders newly requiring order_qty (an allOf if/then rule) is breaking."""

    def edit(doc: dict[str, Any]) -> None:
        rules = _schemas(doc)["EquityOrderRequest"]["allOf"]
        assert rules[1]["if"]["properties"]["order_type"]["const"] == "LMT"
        rules[1]["then"]["required"].append("order_qty")

    _, changes = _changed(edit)
    change = _only(changes, "EquityOrderRequest.allOf[1].then")
    assert len(changes) == 1
    assert (change.kind, change.severity) == ("became-required", BREAKING)
    assert "'order_qty' became required" in change.what


def test_a_request_field_of_a_post_orders_variant_becoming_required_is_breaking() -> None:
    """Equity orders newly requiring `instrument` (no STK default any more) is breaking."""

    def edit(doc: dict[str, Any]) -> None:
        _schemas(doc)["EquityOrderRequest"]["required"].insert(0, "instrument")

    new, changes = _changed(edit)
    change = _only(changes, "EquityOrderRequest")
    assert (change.kind, change.severity) == ("became-required", BREAKING)
    assert "EquityOrderRequest (in requests of POST /orders)" in spec_diff.report(changes, new)


def test_a_new_operation_is_non_breaking_and_a_removed_one_breaking() -> None:
    """GET /quotes added is non-breaking; DELETE /users/{user_id} removed is breaking."""

    def edit(doc: dict[str, Any]) -> None:
        doc["paths"]["/quotes"] = {
            "get": {
                "operationId": "get_quotes",
                "responses": {"200": {"description": "Quotes."}},
            }
        }
        del doc["paths"]["/users/{user_id}"]["delete"]

    _, changes = _changed(edit)
    added = _only(changes, "GET /quotes")
    removed = _only(changes, "DELETE /users/{user_id}")
    assert (added.section, added.kind, added.severity) == ("operation", "operation-added", SAFE)
    assert (removed.kind, removed.severity) == ("operation-removed", BREAKING)


@pytest.mark.parametrize(
    ("schema", "field", "kind", "direction"),
    [
        ("Position", "multiplier", "type-changed", "responses"),
        ("OrderLegRequest", "ratio", "type-changed", "requests"),
    ],
)
def test_a_field_changing_type_is_breaking(
    schema: str, field: str, kind: str, direction: str
) -> None:
    """A string field becoming an integer breaks readers (responses) and senders (requests)."""

    def edit(doc: dict[str, Any]) -> None:
        _schemas(doc)[schema]["properties"][field] = {"type": "integer", "minimum": 1}

    _, changes = _changed(edit)
    change = _only(changes, f"{schema}.{field}")
    assert len(changes) == 1
    assert (change.kind, change.severity) == (kind, BREAKING)
    assert change.what == "type string -> integer"
    assert change.why.startswith(f"in {direction}:")


def test_a_response_field_becoming_nullable_is_breaking() -> None:
    """Order.broker_status widening to string|null may hand readers a null they do not expect."""

    def edit(doc: dict[str, Any]) -> None:
        _schemas(doc)["Order"]["properties"]["broker_status"]["type"] = ["string", "null"]

    _, changes = _changed(edit)
    change = _only(changes, "Order.broker_status")
    assert (change.kind, change.severity) == ("type-widened", BREAKING)


def test_a_query_parameter_becoming_required_is_breaking() -> None:
    """GET /orders' status filter becoming required refuses calls that leave it out."""

    def edit(doc: dict[str, Any]) -> None:
        for parameter in doc["paths"]["/orders"]["get"]["parameters"]:
            if parameter.get("name") == "status":
                parameter["required"] = True

    _, changes = _changed(edit)
    change = _only(changes, "GET /orders parameter query status")
    assert (change.kind, change.severity) == ("parameter-became-required", BREAKING)


def test_the_command_line_reports_and_fails_only_on_bad_input_or_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 0 with a report, 1 on a breaking change with --fail-on-breaking, 2 on bad input."""
    new = copy.deepcopy(OPENAPI)
    _schemas(new)["OrderType"]["enum"].remove("STPLMT")
    new_path = tmp_path / "new.json"
    new_path.write_text(json.dumps(new))
    bad_path = tmp_path / "bad.json"
    bad_path.write_text('{"swagger": "2.0"}')

    assert spec_diff.main([str(SPEC_PATH), str(new_path)]) == 0
    out = capsys.readouterr().out
    assert "1 change (1 breaking, 0 non-breaking for the SDK, 0 non-breaking)" in out
    assert "breaking                  OrderType: enum value 'STPLMT' removed" in out
    assert spec_diff.main([str(SPEC_PATH), str(new_path), "--fail-on-breaking"]) == 1
    assert spec_diff.main([str(SPEC_PATH), str(SPEC_PATH), "--fail-on-breaking"]) == 0
    assert spec_diff.main([str(SPEC_PATH), str(bad_path)]) == 2
    assert spec_diff.main([str(tmp_path / "missing.json"), str(SPEC_PATH)]) == 2
    assert "not an OpenAPI 3 document" in capsys.readouterr().err


def test_the_sample_in_docs_contract_md_is_what_the_check_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/contract.md's sample report is the check's output for the release it describes."""
    new = copy.deepcopy(OPENAPI)
    position = _schemas(new)["Position"]
    position["properties"]["unrealized_pnl"] = position["properties"].pop("unrealized_pl")
    required = position["required"]
    required[required.index("unrealized_pl")] = "unrealized_pnl"
    _schemas(new)["OrderStatus"]["enum"].append("suspended")
    _schemas(new)["EquityOrderRequest"]["allOf"][1]["then"]["required"].append("order_qty")
    new_path = tmp_path / "openapi.json"
    new_path.write_text(json.dumps(new))
    labels = ["--old-label=HEAD:openapi/openapi.json", "--new-label=openapi/openapi.json"]

    assert spec_diff.main([str(SPEC_PATH), str(new_path), *labels]) == 0
    printed = capsys.readouterr().out
    page = (OPENAPI_DIR.parent / "docs" / "contract.md").read_text()
    block = page.split("   ```text\n", 1)[1].split("   ```\n", 1)[0]
    sample = "".join(line.removeprefix("   ") + "\n" for line in block.splitlines())
    assert sample == printed
