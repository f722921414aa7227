"""Request bodies parsed by orjson where it provably gives what the contract's own JSON
parse gives (``contract.strict_json.parse_json``: the standard library's parser, refusing duplicate
fields and non-finite numbers), and left to that parse everywhere else.

orjson parses about five times faster but differs in three ways, each ruled out here:

- It keeps the last of two fields with one name; the contract refuses them. Every object
  member in JSON text is followed by exactly one literal ``:``, and the only other literal
  ``:`` are inside strings. So when the text has exactly as many ``:`` as the parsed
  objects have fields, no colon is inside a string and no field was dropped: there was no
  duplicate. Any other count is left to the full parse.
- It reads integers beyond 64 bits as floats, and floats with its own code. A result
  holding any float is left to the full parse (the contract's bodies carry numbers as
  text, so this costs nothing in practice).
- It nests up to 1024 levels, deeper than the standard library may manage inside a
  request handler. A result nested deeper than :data:`QUICK_DEPTH` is left to it.

Everything orjson refuses (NaN, lone surrogates, control characters, a byte order mark,
bad syntax) is left to the full parse too, which refuses it with its own message.
"""

from __future__ import annotations

from typing import Any, Final

import orjson

__all__ = ["QUICK_DEPTH", "UNSURE", "quick_loads"]

QUICK_DEPTH: Final = 32
"""The deepest nesting the quick parse answers for."""

UNSURE: Final = object()
"""What :func:`quick_loads` returns when the full parse must decide."""

# What orjson makes of JSON text besides objects, arrays and floats (never a subclass).
_LEAVES: Final = frozenset({str, int, bool, type(None)})


def quick_loads(body: bytes, text: str) -> Any:
    """The JSON value of ``body`` (whose UTF-8 decoding is ``text``), or :data:`UNSURE`."""
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        return UNSURE
    fields = _fields(value, 0)
    if fields < 0 or fields != text.count(":"):
        return UNSURE
    return value


def _fields(value: Any, depth: int) -> int:
    """How many fields the objects in ``value`` have, or -1 if it holds a float or nests
    deeper than :data:`QUICK_DEPTH`."""
    kind = type(value)
    if kind is dict:
        count, items = len(value), value.values()
    elif kind is list:
        count, items = 0, value
    else:
        return 0 if kind in _LEAVES else -1
    if depth >= QUICK_DEPTH:
        return -1
    if _LEAVES.issuperset(map(type, items)):  # a flat object or list (most bodies)
        return count
    for item in items:
        if type(item) not in _LEAVES:
            inner = _fields(item, depth + 1)
            if inner < 0:
                return -1
            count += inner
    return count
