"""The REST contract, read from the OpenAPI document: routing and request/response checks.

Everything is derived from ``openapi.json`` when a :class:`Contract` is built: the route
table, one :class:`Operation` per operation, and compiled jsonschema-rs validators for every
component schema, every operation's path and query parameters, request body and documented
responses. Nothing here checks a field by hand; the messages are translated from the
validators' errors and name the offending field (``order_qty: must be greater than zero``).

Errors::

    ContractError                 root; ``message`` is safe to show to a client
    ├── RouteNotFound             404: no path of the contract matches
    ├── MethodNotAllowed          405: the path exists, the method does not (``allowed``)
    ├── ContractViolation         400: the request breaks the contract
    └── ResponseViolation         500: the mock's own answer breaks the contract

Decisions the contract leaves open:

- :meth:`Contract.match` takes the raw, still percent-encoded path (ASGI ``raw_path``) so
  that an encoded ``/`` stays inside its segment; path parameters are decoded afterwards.
- A request body must be UTF-8 JSON holding an object. A missing ``content-type`` is taken
  as ``application/json`` (clients that post a JSON string without a header still work); a
  different content type is refused. A body sent to an operation that declares none is
  refused. An object naming the same field twice, and ``NaN``/``Infinity``/numbers that
  overflow to infinity, are refused rather than silently collapsed.
- Query parameters the operation does not declare are ignored; a declared one given twice
  is refused. Integers parse strictly (``-?[0-9]+``), booleans are ``true``/``false``.
  Header and cookie parameters are left to the HTTP layer.
- Formats are validated (``date``, RFC 3339 ``date-time`` with its offset, ``uri``).
- A ``oneOf`` whose variants carry a ``const`` tag property (``PlaceOrderRequest`` and its
  ``instrument``) is explained through the one variant the tag selects, so the message
  names the real problem instead of "not valid under any of the schemas".
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import unquote

import jsonschema_rs

from connecttrade_mock.contract._coercion import _coerce, _type_hint
from connecttrade_mock.contract._constants import (
    _JSON_MEDIA_TYPE,
    _METHODS,
    _PLATFORM_SCHEMES,
    _USER_SCHEMES,
)
from connecttrade_mock.contract._messages import _echo, _json_type
from connecttrade_mock.contract._routing import _escape, _lookup, _template_regex, _unescape
from connecttrade_mock.contract.documents import shipped_document
from connecttrade_mock.contract.errors import (
    ContractViolation,
    MethodNotAllowed,
    ResponseViolation,
    RouteNotFound,
)
from connecttrade_mock.contract.operation import (
    Operation,
    Parameter,
    RouteMatch,
    SecurityKind,
    ValidRequest,
)
from connecttrade_mock.contract.strict_json import QuickParse, parse_json
from connecttrade_mock.contract.validator import SchemaValidator, _TagDispatch, _Variant
from connecttrade_mock.wire.encoding import Rendered, plain

__all__ = [
    "Contract",
]


@dataclass(frozen=True, slots=True)
class _ParamSet:
    location: str
    params: tuple[Parameter, ...]
    validator: SchemaValidator | None
    hints: dict[str, str]


@dataclass(frozen=True, slots=True)
class _ListPlan:
    """An answer whose list (the answer itself when ``prop`` is None, else its field
    ``prop``) holds items of one named schema: checked as the answer with that list's items
    left unchecked (``envelope``), then item by item (``items``), so that an item already
    checked is not checked again."""

    envelope: SchemaValidator
    prop: str | None
    items: SchemaValidator


@dataclass(frozen=True, slots=True)
class _RequestPlan:
    path: _ParamSet
    query: _ParamSet
    body: SchemaValidator | None
    body_required: bool


class Contract:
    """The loaded contract: routes, operations and precompiled validators."""

    def __init__(self, document: Mapping[str, Any], *, sha256: str = "") -> None:
        self.document = document
        self.sha256 = sha256
        # A faster parse of request bodies, where it gives what the full one gives (set by
        # the speedups switch; None: the standard library's parse alone).
        self.quick_parse: QuickParse | None = None
        self.version = str(document["info"]["version"])
        components = document.get("components", {})
        self._universe: dict[str, Any] = {
            "components": components,
            "paths": document.get("paths", {}),
        }
        self._schemas: dict[str, SchemaValidator] = {}
        for name in components.get("schemas", {}):
            self._schemas[name] = self._compile(f"#/components/schemas/{_escape(name)}", name)
        self._operations: dict[str, Operation] = {}
        self._requests: dict[str, _RequestPlan] = {}
        self._responses: dict[str, dict[str, SchemaValidator | None]] = {}
        self._lists: dict[SchemaValidator, _ListPlan] = {}
        self._static: dict[str, dict[str, Operation]] = {}
        templated: list[tuple[int, int, re.Pattern[str], tuple[str, ...], dict[str, Operation]]]
        templated = []
        for index, (template, item) in enumerate(document.get("paths", {}).items()):
            methods = self._load_path(template, item)
            names = tuple(re.findall(r"{([^{}]+)}", template))
            if not names:
                self._static[template] = methods
            else:
                regex = re.compile(_template_regex(template))
                templated.append((len(names), index, regex, names, methods))
        templated.sort(key=lambda entry: (entry[0], entry[1]))
        self._templated = [(regex, names, ms) for _, _, regex, names, ms in templated]

    @classmethod
    def load(cls, path: Path | None = None) -> Contract:
        """Load the contract shipped in the package, or the one at ``path``."""
        data = path.read_bytes() if path is not None else _default_contract_bytes()
        return cls.from_bytes(data)

    @classmethod
    def from_bytes(cls, data: bytes) -> Contract:
        """Build the contract from the bytes of an OpenAPI JSON document."""
        return cls(json.loads(data), sha256=hashlib.sha256(data).hexdigest())

    @property
    def operations(self) -> tuple[Operation, ...]:
        """Every operation, in document order."""
        return tuple(self._operations.values())

    def operation(self, operation_id: str) -> Operation:
        """The operation with this id; KeyError if there is none."""
        try:
            return self._operations[operation_id]
        except KeyError:
            raise KeyError(f"no operation {operation_id!r} in the contract") from None

    def schema_validator(self, schema_name: str) -> SchemaValidator:
        """The validator of ``#/components/schemas/<schema_name>``; KeyError if unknown."""
        try:
            return self._schemas[schema_name]
        except KeyError:
            raise KeyError(f"no schema {schema_name!r} in the contract") from None

    # -- routing -------------------------------------------------------------------------

    def match(self, method: str, path: str) -> RouteMatch:
        """The operation at ``method`` and raw ``path``, with decoded path parameters."""
        params: dict[str, str] = {}
        methods = self._static.get(path)
        if methods is None:
            for regex, names, candidate in self._templated:
                found = regex.fullmatch(path)
                if found is not None:
                    methods = candidate
                    params = {
                        name: unquote(value, errors="surrogateescape")
                        for name, value in zip(names, found.groups(), strict=True)
                    }
                    break
            else:
                raise RouteNotFound(f"no operation at path {_echo(path)}")
        operation = methods.get(method.upper())
        if operation is None:
            raise MethodNotAllowed(sorted(methods), method=method, path=path)
        return RouteMatch(operation=operation, path_params=params)

    # -- requests ------------------------------------------------------------------------

    def validate_request(
        self,
        operation: Operation,
        path_params: Mapping[str, str],
        query: Mapping[str, Sequence[str]],
        body: bytes | None,
        content_type: str | None = None,
    ) -> ValidRequest:
        """Check a request against ``operation``; ContractViolation names what is wrong."""
        plan = self._requests[operation.operation_id]
        # Without parameters there is nothing to read or check (most bodies' operations).
        path = self._path_values(plan.path, path_params) if plan.path.params else {}
        values = self._query_values(plan.query, query) if plan.query.params else {}
        parsed = self._body(plan, body, content_type)
        return ValidRequest(path=path, query=values, body=parsed)

    def _path_values(self, spec: _ParamSet, given: Mapping[str, str]) -> dict[str, str]:
        values: dict[str, str] = {}
        for param in spec.params:
            value = given.get(param.name)
            if value is None:
                continue
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                message = f"{param.name}: not valid UTF-8 after percent-decoding"
                raise ContractViolation(message) from None
            values[param.name] = value
        _check(spec, values)
        return values

    def _query_values(
        self, spec: _ParamSet, given: Mapping[str, Sequence[str]]
    ) -> dict[str, object]:
        values: dict[str, object] = {}
        for param in spec.params:
            raw = given.get(param.name)
            if isinstance(raw, str):
                raw = (raw,)
            if not raw:
                if param.default is not None:
                    values[param.name] = param.default
                continue
            if len(raw) > 1:
                times = "twice" if len(raw) == 2 else f"{len(raw)} times"
                raise ContractViolation(f"query parameter '{param.name}' given {times}")
            values[param.name] = _coerce(param, raw[0], spec.hints)
        _check(spec, values)
        return values

    def _body(
        self, plan: _RequestPlan, body: bytes | None, content_type: str | None
    ) -> dict[str, Any] | None:
        if not body:
            if plan.body_required:
                raise ContractViolation("body: required")
            return None
        if plan.body is None:
            raise ContractViolation("body: this operation takes no request body")
        if content_type is not None:
            media_type = content_type.partition(";")[0].strip().lower()
            if media_type != _JSON_MEDIA_TYPE:
                raise ContractViolation(
                    f"body: content type {_echo(content_type)} is not supported; "
                    f"send {_JSON_MEDIA_TYPE}"
                )
        value = parse_json(body, self.quick_parse)
        if not isinstance(value, dict):
            raise ContractViolation(f"body: must be a JSON object, got {_json_type(value)}")
        message = plan.body.describe(value, "body")
        if message is not None:
            raise ContractViolation(message)
        return value

    # -- responses -----------------------------------------------------------------------

    def validate_response(self, operation: Operation, status: int, body: Any) -> None:
        """Raise ResponseViolation unless ``status`` is documented and ``body`` matches it."""
        documented = self._responses[operation.operation_id]
        key = str(status)
        if key not in documented:
            key = f"{status // 100}XX"
        if key not in documented:
            key = "default"
        if key not in documented:
            raise ResponseViolation(
                f"{operation.operation_id}: status {status} is not documented "
                f"(documented: {', '.join(documented)})"
            )
        validator = documented[key]
        if validator is None:
            if body is not None:
                raise ResponseViolation(
                    f"{operation.operation_id} {status}: no body is documented, got one"
                )
            return
        if not self._accepts(validator, body):
            message = validator.describe(plain(body), "body") or "does not match the contract"
            raise ResponseViolation(f"{operation.operation_id} {status}: {message}")

    def _accepts(self, validator: SchemaValidator, body: Any) -> bool:
        """Whether ``body`` matches; :class:`Rendered` items (the answer, or the items of
        its list) are checked once per validator and remembered."""
        if isinstance(body, Rendered):
            return _accepts_rendered(validator, body)
        plan = self._lists.get(validator)
        if plan is not None:
            items = body if plan.prop is None else _field_of(body, plan.prop)
            if isinstance(items, list) and any(isinstance(item, Rendered) for item in items):
                shell: Any = [None] * len(items)
                if plan.prop is not None:
                    shell = {**body, plan.prop: shell}
                if not plan.envelope.is_valid(shell):
                    return False
                unchecked = [
                    item
                    for item in items
                    if not (isinstance(item, Rendered) and plan.items in item.checked)
                ]
                return all(
                    _accepts_rendered(plan.items, item)
                    if isinstance(item, Rendered)
                    else plan.items.is_valid(item)
                    for item in unchecked
                )
        return validator.is_valid(plain(body))

    # -- loading -------------------------------------------------------------------------

    def _load_path(self, template: str, item: Mapping[str, Any]) -> dict[str, Operation]:
        item_pointer = f"#/paths/{_escape(template)}"
        shared = self._parameter_refs(item.get("parameters", []), f"{item_pointer}/parameters")
        methods: dict[str, Operation] = {}
        for method in _METHODS:
            raw = item.get(method)
            if raw is None:
                continue
            pointer = f"{item_pointer}/{method}"
            own = self._parameter_refs(raw.get("parameters", []), f"{pointer}/parameters")
            merged = {**shared, **own}
            operation_id = str(raw["operationId"])
            params = tuple(self._parameter(value, ptr) for value, ptr in merged.values())
            body_pointer, body_spec = (
                self._resolve(raw["requestBody"], f"{pointer}/requestBody")
                if "requestBody" in raw
                else ("", None)
            )
            body: SchemaValidator | None = None
            if body_spec is not None:
                content = body_spec.get("content", {})
                if _JSON_MEDIA_TYPE not in content:
                    msg = f"{operation_id}: only {_JSON_MEDIA_TYPE} request bodies are supported"
                    raise ValueError(msg)
                schema_pointer = f"{body_pointer}/content/{_escape(_JSON_MEDIA_TYPE)}/schema"
                body = self._schema_at(schema_pointer, f"{operation_id} request body")
            responses = self._load_responses(operation_id, raw["responses"], pointer)
            success = sorted(int(code) for code in responses if code.isdigit() and code[0] == "2")
            if not success:
                raise ValueError(f"{operation_id}: no 2xx response is documented")
            operation = Operation(
                operation_id=operation_id,
                method=method.upper(),
                path_template=template,
                tags=tuple(raw.get("tags", ())),
                security=self._security(operation_id, raw),
                parameters=params,
                has_body=body is not None,
                body_required=body is not None and bool(body_spec and body_spec.get("required")),
                success_status=success[0],
            )
            if operation_id in self._operations:
                raise ValueError(f"operationId {operation_id!r} is used twice")
            self._operations[operation_id] = operation
            self._requests[operation_id] = _RequestPlan(
                path=self._param_set("path", params, merged),
                query=self._param_set("query", params, merged),
                body=body,
                body_required=operation.body_required,
            )
            self._responses[operation_id] = responses
            methods[operation.method] = operation
        return methods

    def _parameter_refs(
        self, values: Iterable[Any], pointer: str
    ) -> dict[tuple[str, str], tuple[Mapping[str, Any], str]]:
        found: dict[tuple[str, str], tuple[Mapping[str, Any], str]] = {}
        for index, value in enumerate(values):
            ptr, param = self._resolve(value, f"{pointer}/{index}")
            found[(str(param["name"]), str(param["in"]))] = (param, ptr)
        return found

    def _parameter(self, raw: Mapping[str, Any], pointer: str) -> Parameter:
        location = str(raw["in"])
        _, schema = self._resolve(raw.get("schema", {}), f"{pointer}/schema")
        kind = schema.get("type", "string")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "string")
        if kind not in ("string", "integer", "number", "boolean"):
            raise ValueError(f"parameter {raw['name']!r}: type {kind!r} is not supported")
        if location == "path" and kind != "string":
            raise ValueError(f"path parameter {raw['name']!r} must be a string")
        default = schema.get("default")
        return Parameter(
            name=str(raw["name"]),
            location=location,
            required=bool(raw.get("required", location == "path")),
            type=str(kind),
            default=default if isinstance(default, str | int | float | bool) else None,
        )

    def _param_set(
        self,
        location: str,
        params: tuple[Parameter, ...],
        raw: Mapping[tuple[str, str], tuple[Mapping[str, Any], str]],
    ) -> _ParamSet:
        chosen = tuple(p for p in params if p.location == location)
        if not chosen:
            return _ParamSet(location, chosen, None, {})
        properties = {p.name: {"$ref": f"{raw[(p.name, location)][1]}/schema"} for p in chosen}
        schema = {
            "type": "object",
            "properties": properties,
            "required": [p.name for p in chosen if p.required],
        }
        root = {**self._universe, **schema}
        validator = jsonschema_rs.Draft202012Validator(root, validate_formats=True)
        hints = {}
        for param in chosen:
            _, param_schema = self._resolve(properties[param.name], "")
            hint = _type_hint(param.type, param_schema)
            if hint:
                hints[param.name] = hint
        return _ParamSet(location, chosen, SchemaValidator(location, root, validator), hints)

    def _load_responses(
        self, operation_id: str, responses: Mapping[str, Any], pointer: str
    ) -> dict[str, SchemaValidator | None]:
        loaded: dict[str, SchemaValidator | None] = {}
        for status, raw in responses.items():
            ptr, response = self._resolve(raw, f"{pointer}/responses/{_escape(status)}")
            content = response.get("content")
            if not content:
                loaded[status] = None
                continue
            if _JSON_MEDIA_TYPE not in content:
                msg = f"{operation_id} {status}: only {_JSON_MEDIA_TYPE} responses are supported"
                raise ValueError(msg)
            schema_pointer = f"{ptr}/content/{_escape(_JSON_MEDIA_TYPE)}/schema"
            validator = self._schema_at(schema_pointer, f"{operation_id} {status}")
            loaded[status] = validator
            if validator not in self._lists:
                plan = self._list_plan(schema_pointer, f"{operation_id} {status}")
                if plan is not None:
                    self._lists[validator] = plan
        return loaded

    def _list_plan(self, pointer: str, name: str) -> _ListPlan | None:
        """The plan of an answer that is, or has a field that is, a plain list of one named
        schema (nothing but ``type``, ``items``, sizes and words on the list)."""
        _, schema = self._resolve({"$ref": pointer}, pointer)
        if self._named_items(schema) is not None:
            props: list[str | None] = [None]
        elif schema.get("type") == "object" and isinstance(schema.get("properties"), dict):
            props = [p for p, s in schema["properties"].items() if self._named_items(s)]
        else:
            return None
        if len(props) != 1:
            return None
        prop = props[0]
        listed = schema if prop is None else schema["properties"][prop]
        items = self._named_items(listed)
        assert items is not None
        open_list = {**listed, "items": True}
        envelope = (
            open_list
            if prop is None
            else {**schema, "properties": {**schema["properties"], prop: open_list}}
        )
        root = {**self._universe, **envelope}
        validator = jsonschema_rs.Draft202012Validator(root, validate_formats=True)
        return _ListPlan(SchemaValidator(f"{name} envelope", root, validator), prop, items)

    def _named_items(self, schema: object) -> SchemaValidator | None:
        """The validator of the named schema a plain list's items are (a bare ``$ref``)."""
        if not isinstance(schema, dict) or schema.get("type") != "array":
            return None
        if not set(schema) <= _PLAIN_LIST_KEYS:
            return None
        items = schema.get("items")
        if not isinstance(items, dict) or set(items) != {"$ref"}:
            return None
        target = str(items["$ref"])
        prefix = "#/components/schemas/"
        if not target.startswith(prefix):
            return None
        return self._schemas.get(_unescape(target.removeprefix(prefix)))

    def _security(self, operation_id: str, raw: Mapping[str, Any]) -> SecurityKind:
        requirements = raw.get("security", self.document.get("security", []))
        if not isinstance(requirements, list) or len(requirements) > 1:
            raise ValueError(f"{operation_id}: expected at most one security requirement")
        schemes = frozenset(requirements[0] if requirements else ())
        if not schemes:
            return SecurityKind.NONE
        if schemes == _PLATFORM_SCHEMES:
            return SecurityKind.PLATFORM
        if schemes == _USER_SCHEMES:
            return SecurityKind.USER
        raise ValueError(f"{operation_id}: unsupported security schemes {sorted(schemes)}")

    def _schema_at(self, pointer: str, name: str) -> SchemaValidator:
        """A validator for the schema at ``pointer``, reusing a named one when it is a bare ref."""
        node = _lookup(self._universe, pointer)
        if isinstance(node, dict) and set(node) == {"$ref"}:
            target = str(node["$ref"])
            prefix = "#/components/schemas/"
            if target.startswith(prefix):
                named = _unescape(target.removeprefix(prefix))
                if named in self._schemas:
                    return self._schemas[named]
        return self._compile(pointer, name)

    def _compile(self, pointer: str, name: str) -> SchemaValidator:
        root = {**self._universe, "$ref": pointer}
        validator = jsonschema_rs.Draft202012Validator(root, validate_formats=True)
        return SchemaValidator(name, root, validator, self._tag_dispatch(pointer))

    def _tag_dispatch(self, pointer: str) -> _TagDispatch | None:
        """Variant validators keyed by tag, when the schema is a ``const``-tagged oneOf."""
        ptr, node = self._resolve({"$ref": pointer}, pointer)
        variants_raw = node.get("oneOf")
        if not isinstance(variants_raw, list) or len(variants_raw) < 2:
            return None
        variants = [self._resolve(v, f"{ptr}/oneOf/{i}") for i, v in enumerate(variants_raw)]
        for prop in variants[0][1].get("properties", {}):
            consts = [self._const_of(v, prop) for _, v in variants]
            keys = [json.dumps(c, sort_keys=True) for c in consts if c is not _NO_CONST]
            if len(keys) != len(variants) or len(set(keys)) != len(keys):
                continue
            compiled = {}
            untagged = []
            for key, (vptr, variant) in zip(keys, variants, strict=True):
                root = {**self._universe, "$ref": vptr}
                entry = _Variant(
                    jsonschema_rs.Draft202012Validator(root, validate_formats=True), root
                )
                compiled[key] = entry
                if prop not in variant.get("required", ()):
                    untagged.append(entry)
            labels = tuple(c if isinstance(c, str) else json.dumps(c) for c in consts)
            default = untagged[0] if len(untagged) == 1 else None
            return _TagDispatch(prop, compiled, labels, default)
        return None

    def _const_of(self, variant: Mapping[str, Any], prop: str) -> object:
        schema = variant.get("properties", {}).get(prop)
        if not isinstance(schema, dict):
            return _NO_CONST
        _, resolved = self._resolve(schema, "")
        return resolved.get("const", _NO_CONST)

    def _resolve(self, value: Any, pointer: str) -> tuple[str, Mapping[str, Any]]:
        """Follow ``$ref`` chains; the final object and the pointer where it lives."""
        seen = set()
        while isinstance(value, dict) and "$ref" in value:
            pointer = str(value["$ref"])
            if pointer in seen:
                raise ValueError(f"circular $ref {pointer}")
            seen.add(pointer)
            value = _lookup(self._universe, pointer)
        if not isinstance(value, dict):
            raise ValueError(f"{pointer} is not an object")
        return pointer, value


_NO_CONST: Final = object()
# What a list's schema may say beyond its items for its items to be checked one by one.
_PLAIN_LIST_KEYS: Final = frozenset(
    {"type", "items", "minItems", "maxItems", "description", "title", "examples"}
)


def _field_of(body: object, name: str) -> object:
    return body.get(name) if isinstance(body, dict) else None


def _accepts_rendered(validator: SchemaValidator, item: Rendered) -> bool:
    """Whether ``item`` matches, checking it only the first time for each validator."""
    if validator in item.checked:
        return True
    if not validator.is_valid(item.value):
        return False
    item.mark_checked(validator)
    return True


def _default_contract_bytes() -> bytes:
    return shipped_document("openapi.json")


def _check(spec: _ParamSet, values: Mapping[str, object]) -> None:
    if spec.validator is None:
        return
    message = spec.validator.describe(values, spec.location, spec.hints)
    if message is not None:
        raise ContractViolation(message)
