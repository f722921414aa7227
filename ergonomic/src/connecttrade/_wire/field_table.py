"""A result type's fields as a table, read fast and checked only when something is off.

A :class:`FieldTable` lists, in the result's field order, each wire key and how to read
it. Reading tries the fast way first: a few statements per field, compiled into one
function per table, that accept only the ordinary case (a ``str`` where text is due, a
string that makes a finite ``Decimal``, an enum value this release knows, ...) and give
up on anything else. If any field gives up,
the whole object is read again through :class:`~.fields.Fields`, which accepts the same
values and more (an unknown enum value as text, an unquoted number) and raises the typed
error naming the field. So the fast way changes the speed, never the outcome; the tests
check that on arbitrary bodies.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from decimal import InvalidOperation
from enum import StrEnum
from typing import Any, Generic, TypeVar

from connecttrade._wire.fields import REMEMBERED, Fields, wire_decimal

__all__ = [
    "FieldTable",
    "TableField",
    "datetime",
    "decimal",
    "enum",
    "integer",
    "items",
    "opt_decimal",
    "opt_enum",
    "opt_text",
    "text",
]

_R = TypeVar("_R")
_E = TypeVar("_E", bound=StrEnum)

CheckedRead = Callable[[Fields, str], object]


class _GiveUp(Exception):  # noqa: N818 -- a signal, not an error anyone sees
    """A fast reader met something other than the ordinary case."""


@dataclasses.dataclass(frozen=True, slots=True)
class TableField:
    """One field: the result's attribute, the wire key, and its two readers.

    ``fast`` is the fast read as statements of the table's compiled reader (see
    :func:`_compiled_reader`): they leave the field's value in ``{value}`` or raise
    ``_GiveUp``, and may use ``{helper}`` (an enum's members, a reading function).
    """

    attribute: str
    key: str
    fast: str
    checked: CheckedRead
    helper: object = None


class FieldTable(Generic[_R]):
    """How to build a ``result`` dataclass from one JSON object (``what`` names it)."""

    __slots__ = ("_checked", "_fast", "result", "what")

    def __init__(self, result: type[_R], what: str, fields: Sequence[TableField]) -> None:
        names = tuple(field.name for field in dataclasses.fields(result))  # type: ignore[arg-type]
        listed = tuple(field.attribute for field in fields)
        if listed != names:
            raise TypeError(f"the {what} table lists {listed}, but {result.__name__} has {names}")
        self.result = result
        self.what = what
        self._fast = _compiled_reader(result, fields)
        self._checked = tuple((field.key, field.checked) for field in fields)

    def read(self, body: object) -> _R:
        """The result for ``body``; raises UnexpectedResponseError naming a bad field."""
        if type(body) is dict:
            try:
                return self._fast(body)  # type: ignore[no-any-return]
            except _GiveUp:
                pass
        return self.read_checked(body)

    def read_checked(self, body: object) -> _R:
        """The result for ``body`` read only the checked way (what :meth:`read` falls back to)."""
        fields = Fields(body, self.what)
        return self.result(*[read(fields, key) for key, read in self._checked])


def _compiled_reader(result: type, fields: Sequence[TableField]) -> Callable[[dict[str, Any]], Any]:
    """The fast way for a whole object, as one function: ``result(...)`` of every field's
    fast read, written out in place rather than called (a page of orders makes thousands
    of these reads; a call costs more than the check it makes). Built from the table's
    own constant keys, as ``dataclasses`` builds ``__init__``."""
    names: dict[str, object] = {
        "_GiveUp": _GiveUp,
        "_result": result,
        "_remembered": REMEMBERED,
        "_read_decimal": _read_decimal,
        "_read_datetime": dt.datetime.fromisoformat,
    }
    lines = ["def read(body):", "    get = body.get"]
    for number, field in enumerate(fields):
        value, helper = f"v{number}", f"helper{number}"
        names[helper] = field.helper
        lines.append(f"    {value} = get({field.key!r})")
        lines.extend(
            "    " + line.format(value=value, helper=helper) for line in field.fast.splitlines()
        )
    arguments = ", ".join(f"v{number}" for number in range(len(fields)))
    lines.append(f"    return _result({arguments})")
    exec("\n".join(lines), names)  # noqa: S102 -- our own text, from the table's constants
    reader: Callable[[dict[str, Any]], Any] = names["read"]  # type: ignore[assignment]
    return reader


def _optional(statements: str) -> str:
    """``statements`` for a field that may also be null (missing reads as null too)."""
    return "if {value} is not None:\n" + "\n".join(
        "    " + line for line in statements.splitlines()
    )


# The fast reads of each kind.
_CALL = "{value} = {helper}({value})"
_TEXT = "if type({value}) is not str:\n    raise _GiveUp"
# Only known values: an unknown one is kept as text by the checked reader.
_ENUM = (
    "{value} = {helper}.get({value}) if type({value}) is str else None\n"
    "if {value} is None:\n"
    "    raise _GiveUp"
)
# An amount already among the remembered finite Decimals is taken from them.
_DECIMAL = (
    "known = _remembered.get({value}) if type({value}) is str else None\n"
    "{value} = known if known is not None else _read_decimal({value})"
)
_DATETIME = (
    "if type({value}) is not str:\n"
    "    raise _GiveUp\n"
    "try:\n"
    "    {value} = _read_datetime({value})\n"
    "except ValueError:\n"
    "    raise _GiveUp from None"
)


# --- readers called by the fast reads: each takes the value or gives up -----------------


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


# --- fields: the vocabulary of the tables ----------------------------------------------


def text(attribute: str, key: str | None = None) -> TableField:
    return TableField(attribute, key or attribute, _TEXT, Fields.text)


def opt_text(attribute: str, key: str | None = None) -> TableField:
    return TableField(attribute, key or attribute, _optional(_TEXT), Fields.opt_text)


def decimal(attribute: str, key: str | None = None) -> TableField:
    return TableField(attribute, key or attribute, _DECIMAL, Fields.decimal)


def opt_decimal(attribute: str, key: str | None = None) -> TableField:
    return TableField(attribute, key or attribute, _optional(_DECIMAL), Fields.opt_decimal)


def datetime(attribute: str, key: str | None = None) -> TableField:
    return TableField(attribute, key or attribute, _DATETIME, Fields.datetime)


def integer(attribute: str, key: str | None = None) -> TableField:
    return TableField(attribute, key or attribute, _CALL, Fields.integer, _read_integer)


def enum(attribute: str, kind: type[_E], key: str | None = None) -> TableField:
    def checked(fields: Fields, name: str) -> object:
        return fields.enum(name, kind)

    return TableField(attribute, key or attribute, _ENUM, checked, kind._value2member_map_)


def opt_enum(attribute: str, kind: type[_E], key: str | None = None) -> TableField:
    def checked(fields: Fields, name: str) -> object:
        return fields.opt_enum(name, kind)

    members = kind._value2member_map_
    return TableField(attribute, key or attribute, _optional(_ENUM), checked, members)


def items(attribute: str, parse: Callable[[object], Any], key: str | None = None) -> TableField:
    """A JSON array whose items ``parse`` reads (it raises for a bad item), as a tuple."""

    def fast(value: object) -> object:
        if type(value) is list:
            return tuple([parse(item) for item in value]) if value else ()
        raise _GiveUp

    def checked(fields: Fields, name: str) -> object:
        return tuple(parse(item) for item in fields.items(name))

    return TableField(attribute, key or attribute, _CALL, checked, fast)
