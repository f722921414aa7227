"""Tests that MCP tool results show a result's unknown answer properties only when present."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from connecttrade._wire import parse
from connecttrade.agent.mcp_server import to_json

_SPEC: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "openapi" / "openapi.json").read_text()
)
_POSITION: dict[str, Any] = _SPEC["components"]["schemas"]["Position"]["examples"][0]


def test_a_result_without_unknown_properties_has_no_extra_key() -> None:
    """A position read from the contract's example turns into JSON without an extra key."""
    assert "extra" not in to_json(parse.position(copy.deepcopy(_POSITION)))


def test_unknown_properties_appear_under_extra_as_json() -> None:
    """A property the SDK does not know is passed on to the agent under extra, as JSON."""
    body = {**copy.deepcopy(_POSITION), "unrealized_pnl": "12.50"}
    assert to_json(parse.position(body))["extra"] == {"unrealized_pnl": "12.50"}
