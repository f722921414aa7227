"""A result type's fields as a table, read fast and checked only when something is off.

A :class:`FieldTable` lists, in the result's field order, each wire key and how to read
it. Reading tries the fast way first: one reader per field, chosen when the table is
built, that accepts only the ordinary case (a ``str`` where text is due, a string that
makes a finite ``Decimal``, an enum value this release knows, ...) and signals anything
else. If any field signals, the whole object is read again through
:class:`~.fields.Fields`, which accepts the same values and more (an unknown enum value
as text, an unquoted number) and raises the typed error naming the field. So the fast
way changes the speed, never the outcome; the tests check that on arbitrary bodies.

Every key of a table is required, nullable ones too: a key missing from an answer raises
the typed error naming the schema and the field (the contract requires every property),
where reading it as ``None`` would hide a field the vendor renamed. Keys the table does not
list are kept, as their JSON values, in the result's read-only ``extra``. Each table is
named after its contract schema, and ``tests/contract/test_sdk_matches_contract.py``
compares the tables with the schemas.

The readers are plain Python: built-ins over precomputed dicts where one fits (an enum's
members by value, the finite Decimals by text) and small functions and closures where
none does. No code is compiled from text, so a traceback through them points at these
lines. (An earlier version wrote each table's reads out into one ``exec``-compiled
function: some 10-15% faster per order, 0.3-0.4 ms on a 500-order page.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import InvalidOperation
from enum import StrEnum
from typing import Any, Generic, TypeVar

from connecttrade._exceptions import UnexpectedResponseError
from connecttrade._wire.fields import Fields, wire_decimal
from connecttrade.types.results import Extra
from connecttrade.types.secret import Secret

__all__ = [
    "FieldTable",
    "TableField",
    "boolean",
    "date",
    "datetime",
    "decimal",
    "enum",
    "integer",
    "items",
    "opt_decimal",
    "opt_enum",
    "opt_text",
    "secret",
    "text",
    "texts",
]

_R = TypeVar("_R")
_E = TypeVar("_E", bound=StrEnum)

CheckedRead = Callable[[Fields, str], object]
#: A fast read: the wire value in (``ABSENT`` for a missing key), the field out, or _GiveUp.
FastRead = Callable[[object], object]


#: What a fast read is handed for a key the answer lacks: no fast read accepts it.
ABSENT: Any = type("_Absent", (), {"__slots__": (), "__repr__": lambda self: "ABSENT"})()


class _GiveUp(Exception):  # noqa: N818 -- a signal, not an error anyone sees
    """A fast reader met something other than the ordinary case."""


@dataclasses.dataclass(frozen=True, slots=True)
class TableField:
    """One field: the result's attribute, the wire key, and its two readers.

    ``fast`` takes the wire value and returns the field's value or raises ``_GiveUp``;
    ``checked`` reads the key through :class:`Fields`. ``nullable`` says whether the
    field may be JSON null and ``kind`` names the enum it reads, if any: with the keys,
    they are what ``tests/contract/test_sdk_matches_contract.py`` compares with the
    contract's schema. Every key is required: a key missing from an answer is an error,
    also for a nullable field (the contract lists every property as required).
    """

    attribute: str
    key: str
    fast: FastRead
    checked: CheckedRead
    nullable: bool = False
    kind: type[StrEnum] | None = None


#: The result attribute that holds the properties of an answer its table does not list.
EXTRA = "extra"


class FieldTable(Generic[_R]):
    """How to build a ``result`` dataclass from one JSON object of schema ``what``.

    ``what`` is the contract's schema name; it starts every error message. The result's
    last field, ``extra``, receives the properties of the object the table does not list
    (a field newer than this release), as their JSON values in a read-only mapping.
    """

    __slots__ = ("_checked", "_fast", "_keys", "_make", "fields", "result", "what")

    def __init__(self, result: type[_R], what: str, fields: Sequence[TableField]) -> None:
        names = tuple(field.name for field in dataclasses.fields(result))  # type: ignore[arg-type]
        listed = (*(field.attribute for field in fields), EXTRA)
        if listed != names:
            raise TypeError(f"the {what} table lists {listed}, but {result.__name__} has {names}")
        self.result = result
        self._make: Callable[..., _R] = result
        self.what = what
        self.fields = tuple(fields)
        self._keys = frozenset(field.key for field in fields)
        self._fast = tuple((field.key, field.fast) for field in fields)
        self._checked = tuple((field.key, field.checked) for field in fields)

    def read(self, body: object) -> _R:
        """The result for ``body``; raises UnexpectedResponseError naming a bad field."""
        if type(body) is dict:
            get = body.get
            try:
                values = [read(get(key, ABSENT)) for key, read in self._fast]
            except _NOT_ORDINARY:
                pass
            else:
                # Every listed key was found, so more keys than listed means unknown ones.
                if len(body) == len(self._fast):
                    return self._make(*values)
                return self._make(*values, self._extra(body))
        return self.read_checked(body)

    def read_checked(self, body: object) -> _R:
        """The result for ``body`` read only the checked way (what :meth:`read` falls back to)."""
        fields = Fields(body, self.what)
        values = []
        for key, read in self._checked:
            fields.require(key)
            values.append(read(fields, key))
        assert isinstance(body, dict)  # Fields refused anything else
        return self._make(*values, self._extra(body))

    def _extra(self, body: dict[str, object]) -> Mapping[str, object]:
        known = self._keys
        return Extra({key: value for key, value in body.items() if key not in known})


# --- the fast reads of each kind: the wire value in, the field out, or an error -----------
#
# Most are built-in callables (a bound ``dict.__getitem__``, ``str.__str__``,
# ``datetime.fromisoformat``): a page of 500 orders makes some 13,000 of these reads, and a
# built-in costs far less to call than a Python function. Each signals "not the ordinary
# case" by raising one of these; the whole object is then read the checked way.
_NOT_ORDINARY = (_GiveUp, KeyError, TypeError, ValueError)

# ``str.__str__`` gives a ``str`` back as it is (JSON makes only exact ``str``) and raises
# TypeError for anything else.
_fast_text = str.__str__


_KEPT = 2048


class _Remembered(dict[object, object]):
    """Fast reads by wire text, each text read once (by ``read``) and then remembered.

    ``memo[value]`` is what ``read(value)`` gives; ``read`` raises for anything but the
    ordinary case, and only text is remembered (so ``True`` never finds what ``1`` read).
    With ``nulls``, ``None`` reads as itself, for the fields that may be null. The memo is
    dropped when full, the simple bound :func:`~.fields.wire_decimal` uses too.
    """

    __slots__ = ("_nulls", "_read")

    def __init__(self, read: FastRead, *, nulls: bool) -> None:
        super().__init__()
        self._read = read
        self._nulls = nulls
        self._reset()

    def _reset(self) -> None:
        self.clear()
        if self._nulls:
            self[None] = None

    def __missing__(self, key: object) -> object:
        value = self._read(key)
        if type(key) is str:
            if len(self) >= _KEPT:
                self._reset()
            self[key] = value
        return value


def _read_decimal(value: object) -> object:
    if type(value) is str:
        try:
            number = wire_decimal(value)
        except InvalidOperation:
            raise _GiveUp from None
        if number.is_finite():
            return number
    raise _GiveUp


def _read_integer(value: object) -> object:
    if type(value) is int:
        return value
    if type(value) is str and value.isascii() and value.isdigit():
        return int(value)
    raise _GiveUp


# Amounts, symbols and versions repeat across a page: most reads are one dict hit.
_fast_opt_text = _Remembered(_fast_text, nulls=True).__getitem__
_fast_decimal = _Remembered(_read_decimal, nulls=False).__getitem__
_fast_opt_decimal = _Remembered(_read_decimal, nulls=True).__getitem__
_fast_integer = _Remembered(_read_integer, nulls=False).__getitem__
# TypeError for anything but text, ValueError for text that is not an ISO 8601 time.
_fast_datetime: FastRead = dt.datetime.fromisoformat  # type: ignore[assignment]


def _fast_enum(members: Mapping[str, object], *, optional: bool) -> FastRead:
    # Only known values: an unknown one is kept as text by the checked reader (KeyError).
    known: dict[object, object] = {}
    known.update(members)
    if optional:
        known[None] = None
    return known.__getitem__


# --- fields: the vocabulary of the tables ----------------------------------------------


def _fast_boolean(value: object) -> object:
    if type(value) is bool:
        return value
    raise _GiveUp


def _fast_texts(value: object) -> object:
    if type(value) is list and all(type(item) is str for item in value):
        return tuple(value)
    raise _GiveUp


def _fast_secret(value: object) -> object:
    if type(value) is str and value:
        return Secret(value)
    raise _GiveUp


def _checked_secret(fields: Fields, key: str) -> object:
    value = fields.text(key)
    if not value:
        raise UnexpectedResponseError(f"{fields.what}.{key}: expected a non-empty secret")
    return Secret(value)


def text(attribute: str, key: str | None = None) -> TableField:
    return TableField(attribute, key or attribute, _fast_text, Fields.text)


def opt_text(attribute: str, key: str | None = None) -> TableField:
    return TableField(attribute, key or attribute, _fast_opt_text, Fields.opt_text, nullable=True)


def secret(attribute: str, key: str | None = None) -> TableField:
    """A non-empty string read as a :class:`~connecttrade.types.secret.Secret`."""
    return TableField(attribute, key or attribute, _fast_secret, _checked_secret)


def texts(attribute: str, key: str | None = None) -> TableField:
    """A JSON array of strings, as a tuple."""
    return TableField(attribute, key or attribute, _fast_texts, Fields.texts)


def boolean(attribute: str, key: str | None = None) -> TableField:
    return TableField(attribute, key or attribute, _fast_boolean, Fields.boolean)


def decimal(attribute: str, key: str | None = None) -> TableField:
    return TableField(attribute, key or attribute, _fast_decimal, Fields.decimal)


def opt_decimal(attribute: str, key: str | None = None) -> TableField:
    return TableField(
        attribute, key or attribute, _fast_opt_decimal, Fields.opt_decimal, nullable=True
    )


def datetime(attribute: str, key: str | None = None) -> TableField:
    return TableField(attribute, key or attribute, _fast_datetime, Fields.datetime)


def date(attribute: str, key: str | None = None) -> TableField:
    # TypeError for anything but text, ValueError for text that is not an ISO 8601 date.
    fast: FastRead = dt.date.fromisoformat  # type: ignore[assignment]
    return TableField(attribute, key or attribute, fast, Fields.date)


def integer(attribute: str, key: str | None = None) -> TableField:
    return TableField(attribute, key or attribute, _fast_integer, Fields.integer)


def enum(attribute: str, kind: type[_E], key: str | None = None) -> TableField:
    def checked(fields: Fields, name: str) -> object:
        return fields.enum(name, kind)

    fast = _fast_enum(kind._value2member_map_, optional=False)
    return TableField(attribute, key or attribute, fast, checked, kind=kind)


def opt_enum(attribute: str, kind: type[_E], key: str | None = None) -> TableField:
    def checked(fields: Fields, name: str) -> object:
        return fields.opt_enum(name, kind)

    fast = _fast_enum(kind._value2member_map_, optional=True)
    return TableField(attribute, key or attribute, fast, checked, nullable=True, kind=kind)


def items(
    attribute: str,
    parse: Callable[[object], Any],
    key: str | None = None,
    *,
    nullable: bool = False,
) -> TableField:
    """A JSON array whose items ``parse`` reads (it raises for a bad item), as a tuple;
    ``nullable``: JSON null reads as the empty tuple (the key must still be there)."""

    def fast(value: object) -> object:
        if type(value) is list:
            return tuple([parse(item) for item in value]) if value else ()
        if nullable and value is None:
            return ()
        raise _GiveUp

    def checked(fields: Fields, name: str) -> object:
        if nullable and fields.raw(name) is None:
            return ()
        return tuple(parse(item) for item in fields.items(name))

    return TableField(attribute, key or attribute, fast, checked, nullable=nullable)
