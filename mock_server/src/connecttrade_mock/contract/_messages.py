"""The contract's refusals as messages a person can act on (what failed, where, why)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import jsonschema_rs

from connecttrade_mock.contract._constants import (
    _ECHO_LIMIT,
    _FORMAT_HINTS,
    _K,
    _MESSAGE_LIMIT,
    _NAME_CONTAINERS,
    _RANGE_KINDS,
    _TYPE_NAMES,
    _ZERO_PATTERN,
)


def _bound(message: str) -> str:
    return message if len(message) <= _MESSAGE_LIMIT else message[: _MESSAGE_LIMIT - 3] + "..."


def _cut(text: str) -> str:
    return text if len(text) <= _ECHO_LIMIT else text[: _ECHO_LIMIT - 3] + "..."


def _echo(value: object) -> str:
    """A short rendering of a value for a message: strings quoted, the rest as JSON."""
    if isinstance(value, str):
        return "'" + _cut(json.dumps(value, ensure_ascii=False)[1:-1]) + "'"
    try:
        return _cut(json.dumps(value, ensure_ascii=False, default=repr))
    except (ValueError, TypeError, RecursionError):
        return _cut(repr(value))


def _show(value: object) -> str:
    """A constant from the schema: bare when it is a string."""
    return _cut(value) if isinstance(value, str) else _echo(value)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _field(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + _cut(part)
    return out


def _pattern_description(doc: Mapping[str, Any], error: jsonschema_rs.ValidationError) -> str:
    """The ``x-pattern-description`` of the schema whose pattern failed, if it has one."""
    for path in (error.schema_path[:-1], getattr(error, "evaluation_path", [])[:-1]):
        parent = _node(doc, list(path))
        if isinstance(parent, dict) and isinstance(parent.get("x-pattern-description"), str):
            return str(parent["x-pattern-description"])
    return ""


def _node(doc: Mapping[str, Any], path: Sequence[str | int]) -> Any:
    node: Any = doc
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _most_specific(errors: list[jsonschema_rs.ValidationError]) -> jsonschema_rs.ValidationError:
    """The first error, unless it is a generic combinator failure and a plainer one exists."""
    plain = [e for e in errors if not isinstance(e.kind, _K.AnyOf | _K.OneOfNotValid)]
    return plain[0] if plain else errors[0]


def _condition(doc: Mapping[str, Any], schema_path: Sequence[str | int]) -> str:
    """`` when order_type is LMT`` if the failing keyword sits in an if/then/else branch."""
    branch = -1
    name_next = False
    for index, part in enumerate(schema_path):
        if name_next:
            name_next = False
            continue
        if part in ("then", "else"):
            branch = index
        name_next = part in _NAME_CONTAINERS
    if branch < 0:
        return ""
    condition = _node(doc, [*schema_path[:branch], "if"])
    words = _describe_if(condition)
    if words is None:
        return ""
    return f" when {words}" if schema_path[branch] == "then" else f" unless {words}"


def _describe_if(schema: object) -> str | None:
    if not isinstance(schema, dict) or not set(schema) <= {"properties", "required", "type"}:
        return None
    parts: list[str] = []
    for prop, sub in schema.get("properties", {}).items():
        if isinstance(sub, dict) and "const" in sub:
            parts.append(f"{prop} is {_show(sub['const'])}")
        elif isinstance(sub, dict) and isinstance(sub.get("enum"), list):
            parts.append(f"{prop} is one of {', '.join(_show(v) for v in sub['enum'])}")
        else:
            return None
    parts.extend(f"{prop} is given" for prop in schema.get("required", ()))
    return " and ".join(parts) if parts else None


def _required_names(schema: object) -> list[str] | None:
    """``[a, b]`` for ``{required: [a]}`` or ``anyOf/oneOf`` of such; else None."""
    if isinstance(schema, dict) and set(schema) == {"required"}:
        return [str(name) for name in schema["required"]]
    if isinstance(schema, dict) and len(schema) == 1:
        branches = schema.get("anyOf", schema.get("oneOf"))
        if isinstance(branches, list):
            return _branch_names(branches)
    return None


def _branch_names(branches: list[Any]) -> list[str] | None:
    names: list[str] = []
    for branch in branches:
        if not (isinstance(branch, dict) and set(branch) == {"required"}):
            return None
        names.extend(str(name) for name in branch["required"])
    return names


def _explain(
    error: jsonschema_rs.ValidationError,
    doc: Mapping[str, Any],
    root: str,
    hints: Mapping[str, str],
) -> str:
    path = list(error.instance_path)
    field = _field(path) or root
    kind = error.kind
    value = error.instance
    hinted = len(path) == 1 and isinstance(path[0], str) and path[0] in hints
    if hinted and isinstance(kind, _RANGE_KINDS):
        return f"{field}: {hints[str(path[0])]}, got {_echo(value)}"
    if isinstance(kind, _K.Required):
        when = _condition(doc, error.schema_path)
        if when:
            return f"{_field([*path, kind.property])}: required{when}"
        if not path and root in ("query", "path"):
            return f"{root} parameter '{kind.property}' is required"
        return f"{field}: missing required field {_echo(kind.property)}"
    if isinstance(kind, _K.AdditionalProperties | _K.UnevaluatedProperties):
        names = [_echo(name) for name in kind.unexpected[:5]]
        if len(kind.unexpected) == 1:
            return f"{field}: additional field {names[0]} is not allowed"
        return f"{field}: additional fields {', '.join(names)} are not allowed"
    if isinstance(kind, _K.Type):
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in kind.types)
        return f"{field}: must be {wanted}, got {_json_type(value)}"
    if isinstance(kind, _K.Enum):
        options = ", ".join(_show(option) for option in kind.options[:25])
        more = ", ..." if len(kind.options) > 25 else ""
        return f"{field}: {_echo(value)} is not one of {options}{more}"
    if isinstance(kind, _K.Constant):
        when = _condition(doc, error.schema_path)
        return f"{field}: must be {_show(kind.expected_value)}{when}, got {_echo(value)}"
    if isinstance(kind, _K.Pattern):
        # A contract may say in words what a long pattern means (x-pattern-description).
        described = _pattern_description(doc, error)
        if described:
            return f"{field}: {_echo(value)} is not {described}"
        return f"{field}: {_echo(value)} does not match pattern {kind.pattern[:100]}"
    if isinstance(kind, _K.Format):
        hint = _FORMAT_HINTS.get(kind.format, "")
        return f"{field}: {_echo(value)} is not a valid {kind.format}{hint}"
    if isinstance(kind, _K.MinLength):
        if kind.limit == 1:
            return f"{field}: must not be empty"
        return f"{field}: must be at least {kind.limit} characters long"
    if isinstance(kind, _K.MaxLength):
        return f"{field}: must be at most {kind.limit} characters long"
    if isinstance(kind, _K.Minimum):
        return f"{field}: must be at least {kind.limit}, got {_echo(value)}"
    if isinstance(kind, _K.Maximum):
        return f"{field}: must be at most {kind.limit}, got {_echo(value)}"
    if isinstance(kind, _K.ExclusiveMinimum):
        return f"{field}: must be greater than {kind.limit}, got {_echo(value)}"
    if isinstance(kind, _K.ExclusiveMaximum):
        return f"{field}: must be less than {kind.limit}, got {_echo(value)}"
    if isinstance(kind, _K.MinItems):
        count = len(value) if isinstance(value, list) else "fewer"
        return f"{field}: must have at least {kind.limit} items, got {count}"
    if isinstance(kind, _K.MaxItems):
        count = len(value) if isinstance(value, list) else "more"
        return f"{field}: must have at most {kind.limit} items, got {count}"
    if isinstance(kind, _K.UniqueItems):
        return f"{field}: items must be unique"
    if isinstance(kind, _K.MinProperties):
        count = len(value) if isinstance(value, dict) else "fewer"
        return f"{field}: must have at least {kind.limit} fields, got {count}"
    if isinstance(kind, _K.MaxProperties):
        count = len(value) if isinstance(value, dict) else "more"
        return f"{field}: must have at most {kind.limit} fields, got {count}"
    if isinstance(kind, _K.Not):
        return _explain_not(kind.schema, error, doc, path, field)
    if isinstance(kind, _K.OneOfMultipleValid | _K.OneOfNotValid | _K.AnyOf):
        branches = _branch_names(_node(doc, error.schema_path) or [None])
        if branches is not None:
            listed = " and ".join(branches) if len(branches) == 2 else ", ".join(branches)
            if isinstance(kind, _K.OneOfMultipleValid):
                return f"{field}: give only one of {listed}, not several"
            verb = "exactly" if isinstance(kind, _K.OneOfNotValid) else "at least"
            return f"{field}: give {verb} one of {listed}"
        return f"{field}: {_echo(value)} matches none of the allowed schemas"
    if isinstance(kind, _K.FalseSchema):
        return f"{field}: is not allowed"
    return f"{field}: {_cut(error.message)}"


def _explain_not(
    negated: object,
    error: jsonschema_rs.ValidationError,
    doc: Mapping[str, Any],
    path: list[str | int],
    field: str,
) -> str:
    when = _condition(doc, error.schema_path)
    if isinstance(negated, dict) and negated.get("pattern") == _ZERO_PATTERN:
        sibling = _node(doc, [*error.schema_path[:-1], "pattern"])
        signed = isinstance(sibling, str) and sibling.startswith("^-")
        return f"{field}: must {'not be zero' if signed else 'be greater than zero'}{when}"
    names = _required_names(negated)
    if names is not None:
        value = error.instance
        present = [n for n in names if isinstance(value, dict) and n in value] or names
        fields = ", ".join(_field([*path, name]) for name in present)
        return f"{fields}: not allowed{when}"
    return f"{field}: matches a schema it must not match{when}"
