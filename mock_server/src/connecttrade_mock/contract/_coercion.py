"""Path and query parameters from text to the types the contract declares."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from connecttrade_mock.contract._constants import _INTEGER_TEXT, _NUMBER_TEXT
from connecttrade_mock.contract._messages import _bound, _echo
from connecttrade_mock.contract.errors import ContractViolation
from connecttrade_mock.contract.operation import Parameter


def _type_hint(kind: str, schema: Mapping[str, Any]) -> str:
    if kind == "boolean":
        return "must be true or false"
    if kind not in ("integer", "number"):
        return ""
    noun = "an integer" if kind == "integer" else "a number"
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f"must be {noun} between {low} and {high}"
    if low is not None:
        return f"must be {noun} of at least {low}"
    if high is not None:
        return f"must be {noun} of at most {high}"
    return f"must be {noun}"


def _coerce(param: Parameter, text: str, hints: Mapping[str, str]) -> object:
    if param.type == "string":
        return text
    value: object = None
    if param.type == "integer" and _INTEGER_TEXT.fullmatch(text):
        value = int(text)
    elif param.type == "number" and _NUMBER_TEXT.fullmatch(text):
        number = float(text)
        value = number if math.isfinite(number) else None
    elif param.type == "boolean" and text in ("true", "false"):
        value = text == "true"
    if value is None:
        raise ContractViolation(_bound(f"{param.name}: {hints[param.name]}, got {_echo(text)}"))
    return value
