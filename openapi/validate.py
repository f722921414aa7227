"""Validate the contract: `python openapi/validate.py` (run by `nox -s spec`).

Checks, beyond "is it valid OpenAPI / JSON Schema":
- every example in both documents validates against its own schema;
- every operation names its security, tag and operationId, and documents 401 and 500;
- every request body schema is closed (`additionalProperties: false`), variant by variant;
- every `oneOf` variant carries a `const` tag (openapi-python-client ignores `discriminator`);
- every OpenAPI link targets an existing operation and one of its parameters;
- every AsyncAPI message has a payload and an example; operations only use declared messages;
- every update example's `version` equals the version of the entity it carries;
- every client request has a reply, and it and its replies carry `request_id` (RequestId);
- the entity schemas AsyncAPI copies (Order, Position, Balance...) are the REST ones exactly
  (shared_schemas.py; `nox -s spec_sync` rewrites them).
Exits non-zero listing every problem found.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, Draft202012Validator
from jsonschema.exceptions import SchemaError
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry
from referencing.jsonschema import DRAFT7, DRAFT202012

HERE = Path(__file__).parent
OPENAPI = HERE / "openapi.json"
ASYNCAPI = HERE / "asyncapi.json"
OPENAPI_URI = "urn:connecttrade:openapi"
ASYNCAPI_URI = "urn:connecttrade:asyncapi"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}

Json = dict[str, Any]


def _resolve_pointer(doc: Json, ref: str) -> Any:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _resolve(doc: Json, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = _resolve_pointer(doc, node["$ref"])
    return node


def _operations(doc: Json) -> Iterator[tuple[str, str, Json]]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def _example_problems(
    validator_cls: type[Draft7Validator] | type[Draft202012Validator],
    registry: Registry[Any],
    base_uri: str,
    schemas: Json,
) -> list[str]:
    problems = []
    for name, schema in schemas.items():
        try:
            validator_cls.check_schema(schema)
        except SchemaError as exc:
            problems.append(f"schema {name} is not valid JSON Schema: {exc.message}")
            continue
        validator = validator_cls(
            {"$ref": f"{base_uri}#/components/schemas/{name}"}, registry=registry
        )
        examples = schema.get("examples")
        if not examples:
            problems.append(f"schema {name} has no examples")
        for index, example in enumerate(examples or []):
            for error in validator.iter_errors(example):
                problems.append(f"schema {name} example {index}: {error.message}")
    return problems


def _closed(doc: Json, schema: Any, where: str) -> list[str]:
    schema = _resolve(doc, schema)
    if "oneOf" in schema:
        return [p for variant in schema["oneOf"] for p in _closed(doc, variant, where)]
    if schema.get("additionalProperties") is not False:
        return [f"{where}: request body schema is not closed (additionalProperties: false)"]
    return []


def _tagged_variants(doc: Json, tree: Any, where: str) -> list[str]:
    problems = []
    if isinstance(tree, dict):
        variants = [_resolve(doc, v) for v in tree.get("oneOf", [])]
        # `oneOf: [X, null]` is how a nullable X is spelled; only real unions need tags.
        objects = [v for v in variants if v.get("type") == "object"]
        for variant in objects if len(objects) > 1 else []:
            resolved = variant
            tags = [k for k, v in resolved.get("properties", {}).items() if "const" in v]
            if not tags:
                problems.append(f"{where}: oneOf variant {variant} has no const tag")
        for key, value in tree.items():
            problems += _tagged_variants(doc, value, f"{where}/{key}")
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            problems += _tagged_variants(doc, value, f"{where}/{index}")
    return problems


def check_openapi(doc: Json) -> list[str]:
    """Every problem in the REST contract."""
    problems: list[str] = []
    validate_openapi(doc)  # raises on structural errors: nothing else is worth checking then
    registry: Registry[Any] = Registry().with_resource(
        OPENAPI_URI, DRAFT202012.create_resource(doc)
    )
    problems += _example_problems(
        Draft202012Validator, registry, OPENAPI_URI, doc["components"]["schemas"]
    )
    operation_ids = {op["operationId"]: op for _, _, op in _operations(doc) if "operationId" in op}
    for path, method, op in _operations(doc):
        where = f"{method.upper()} {path}"
        item = doc["paths"][path]
        for key in ("operationId", "tags", "security", "summary"):
            if key not in op:
                problems.append(f"{where}: missing {key}")
        for status in ("401", "500"):
            if status not in op["responses"]:
                problems.append(f"{where}: does not document {status}")
        if "requestBody" in op:
            schema = op["requestBody"]["content"]["application/json"]["schema"]
            problems += _closed(doc, schema, where)
        takes_input = "requestBody" in op or op.get("parameters") or item.get("parameters")
        if takes_input and "400" not in op["responses"]:
            problems.append(f"{where}: takes input but does not document 400")
        for status, declared_response in op["responses"].items():
            response = _resolve(doc, declared_response)
            for link_name, link in response.get("links", {}).items():
                target = operation_ids.get(link["operationId"])
                if target is None:
                    problems.append(f"{where} link {link_name}: no operation {link['operationId']}")
                    continue
                params = {
                    _resolve(doc, p)["name"]
                    for p in target.get("parameters", [])
                    + doc["paths"][_path_of(doc, link["operationId"])].get("parameters", [])
                }
                for name in link["parameters"]:
                    if name not in params:
                        problems.append(f"{where} link {link_name}: {name} is not a parameter")
            if status.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                if schema != {"$ref": "#/components/schemas/Error"}:
                    problems.append(f"{where} {status}: error body is not the Error schema")
    problems += _tagged_variants(doc, doc["components"]["schemas"], "#/components/schemas")
    return problems


def _path_of(doc: Json, operation_id: str) -> str:
    for path, _, op in _operations(doc):
        if op.get("operationId") == operation_id:
            return path
    raise KeyError(operation_id)


def check_asyncapi(doc: Json) -> list[str]:
    """Every problem in the streaming contract."""
    problems: list[str] = []
    if doc.get("asyncapi", "").split(".")[0] != "3":
        problems.append("asyncapi: not an AsyncAPI 3 document")
    registry: Registry[Any] = Registry().with_resource(ASYNCAPI_URI, DRAFT7.create_resource(doc))
    schemas = doc["components"]["schemas"]
    problems += _example_problems(Draft7Validator, registry, ASYNCAPI_URI, schemas)
    for name, message in doc["components"]["messages"].items():
        payload = message.get("payload", {})
        try:
            _resolve(doc, payload)
        except KeyError:
            problems.append(f"message {name}: payload {payload} does not resolve")
            continue
        if not message.get("examples"):
            problems.append(f"message {name}: no example")
        validator = Draft7Validator({"$ref": f"{ASYNCAPI_URI}{payload['$ref']}"}, registry=registry)
        for example in message.get("examples", []):
            for error in validator.iter_errors(example["payload"]):
                problems.append(f"message {name} example: {error.message}")
    for op_name, operation in doc["operations"].items():
        for part, where in ((operation, "its channel"), (operation.get("reply"), "its reply")):
            if part is None:
                continue
            channel = _resolve(doc, part["channel"])
            declared = {
                f"{part['channel']['$ref']}/messages/{name}" for name in channel["messages"]
            }
            for ref in part["messages"]:
                if ref["$ref"] not in declared:
                    problems.append(
                        f"operation {op_name}: {ref['$ref']} is not a message of {where}"
                    )
    problems += _request_id_problems(doc)
    problems += _tagged_variants(doc, schemas, "#/components/schemas")
    problems += _update_version_problems(doc)
    return problems


def _request_id_problems(doc: Json) -> list[str]:
    """Every request and its replies carry `request_id` and the RequestId correlation id,
    so a client can match an answer (an error included) to the frame it answers."""
    problems = []
    messages = doc["components"]["messages"]
    for op_name, operation in doc["operations"].items():
        reply = operation.get("reply")
        if operation["action"] != "receive":
            continue
        if reply is None:
            problems.append(f"operation {op_name}: a client request without a reply")
            continue
        for ref in operation["messages"] + reply["messages"]:
            name = ref["$ref"].rsplit("/", 1)[-1]
            message = messages[name]
            if message.get("correlationId") != {"$ref": "#/components/correlationIds/RequestId"}:
                problems.append(f"message {name}: no RequestId correlationId")
            payload = _resolve(doc, message["payload"])
            variants = [_resolve(doc, v) for v in payload.get("oneOf", [payload])]
            for variant in variants:
                if "request_id" not in variant.get("properties", {}):
                    title = variant.get("title", name)
                    problems.append(f"message {name}: {title} has no request_id")
    return problems


def _update_version_problems(doc: Json) -> list[str]:
    """An update frame's `version` is its entity's version (a digit string in the entity)."""
    examples = [
        (f"schema {n}", e)
        for n, s in doc["components"]["schemas"].items()
        for e in s.get("examples", [])
    ]
    examples += [
        (f"message {n}", e["payload"])
        for n, m in doc["components"]["messages"].items()
        for e in m.get("examples", [])
    ]
    problems = []
    for where, example in examples:
        kind = example.get("type", "") if isinstance(example, dict) else ""
        entity = example.get(kind.removesuffix("_update")) if kind.endswith("_update") else None
        if isinstance(entity, dict) and entity.get("version") != str(example.get("version")):
            problems.append(
                f"{where} example: version {example.get('version')!r} is not the {kind} "
                f"entity's version {entity.get('version')!r}"
            )
    return problems


def _load_shared_schemas() -> Any:
    """openapi/shared_schemas.py, loaded by path (this file is run as a script and loaded
    by path from the tests, so a package import would not find it)."""
    spec = importlib.util.spec_from_file_location("shared_schemas", HERE / "shared_schemas.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {HERE / 'shared_schemas.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_shared_schemas(openapi: Json, asyncapi: Json) -> list[str]:
    """Stream frames carry REST entities: asyncapi.json's copies must be openapi.json's
    schemas exactly (see shared_schemas.py; `nox -s spec_sync` rewrites them)."""
    problems: list[str] = _load_shared_schemas().problems(openapi, asyncapi)
    return problems


def main() -> int:
    openapi, asyncapi = json.loads(OPENAPI.read_text()), json.loads(ASYNCAPI.read_text())
    problems = [f"openapi.json: {p}" for p in check_openapi(openapi)]
    problems += [f"asyncapi.json: {p}" for p in check_asyncapi(asyncapi)]
    problems += [f"asyncapi.json: {p}" for p in check_shared_schemas(openapi, asyncapi)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in the contract", file=sys.stderr)
        return 1
    print("openapi.json and asyncapi.json are valid; every example validates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
