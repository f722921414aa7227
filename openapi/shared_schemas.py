"""asyncapi.json's copies of REST schemas, written from openapi.json: one source for both.

Stream frames carry REST entities (an ``order_update`` carries an ``Order``), so
asyncapi.json holds copies of the REST schemas it needs, and a client author with only
asyncapi.json still has every schema. openapi.json is the one source: a copy is marked
``"x-copied-from": "openapi.json#/components/schemas/<Name>"`` and is never edited by hand.

    python openapi/shared_schemas.py --write   # `nox -s spec_sync`: rewrite every copy
    python openapi/shared_schemas.py --check   # what `nox -s spec` reports (via validate.py)

``--write`` copies each marked schema afresh, adds a copy of every REST schema a copy
refers to (so a new ``$ref`` in ``Order`` brings its target along), and drops copies
nothing refers to any more. ``--check`` names each copy that differs and how (properties
added or removed, required fields, enum values, other keywords), and any stream schema
that refers to a REST schema openapi.json no longer has.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
OPENAPI = HERE / "openapi.json"
ASYNCAPI = HERE / "asyncapi.json"
MARK = "x-copied-from"
PREFIX = "#/components/schemas/"
FIX = "run `nox -s spec_sync` to copy openapi.json's schemas into asyncapi.json"

Json = dict[str, Any]


def _origin(name: str) -> str:
    return f"openapi.json{PREFIX}{name}"


def copies(asyncapi: Json) -> list[str]:
    """The names of asyncapi.json's schemas that are copies of REST schemas."""
    return [
        name
        for name, schema in asyncapi["components"]["schemas"].items()
        if isinstance(schema, dict) and MARK in schema
    ]


def _refs(tree: Any) -> Iterator[str]:
    """Every local schema name ``tree`` refers to."""
    if isinstance(tree, dict):
        ref = tree.get("$ref")
        if isinstance(ref, str) and ref.startswith(PREFIX):
            yield ref.removeprefix(PREFIX)
        for value in tree.values():
            yield from _refs(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from _refs(value)


def _without_mark(schema: Json) -> Json:
    return {key: value for key, value in schema.items() if key != MARK}


def _needed(openapi: Json, asyncapi: Json) -> list[str]:
    """The copies asyncapi.json needs: the REST schemas its own schemas refer to, and
    (transitively) the REST schemas those refer to, in openapi.json's order."""
    rest = openapi["components"]["schemas"]
    marked = set(copies(asyncapi))
    own = {n: s for n, s in asyncapi["components"]["schemas"].items() if n not in marked}
    wanted: set[str] = set()
    todo = [name for name in _refs(own) if name in rest and name not in own]
    while todo:
        name = todo.pop()
        if name not in wanted:
            wanted.add(name)
            todo.extend(ref for ref in _refs(rest[name]) if ref in rest)
    return [name for name in rest if name in wanted]


def _differences(rest: Json, copy: Json, where: str = "") -> list[str]:
    """How ``copy`` differs from ``rest``, in words a spec editor acts on."""
    out: list[str] = []
    rest_props, copy_props = rest.get("properties", {}), copy.get("properties", {})
    for name in rest_props.keys() - copy_props.keys():
        out.append(f"{where}property {name!r} is in openapi.json but not in the copy")
    for name in copy_props.keys() - rest_props.keys():
        out.append(f"{where}property {name!r} is in the copy but not in openapi.json")
    for key in ("required", "enum"):
        a, b = set(map(str, rest.get(key, []))), set(map(str, copy.get(key, [])))
        if a - b:
            out.append(f"{where}{key} in openapi.json only: {', '.join(sorted(a - b))}")
        if b - a:
            out.append(f"{where}{key} in the copy only: {', '.join(sorted(b - a))}")
    for name in sorted(rest_props.keys() & copy_props.keys()):
        if rest_props[name] != copy_props[name]:
            inner = _differences(rest_props[name], copy_props[name], f"{where}{name}: ")
            out += inner or [f"{where}property {name!r} differs"]
    skip = {"properties", "required", "enum", MARK}
    for key in sorted((rest.keys() | copy.keys()) - skip):
        if rest.get(key) != copy.get(key):
            out.append(f"{where}keyword {key!r} differs")
    return out


def problems(openapi: Json, asyncapi: Json) -> list[str]:
    """Every way asyncapi.json's copies are not openapi.json's schemas, each with the fix."""
    rest = openapi["components"]["schemas"]
    stream = asyncapi["components"]["schemas"]
    found: list[str] = []
    marked = copies(asyncapi)
    for name in marked:
        if stream[name][MARK] != _origin(name):
            found.append(f"schema {name}: {MARK} must be {_origin(name)!r}")
        if name not in rest:
            users = sorted(n for n, s in stream.items() if n != name and name in set(_refs(s)))
            found.append(
                f"schema {name} is a copy of a REST schema openapi.json no longer has "
                f"(referred to by {', '.join(users) or 'nothing'}): rename the references "
                f"in asyncapi.json, then {FIX}"
            )
            continue
        diffs = _differences(rest[name], _without_mark(stream[name]))
        if diffs:
            found.append(f"schema {name} is not openapi.json's ({'; '.join(diffs)}): {FIX}")
    needed = _needed(openapi, asyncapi)
    for name in needed:
        if name not in marked:
            found.append(f"schema {name}: a REST schema asyncapi.json refers to has no copy: {FIX}")
    for name in marked:
        if name in rest and name not in needed:
            found.append(f"schema {name}: a copy nothing refers to any more: {FIX}")
    for name, schema in stream.items():
        for ref in _refs(schema):
            if ref not in stream and ref not in rest:
                found.append(f"schema {name} refers to {ref}, which neither document has")
    return found


def synced(openapi: Json, asyncapi: Json) -> Json:
    """asyncapi.json with every copy written afresh from openapi.json."""
    rest = openapi["components"]["schemas"]
    marked = set(copies(asyncapi))
    own = {n: s for n, s in asyncapi["components"]["schemas"].items() if n not in marked}
    fresh = {name: {**rest[name], MARK: _origin(name)} for name in _needed(openapi, asyncapi)}
    # Copies first, as the document has always listed them: readers meet Order before
    # the frames that carry it.
    asyncapi["components"]["schemas"] = {**fresh, **own}
    return asyncapi


def _write(path: Path, document: Json) -> None:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="rewrite the copies")
    mode.add_argument("--check", action="store_true", help="report copies that differ")
    args = parser.parse_args(argv)
    openapi = json.loads(OPENAPI.read_text())
    asyncapi = json.loads(ASYNCAPI.read_text())
    if args.write:
        _write(ASYNCAPI, synced(openapi, asyncapi))
        print(f"asyncapi.json: {len(copies(asyncapi))} schema(s) copied from openapi.json")
        return 0
    found = problems(openapi, asyncapi)
    for problem in found:
        print(f"asyncapi.json: {problem}", file=sys.stderr)
    if not found:
        print(f"asyncapi.json: its {len(copies(asyncapi))} REST schema copies are openapi.json's")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
