"""What changed between two OpenAPI documents, for a client: `python openapi/spec_diff.py OLD NEW`.

`nox -s spec_diff` runs it after optic's report. optic does not read request bodies whose
variants are built with `allOf` and `if`/`then` (the `POST /orders` variants), so this check
compares, per operation and per schema, what a client depends on:

- operations and their parameters, request bodies, response statuses and media types;
- in every schema, also nested in `properties`, `items`, `additionalProperties`,
  `allOf`/`oneOf`/`anyOf` and `if`/`then`/`else`: `properties`, `required`, `enum` (and
  `const`), `type` and the variants of `oneOf`/`anyOf`.

Each change is classified for a client, by where the schema is used: in requests (what a
client sends) or in responses (what it reads); a schema used in both gets the worse of the
two. An enum value added to a response is "non-breaking for the SDK": strict clients reject
an unknown value, the SDK keeps it readable. `not` is not compared (it inverts every rule).

Exit status: 0 with the report; 2 on bad input (a file that is missing or not an OpenAPI 3
document); 1 when `--fail-on-breaking` is given and a change is breaking.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Json = dict[str, Any]

BREAKING = "breaking"
SDK_SAFE = "non-breaking for the SDK"
SAFE = "non-breaking"
SEVERITIES = (BREAKING, SDK_SAFE, SAFE)

REQUEST = "request"
RESPONSE = "response"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SCHEMA_PREFIX = "#/components/schemas/"

# kind -> (in requests: severity, why), (in responses: severity, why)
RULES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "property-added-optional": (
        (SAFE, "clients may leave it out"),
        (SAFE, "clients ignore a field they do not know"),
    ),
    "property-added-required": (
        (BREAKING, "clients that do not send it are refused"),
        (SAFE, "clients ignore a field they do not know"),
    ),
    "property-removed": (
        (BREAKING, "clients that send it are refused or silently ignored"),
        (BREAKING, "clients that read it find it gone"),
    ),
    "became-required": (
        (BREAKING, "clients that leave it out are refused"),
        (SAFE, "it is now always sent"),
    ),
    "no-longer-required": (
        (SAFE, "clients may now leave it out"),
        (BREAKING, "clients that read it may find it missing"),
    ),
    "enum-added": (
        (SAFE, "clients may send one more value"),
        (SDK_SAFE, "strict clients reject the new value; the SDK keeps unknown values readable"),
    ),
    "enum-removed": (
        (BREAKING, "clients that send it are refused"),
        (SAFE, "clients no longer receive it"),
    ),
    "type-widened": (
        (SAFE, "the server accepts more"),
        (BREAKING, "clients may receive a type they do not expect"),
    ),
    "type-narrowed": (
        (BREAKING, "values clients send today may be refused"),
        (SAFE, "clients receive a subset of what they handle"),
    ),
    "type-changed": (
        (BREAKING, "values clients send today are refused"),
        (BREAKING, "clients receive a type they do not expect"),
    ),
    "variant-added": (
        (SAFE, "clients may send one more shape"),
        (BREAKING, "clients may receive a shape they do not know"),
    ),
    "variant-removed": (
        (BREAKING, "clients that send that shape are refused"),
        (SAFE, "clients no longer receive that shape"),
    ),
    "rule-added": (
        (BREAKING, "requests valid today may be refused"),
        (SAFE, "clients receive a subset of what they handle"),
    ),
    "rule-removed": (
        (SAFE, "the server accepts more"),
        (BREAKING, "clients may receive what the rule excluded"),
    ),
    "closed": (
        (BREAKING, "clients that send other fields are refused"),
        (SAFE, "clients receive no unknown fields"),
    ),
    "opened": (
        (SAFE, "the server accepts more"),
        (SAFE, "clients ignore fields they do not know"),
    ),
}


class InputError(Exception):
    """A document that cannot be compared: missing, not JSON, or not OpenAPI 3."""


@dataclass(frozen=True)
class Change:
    """One change, where it is, and what it means for a client."""

    section: str  # "operation" or "schema"
    subject: str  # "POST /orders" or a component schema's name
    where: str  # "EquityOrderRequest.allOf[1].then" or "POST /orders parameter status"
    kind: str
    what: str
    severity: str
    why: str

    def line(self) -> str:
        """The change as report lines: what changed, then what it means for a client."""
        return f"{self.severity:<25} {self.where}: {self.what}\n{'':<25} {self.why}"


def load(path: Path) -> Json:
    """The OpenAPI 3 document at `path`, or InputError saying why it is not one."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise InputError(f"{path}: not an OpenAPI document (the top level is not an object)")
    version = doc.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        raise InputError(f"{path}: not an OpenAPI 3 document (openapi: {version!r})")
    if not isinstance(doc.get("info"), dict):
        raise InputError(f"{path}: the OpenAPI document has no info object")
    if not isinstance(doc.get("paths", {}), dict):
        raise InputError(f"{path}: paths is not an object")
    return doc


def _pointer(doc: Json, ref: str) -> Any:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and key.isdigit():
            node = node[int(key)]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return {}
    return node


def _deref(doc: Json, node: Any) -> Any:
    """`node` with `$ref`s followed (a local reference that leads nowhere gives {})."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
        seen.add(node["$ref"])
        node = _pointer(doc, node["$ref"])
    return node


def _component(ref: Any) -> str | None:
    if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
        name = ref.removeprefix(SCHEMA_PREFIX)
        if "/" not in name:
            return name
    return None


def _operations(doc: Json) -> Iterator[tuple[str, Json, Json]]:
    for path, entry in doc.get("paths", {}).items():
        item = _deref(doc, entry)
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield f"{method.upper()} {path}", item, operation


def _refs(doc: Json, node: Any, found: set[str]) -> None:
    """Every `$ref` reachable from `node`, followed transitively, into `found`."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref not in found:
                found.add(ref)
                stack.append(_pointer(doc, ref))
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def usage(doc: Json) -> dict[str, set[tuple[str, str]]]:
    """For each component schema: the (direction, operation) pairs whose messages use it."""
    used: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for name, item, operation in _operations(doc):
        sides = {
            REQUEST: [item.get("parameters", []), operation.get("parameters", [])],
            RESPONSE: [operation.get("responses", {})],
        }
        sides[REQUEST].append(operation.get("requestBody", {}))
        for direction, nodes in sides.items():
            found: set[str] = set()
            _refs(doc, nodes, found)
            for ref in found:
                component = _component(ref.split("/properties/")[0])
                if component is not None:
                    used[component].add((direction, name))
    return used


def _types(schema: Json) -> set[str] | None:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {str(t) for t in declared}
    return None


def _covers(wide: set[str], narrow: set[str]) -> bool:
    """Every value of a type in `narrow` is a value of a type in `wide`."""
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _enum(schema: Json) -> list[Any] | None:
    if isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    return None


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


class _Differ:
    """Compares two documents; `changes` collects what it finds."""

    def __init__(self, old: Json, new: Json) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        self._section = "schema"
        self._subject = ""
        self._directions: set[str] = set()
        self._seen: set[tuple[str, str]] = set()

    def add(self, where: str, kind: str, what: str, directions: set[str] | None = None) -> None:
        """Record a change of `kind`, classified for the directions the current schema is in."""
        directions = self._directions if directions is None else directions
        if kind in RULES and directions:
            request_rule, response_rule = RULES[kind]
            # Requests first: on a tie, the request side's reason is the one shown.
            severity, direction, why = min(
                (
                    (rule[0], direction, rule[1])
                    for direction, rule in ((REQUEST, request_rule), (RESPONSE, response_rule))
                    if direction in directions
                ),
                key=lambda entry: SEVERITIES.index(entry[0]),
            )
            why = f"in {direction}s: {why}"
        elif kind in RULES:
            severity, why = SAFE, "no operation uses it"
        else:
            severity, why = OPERATION_RULES[kind]
        self.changes.append(Change(self._section, self._subject, where, kind, what, severity, why))

    # -- schemas ---------------------------------------------------------------------------

    def schema(self, old: Any, new: Any, where: str) -> None:
        """Compare two schema nodes (and everything nested in them) at `where`."""
        if not isinstance(old, dict) or not isinstance(new, dict):
            if old != new and isinstance(old, bool) and isinstance(new, bool):
                self.add(where, "rule-added" if not new else "rule-removed", f"now {new}")
            return
        old_ref, new_ref = old.get("$ref"), new.get("$ref")
        if old_ref is not None or new_ref is not None:
            if old_ref == new_ref and _component(old_ref) is not None:
                return  # the component is compared on its own, once
            pair = (str(old_ref), str(new_ref))
            if pair in self._seen:
                return
            self._seen.add(pair)
            old, new = _deref(self.old, old), _deref(self.new, new)
            if not isinstance(old, dict) or not isinstance(new, dict):
                return
        self._types(old, new, where)
        self._enum(old, new, where)
        self._properties(old, new, where)
        self._required(old, new, where)
        if "items" in old or "items" in new:
            self.schema(old.get("items", {}), new.get("items", {}), f"{where}[]")
        self._additional(old, new, where)
        for keyword in ("oneOf", "anyOf"):
            self._variants(old, new, where, keyword)
        self._all_of(old, new, where)
        for keyword in ("if", "then", "else"):
            self._branch(old, new, where, keyword)

    def _types(self, old: Json, new: Json, where: str) -> None:
        before, after = _types(old), _types(new)
        if before == after:
            return
        shown = f"type {_show(before)} -> {_show(after)}"
        if after is None or (before is not None and _covers(after, before)):
            self.add(where, "type-widened", shown)
        elif before is None or _covers(before, after):
            self.add(where, "type-narrowed", shown)
        else:
            self.add(where, "type-changed", shown)

    def _enum(self, old: Json, new: Json, where: str) -> None:
        before, after = _enum(old), _enum(new)
        if before is None and after is None:
            return
        if before is None or after is None:
            if after is not None:
                self.add(where, "rule-added", f"now limited to the values {after!r}")
            else:
                self.add(where, "rule-removed", "no longer limited to an enum or const")
            return
        before_keys = {_key(v) for v in before}
        after_keys = {_key(v) for v in after}
        for value in after:
            if _key(value) not in before_keys:
                self.add(where, "enum-added", f"enum value {value!r} added")
        for value in before:
            if _key(value) not in after_keys:
                self.add(where, "enum-removed", f"enum value {value!r} removed")

    def _properties(self, old: Json, new: Json, where: str) -> None:
        before = old.get("properties", {})
        after = new.get("properties", {})
        if not isinstance(before, dict) or not isinstance(after, dict):
            return
        required = set(new.get("required", []))
        added = [name for name in after if name not in before]
        for name in before:
            if name not in after:
                renamed = [
                    other
                    for other in added
                    if _key(_deref(self.new, after[other])) == _key(_deref(self.old, before[name]))
                ]
                hint = f" (renamed to {renamed[0]!r}?)" if renamed else ""
                self.add(f"{where}.{name}", "property-removed", f"property removed{hint}")
        for name in added:
            kind = "property-added-required" if name in required else "property-added-optional"
            what = "required property added" if name in required else "optional property added"
            self.add(f"{where}.{name}", kind, what)
        for name in before:
            if name in after:
                self.schema(before[name], after[name], f"{where}.{name}")

    def _required(self, old: Json, new: Json, where: str) -> None:
        before = set(old.get("required", []))
        after = set(new.get("required", []))
        old_properties = old.get("properties", {})
        new_properties = new.get("properties", {})
        for name in sorted(after - before):
            # A property that is new here is reported as a required property added.
            if name in new_properties and name not in old_properties:
                continue
            self.add(where, "became-required", f"{name!r} became required")
        for name in sorted(before - after):
            if name in old_properties and name not in new_properties:
                continue  # reported as a property removed
            self.add(where, "no-longer-required", f"{name!r} is no longer required")

    def _additional(self, old: Json, new: Json, where: str) -> None:
        before = old.get("additionalProperties", True)
        after = new.get("additionalProperties", True)
        if isinstance(before, dict) and isinstance(after, dict):
            self.schema(before, after, f"{where}{{*}}")
        elif before is False and after is not False:
            self.add(where, "opened", "now accepts other properties")
        elif after is False and before is not False:
            self.add(where, "closed", "no longer accepts other properties")

    def _matched(self, before: list[Any], after: list[Any]) -> Iterator[tuple[Any, Any, str]]:
        """Pairs of entries of two subschema lists, by `$ref` when every entry is one."""
        if all(isinstance(e, dict) and "$ref" in e for e in [*before, *after]):
            old_refs = {e["$ref"]: e for e in before}
            new_refs = {e["$ref"]: e for e in after}
            for ref in [*old_refs, *(r for r in new_refs if r not in old_refs)]:
                label = ref.removeprefix(SCHEMA_PREFIX)
                yield old_refs.get(ref), new_refs.get(ref), label
            return
        for index in range(max(len(before), len(after))):
            yield (
                before[index] if index < len(before) else None,
                after[index] if index < len(after) else None,
                str(index),
            )

    def _variants(self, old: Json, new: Json, where: str, keyword: str) -> None:
        before, after = old.get(keyword, []), new.get(keyword, [])
        for old_entry, new_entry, label in self._matched(before, after):
            here = f"{where}.{keyword}[{label}]"
            if old_entry is None:
                self.add(here, "variant-added", f"{keyword} variant added")
            elif new_entry is None:
                self.add(here, "variant-removed", f"{keyword} variant removed")
            else:
                self.schema(old_entry, new_entry, here)

    def _all_of(self, old: Json, new: Json, where: str) -> None:
        before, after = old.get("allOf", []), new.get("allOf", [])
        for old_entry, new_entry, label in self._matched(before, after):
            here = f"{where}.allOf[{label}]"
            if old_entry is None:
                self.add(here, "rule-added", "allOf entry added")
            elif new_entry is None:
                self.add(here, "rule-removed", "allOf entry removed")
            else:
                self.schema(old_entry, new_entry, here)

    def _branch(self, old: Json, new: Json, where: str, keyword: str) -> None:
        if keyword not in old and keyword not in new:
            return
        here = f"{where}.{keyword}"
        if keyword == "if":
            # The condition itself is compared only for what it tells apart, not as a rule.
            if _key(old.get("if")) != _key(new.get("if")):
                self.add(here, "rule-added", "the condition changed")
            return
        if keyword not in old:
            self.add(here, "rule-added", f"{keyword} branch added")
        elif keyword not in new:
            self.add(here, "rule-removed", f"{keyword} branch removed")
        else:
            self.schema(old[keyword], new[keyword], here)

    def components(self) -> None:
        """Compare every component schema, classified by where the operations use it."""
        before = self.old.get("components", {}).get("schemas", {})
        after = self.new.get("components", {}).get("schemas", {})
        old_usage, new_usage = usage(self.old), usage(self.new)
        self._section = "schema"
        for name in [*before, *(n for n in after if n not in before)]:
            self._subject = name
            used = old_usage.get(name, set()) | new_usage.get(name, set())
            self._directions = {direction for direction, _ in used}
            if name not in after:
                self.add(name, "schema-removed", "schema removed")
            elif name not in before:
                self.add(name, "schema-added", "schema added")
            else:
                self._seen = set()
                self.schema(before[name], after[name], name)

    # -- operations ------------------------------------------------------------------------

    def operations(self) -> None:
        """Compare operations: added, removed, parameters, bodies, statuses, inline schemas."""
        self._section = "operation"
        before = {name: (item, op) for name, item, op in _operations(self.old)}
        after = {name: (item, op) for name, item, op in _operations(self.new)}
        for name in [*before, *(n for n in after if n not in before)]:
            self._subject = name
            self._seen = set()
            if name not in after:
                self.add(name, "operation-removed", "operation removed")
            elif name not in before:
                self.add(name, "operation-added", "operation added")
            else:
                self._parameters(name, before[name], after[name])
                self._request_body(name, before[name][1], after[name][1])
                self._responses(name, before[name][1], after[name][1])

    def _parameter_map(self, doc: Json, item: Json, operation: Json) -> dict[str, Json]:
        found: dict[str, Json] = {}
        for entry in [*item.get("parameters", []), *operation.get("parameters", [])]:
            parameter = _deref(doc, entry)
            if isinstance(parameter, dict) and "name" in parameter:
                found[f"{parameter.get('in', '?')} {parameter['name']}"] = parameter
        return found

    def _parameters(self, name: str, old: tuple[Json, Json], new: tuple[Json, Json]) -> None:
        before = self._parameter_map(self.old, *old)
        after = self._parameter_map(self.new, *new)
        self._directions = {REQUEST}
        for key, parameter in after.items():
            here = f"{name} parameter {key}"
            if key not in before:
                if parameter.get("required"):
                    self.add(here, "parameter-added-required", "required parameter added")
                else:
                    self.add(here, "parameter-added-optional", "optional parameter added")
                continue
            old_parameter = before[key]
            if parameter.get("required") and not old_parameter.get("required"):
                self.add(here, "parameter-became-required", "became required")
            elif old_parameter.get("required") and not parameter.get("required"):
                self.add(here, "parameter-no-longer-required", "is no longer required")
            self.schema(old_parameter.get("schema", {}), parameter.get("schema", {}), here)
        for key in before:
            if key not in after:
                self.add(f"{name} parameter {key}", "parameter-removed", "parameter removed")

    def _request_body(self, name: str, old: Json, new: Json) -> None:
        before = _deref(self.old, old.get("requestBody"))
        after = _deref(self.new, new.get("requestBody"))
        here = f"{name} request body"
        if not before and not after:
            return
        if not after:
            self.add(here, "body-removed", "request body removed")
            return
        if not before:
            required = bool(after.get("required"))
            self.add(
                here, "body-added-required" if required else "body-added", "request body added"
            )
            return
        if after.get("required") and not before.get("required"):
            self.add(here, "body-became-required", "became required")
        self._content(here, before.get("content", {}), after.get("content", {}), REQUEST)

    def _responses(self, name: str, old: Json, new: Json) -> None:
        before, after = old.get("responses", {}), new.get("responses", {})
        for status in [*before, *(s for s in after if s not in before)]:
            here = f"{name} response {status}"
            if status not in after:
                self.add(here, "response-removed", "response removed")
            elif status not in before:
                success = str(status).startswith("2")
                kind = "success-response-added" if success else "error-response-added"
                self.add(here, kind, "response added")
            else:
                old_response = _deref(self.old, before[status])
                new_response = _deref(self.new, after[status])
                self._content(
                    here, old_response.get("content", {}), new_response.get("content", {}), RESPONSE
                )

    def _content(self, where: str, before: Json, after: Json, direction: str) -> None:
        for media in [*before, *(m for m in after if m not in before)]:
            here = f"{where} ({media})"
            if media not in after:
                kind = "request-media-removed" if direction == REQUEST else "response-media-removed"
                self.add(here, kind, "media type removed")
            elif media not in before:
                kind = "request-media-added" if direction == REQUEST else "response-media-added"
                self.add(here, kind, "media type added")
            else:
                self._directions = {direction}
                self.schema(before[media].get("schema", {}), after[media].get("schema", {}), here)


OPERATION_RULES: dict[str, tuple[str, str]] = {
    "operation-added": (SAFE, "a new operation; clients that do not call it see nothing"),
    "operation-removed": (BREAKING, "clients that call it get an error"),
    "schema-added": (SAFE, "a new schema"),
    "schema-removed": (BREAKING, "code that uses its generated model no longer imports"),
    "parameter-added-optional": (SAFE, "clients may leave it out"),
    "parameter-added-required": (BREAKING, "clients that do not send it are refused"),
    "parameter-became-required": (BREAKING, "clients that leave it out are refused"),
    "parameter-no-longer-required": (SAFE, "clients may now leave it out"),
    "parameter-removed": (BREAKING, "clients that send it are refused or silently ignored"),
    "body-added": (SAFE, "clients may leave it out"),
    "body-added-required": (BREAKING, "clients that do not send one are refused"),
    "body-became-required": (BREAKING, "clients that send none are refused"),
    "body-removed": (BREAKING, "clients that send one are refused or silently ignored"),
    "request-media-added": (SAFE, "clients may send one more media type"),
    "request-media-removed": (BREAKING, "clients that send it are refused"),
    "success-response-added": (BREAKING, "clients may receive a success they do not parse"),
    "error-response-added": (SAFE, "clients handle it as an error"),
    "response-removed": (SAFE, "clients no longer receive it"),
    "response-media-added": (BREAKING, "clients may receive a media type they do not parse"),
    "response-media-removed": (SAFE, "clients no longer receive it"),
}


def _show(types: set[str] | None) -> str:
    if types is None:
        return "any"
    return "|".join(sorted(types))


def diff(old: Json, new: Json) -> list[Change]:
    """Every change from `old` to `new`: operations first, then component schemas."""
    differ = _Differ(old, new)
    differ.operations()
    differ.components()
    return differ.changes


def _uses(used: set[tuple[str, str]]) -> str:
    parts = []
    for direction in (REQUEST, RESPONSE):
        names = sorted((name for d, name in used if d == direction), key=lambda n: (len(n), n))
        if names:
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            parts.append(f"{direction}s of {shown}")
    return "; ".join(parts) or "no operation"


def report(changes: Sequence[Change], new: Json, old: Json | None = None) -> str:
    """The changes as a text report, grouped per operation and per schema."""
    counts = {severity: 0 for severity in SEVERITIES}
    for change in changes:
        counts[change.severity] += 1
    summary = ", ".join(f"{count} {severity}" for severity, count in counts.items())
    plural = "" if len(changes) == 1 else "s"
    lines = [
        f"Schema check: {len(changes)} change{plural} ({summary})" if changes else "No changes."
    ]
    used = usage(new)
    if old is not None:
        for name, uses in usage(old).items():
            used[name] |= uses
    for section, title in (("operation", "Operations"), ("schema", "Schemas")):
        subjects: dict[str, list[Change]] = defaultdict(list)
        for change in changes:
            if change.section == section:
                subjects[change.subject].append(change)
        if not subjects:
            continue
        lines += ["", title]
        for subject, entries in subjects.items():
            heading = (
                subject if section == "operation" else f"{subject} (in {_uses(used[subject])})"
            )
            lines.append(f"  {heading}")
            for change in entries:
                lines += [f"    {line}" for line in change.line().splitlines()]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the report; the exit status is described in the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--old-label", help="the name shown for OLD (default: its path)")
    parser.add_argument("--new-label", help="the name shown for NEW (default: its path)")
    parser.add_argument(
        "--fail-on-breaking", action="store_true", help="exit 1 on a breaking change"
    )
    parser.add_argument("--check-input", action="store_true", help="only check both documents")
    args = parser.parse_args(argv)
    try:
        old, new = load(args.old), load(args.new)
    except InputError as exc:
        print(f"spec_diff: {exc}", file=sys.stderr)
        return 2
    if args.check_input:
        return 0
    changes = diff(old, new)
    print(f"{args.old_label or args.old} -> {args.new_label or args.new}")
    print(report(changes, new, old), end="")
    if args.fail_on_breaking and any(change.severity == BREAKING for change in changes):
        print("spec_diff: breaking changes found (--fail-on-breaking)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
