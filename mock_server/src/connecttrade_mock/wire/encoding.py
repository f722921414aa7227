"""The REST API's JSON encoder: orjson, with items (orders) encoded once per change.

orjson writes what ``json.dumps(value, separators=(",", ":"))`` writes, except that text
outside ASCII stays UTF-8 instead of ``\\uXXXX`` escapes (both are the same JSON). What
orjson refuses (a lone surrogate echoed in an error message, an integer beyond 64 bits, a
non-string key) is written by the standard library instead, escapes and all, so no answer
is lost to the encoder; dates, datetimes and dataclasses are refused by both, as before.

A :class:`Rendered` item is an item's JSON value shared by every answer that shows it
until the item changes: it is encoded to bytes at most once, and the contract checks it
against a schema at most once (``checked``), so a page of unchanged orders costs a join
of cached bytes and a check of the page's envelope.

Kept items are many (thousands of orders), so a kept item costs the garbage collector as
little as it can: its value holds only text, None, tuples and dicts of those (which
CPython never tracks), and the sets of validators that accepted items are shared, one
per combination, not one per item.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable, Hashable
from typing import Any, Final

import orjson

__all__ = ["Rendered", "dumps", "plain", "tight"]

# Dates and dataclasses go to ``default`` (which refuses them), as json.dumps would.
_OPTIONS: Final = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class Rendered:
    """One item's JSON value (never to be changed once made), its bytes made on first use,
    and the validators that have accepted it."""

    __slots__ = ("_encoded", "_fragment", "checked", "value")

    def __init__(self, value: dict[str, Any]) -> None:
        self.value = value
        self._encoded: bytes | None = None
        self._fragment: orjson.Fragment | None = None
        self.checked: frozenset[Hashable] = frozenset()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.value!r})"

    def mark_checked(self, validator: Hashable) -> None:
        """Remember that ``validator`` accepted the value."""
        self.checked = _with(self.checked, validator)

    def encoded(self) -> bytes:
        """The value as compact JSON bytes (``TypeError`` where orjson refuses it)."""
        if self._encoded is None:
            # Two threads may both encode it; they make the same bytes.
            self._encoded = tight(orjson.dumps(self.value, option=_OPTIONS))
        return self._encoded

    def fragment(self) -> orjson.Fragment:
        """The encoded value, for orjson to copy into an answer."""
        if self._fragment is None:
            self._fragment = orjson.Fragment(self.encoded())
        return self._fragment


def tight(data: bytes) -> bytes:
    """``data`` in a block of its own size, for bytes that are kept. orjson's result keeps
    the whole buffer it wrote into (8 KiB at least), so a kept order's 600 bytes would hold
    8 KiB: thirteen times the memory, and the pages a growing heap faults in."""
    return memoryview(data).tobytes()


@functools.lru_cache(maxsize=256)
def _with(checked: frozenset[Hashable], validator: Hashable) -> frozenset[Hashable]:
    """``checked`` and ``validator``: the same set object for every item checked alike."""
    return checked | {validator}


def dumps(value: object) -> bytes:
    """``value`` as compact JSON bytes; :class:`Rendered` items are written from their bytes."""
    try:
        if isinstance(value, Rendered):
            return value.encoded()  # an answer of one item is its bytes
        return orjson.dumps(_fragments(value), option=_OPTIONS)
    except TypeError:
        text = json.dumps(value, separators=(",", ":"), default=_plain_default)
        return text.encode()


def plain(value: object) -> object:
    """``value`` with every :class:`Rendered` item replaced by its value (where an answer
    may hold them: the answer itself, a list, or a list in an object)."""
    return _swap_rendered(value, _VALUE_OF)


def _fragments(value: object) -> object:
    """``value`` with every :class:`Rendered` item (where :func:`plain` looks) replaced by
    its encoded bytes."""
    return _swap_rendered(value, Rendered.fragment)


_VALUE_OF: Final = operator.attrgetter("value")


def _swap_rendered(value: object, swap: Callable[[Rendered], object]) -> object:
    if isinstance(value, Rendered):
        return swap(value)
    if isinstance(value, list):
        return _swap_items(value, swap)
    if isinstance(value, dict) and any(isinstance(item, list) for item in value.values()):
        return {
            key: _swap_items(item, swap) if isinstance(item, list) else item
            for key, item in value.items()
        }
    return value


def _swap_items(items: list[Any], swap: Callable[[Rendered], object]) -> list[Any]:
    return [swap(item) if isinstance(item, Rendered) else item for item in items]


def _plain_default(value: object) -> object:
    if isinstance(value, Rendered):
        return value.value
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
