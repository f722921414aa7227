"""Names and limits the contract's modules share."""

from __future__ import annotations

import re
from typing import Final

import jsonschema_rs

_K = jsonschema_rs.ValidationErrorKind

_METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_JSON_MEDIA_TYPE: Final = "application/json"
_ECHO_LIMIT: Final = 60
_MESSAGE_LIMIT: Final = 400
_MAX_ERRORS: Final = 64
_FRAGMENT_SAFE: Final = "~!$&'()*+,;=:@-._"
_INTEGER_TEXT: Final = re.compile(r"-?[0-9]{1,18}")
_NUMBER_TEXT: Final = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_PLATFORM_SCHEMES: Final = frozenset({"ClientId", "ClientSecret"})
_USER_SCHEMES: Final = _PLATFORM_SCHEMES | {"UserId", "UserSecret"}
# After these keywords the next schema-path element is a name, not a keyword.
_NAME_CONTAINERS: Final = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "schemas"}
)
# `not: {pattern: ...}` patterns whose meaning is worth saying in words.
_ZERO_PATTERN: Final = "^[0.]*$"
_FORMAT_HINTS: Final = {
    "date": " (YYYY-MM-DD)",
    "date-time": " (RFC 3339 with a timezone offset, e.g. 2026-11-20T10:00:00Z)",
}
_TYPE_NAMES: Final = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
}
_RANGE_KINDS: Final = (
    _K.Type,
    _K.Minimum,
    _K.Maximum,
    _K.ExclusiveMinimum,
    _K.ExclusiveMaximum,
    _K.MultipleOf,
)
