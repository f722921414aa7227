"""A result type's fields as a table, read fast and checked only when something is off.

A :class:`FieldTable` lists, in the result's field order, each wire key and how to read
it. Reading tries the fast way first: one plain function per field that accepts only the
ordinary case (a ``str`` where text is due, a string that makes a finite ``Decimal``, an
enum value this release knows, ...) and gives up on anything else. If any field gives up,
the whole object is read again through :class:`~.fields.Fields`, which accepts the same
values and more (an unknown enum value as text, an unquoted number) and raises the typed
error naming the field. So the fast way changes the speed, never the outcome; the tests
check that on arbitrary bodies.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import InvalidOperation
from enum import StrEnum
from typing import Any, Generic, TypeVar

from .fields import REMEMBERED, Fields, wire_decimal

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

FastRead = Callable[[object], object]
CheckedRead = Callable[[Fields, str], object]


class _GiveUp(Exception):  # noqa: N818 -- a signal, not an error anyone sees
    """A fast reader met something other than the ordinary case."""


@dataclasses.dataclass(frozen=True, slots=True)
class TableField:
    """One field: the result's attribute, the wire key, and its two readers.

    ``inline`` is the fast reader as statements for the table's compiled reader (see
    :func:`_compiled_reader`), for the kinds cheaper written out than called; ``helper``
    is what those statements use as ``{helper}``: an enum's members, the remembered
    Decimals, the ISO date parser.
    """

    attribute: str
    key: str
    fast: FastRead
    checked: CheckedRead
    inline: str | None = None
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
    fast read, with the common kinds written out in place rather than called (a page of
    orders makes thousands of these reads; a call costs more than the check it makes).
    Built from the table's own constant keys, as ``dataclasses`` builds ``__init__``."""
    names: dict[str, object] = {"_GiveUp": _GiveUp, "_result": result}
    lines = ["def read(body):", "    get = body.get"]
    for number, field in enumerate(fields):
        value = f"v{number}"
        lines.append(f"    {value} = get({field.key!r})")
        names[f"fast{number}"] = field.fast
        if field.inline is None:
            lines.append(f"    {value} = fast{number}({value})")
        else:
            names[f"helper{number}"] = field.helper
            lines.extend(
                "    " + line.format(value=value, helper=f"helper{number}", fast=f"fast{number}")
                for line in field.inline.splitlines()
            )
    arguments = ", ".join(f"v{number}" for number in range(len(fields)))
    lines.append(f"    return _result({arguments})")
    exec("\n".join(lines), names)  # noqa: S102 -- our own text, from the table's constants
    reader: Callable[[dict[str, Any]], Any] = names["read"]  # type: ignore[assignment]
    return reader


# The inline fast reads: each leaves the field's value in {value} or raises _GiveUp.
_INLINE_TEXT = "if type({value}) is not str:\n    raise _GiveUp"
_INLINE_OPT_TEXT = "if {value} is not None and type({value}) is not str:\n    raise _GiveUp"
# Only known values: an unknown one is kept as text by the checked reader.
_INLINE_ENUM = (
    "{value} = {helper}.get({value}) if type({value}) is str else None\n"
    "if {value} is None:\n"
    "    raise _GiveUp"
)
_INLINE_OPT_ENUM = "if {value} is not None:\n" + "\n".join(
    "    " + line for line in _INLINE_ENUM.splitlines()
)
# An amount already in the memo of finite Decimals is taken from it; the rest are called.
_INLINE_DECIMAL = (
    "known = {helper}.get({value}) if type({value}) is str else None\n"
    "{value} = known if known is not None else {fast}({value})"
)
_INLINE_OPT_DECIMAL = "if {value} is not None:\n" + "\n".join(
    "    " + line for line in _INLINE_DECIMAL.splitlines()
)


_INLINE_DATETIME = (
    "if type({value}) is not str:\n"
    "    raise _GiveUp\n"
    "try:\n"
    "    {value} = {helper}({value})\n"
    "except ValueError:\n"
    "    raise _GiveUp from None"
)


# --- readers: each fast one takes the value (None when missing) or gives up -------------


def _fast_text(value: object) -> object:
    if type(value) is str:
        return value
    raise _GiveUp


def _fast_opt_text(value: object) -> object:
    if value is None or type(value) is str:
        return value
    raise _GiveUp


def _fast_decimal(value: object) -> object:
    if type(value) is str:
        try:
            number = wire_decimal(value)
        except InvalidOperation:
            raise _GiveUp from None
        if number.is_finite():
            return number
    raise _GiveUp


def _fast_opt_decimal(value: object) -> object:
    return None if value is None else _fast_decimal(value)


def _fast_datetime(value: object) -> object:
    if type(value) is str:
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise _GiveUp


def _fast_integer(value: object) -> object:
    if type(value) is int:
        return value
    if type(value) is str and value.isascii() and value.isdigit():
        return int(value)
    raise _GiveUp


def _members(enum: type[StrEnum]) -> Mapping[str, object]:
    """The enum's members by value (what ``enum(value)`` looks up first)."""
    return enum._value2member_map_


def _fast_enum(enum: type[StrEnum]) -> FastRead:
    members = _members(enum)

    def read(value: object) -> object:
        # Only known values: an unknown one is kept as text by the checked reader.
        if type(value) is str:
            member = members.get(value)
            if member is not None:
                return member
        raise _GiveUp

    return read


def _fast_opt_enum(enum: type[StrEnum]) -> FastRead:
    read_member = _fast_enum(enum)

    def read(value: object) -> object:
        return None if value is None else read_member(value)

    return read


# --- fields: the vocabulary of the tables ----------------------------------------------


def text(attribute: str, key: str | None = None) -> TableField:
    return TableField(attribute, key or attribute, _fast_text, Fields.text, _INLINE_TEXT)


def opt_text(attribute: str, key: str | None = None) -> TableField:
    return TableField(
        attribute, key or attribute, _fast_opt_text, Fields.opt_text, _INLINE_OPT_TEXT
    )


def decimal(attribute: str, key: str | None = None) -> TableField:
    return TableField(
        attribute, key or attribute, _fast_decimal, Fields.decimal, _INLINE_DECIMAL, REMEMBERED
    )


def opt_decimal(attribute: str, key: str | None = None) -> TableField:
    return TableField(
        attribute,
        key or attribute,
        _fast_opt_decimal,
        Fields.opt_decimal,
        _INLINE_OPT_DECIMAL,
        REMEMBERED,
    )


def datetime(attribute: str, key: str | None = None) -> TableField:
    return TableField(
        attribute,
        key or attribute,
        _fast_datetime,
        Fields.datetime,
        _INLINE_DATETIME,
        dt.datetime.fromisoformat,
    )


def integer(attribute: str, key: str | None = None) -> TableField:
    return TableField(attribute, key or attribute, _fast_integer, Fields.integer)


def enum(attribute: str, kind: type[_E], key: str | None = None) -> TableField:
    def checked(fields: Fields, name: str) -> object:
        return fields.enum(name, kind)

    return TableField(
        attribute, key or attribute, _fast_enum(kind), checked, _INLINE_ENUM, _members(kind)
    )


def opt_enum(attribute: str, kind: type[_E], key: str | None = None) -> TableField:
    def checked(fields: Fields, name: str) -> object:
        return fields.opt_enum(name, kind)

    return TableField(
        attribute,
        key or attribute,
        _fast_opt_enum(kind),
        checked,
        _INLINE_OPT_ENUM,
        _members(kind),
    )


def items(attribute: str, parse: Callable[[object], Any], key: str | None = None) -> TableField:
    """A JSON array whose items ``parse`` reads (it raises for a bad item), as a tuple."""

    def fast(value: object) -> object:
        if type(value) is list:
            return tuple([parse(item) for item in value]) if value else ()
        raise _GiveUp

    def checked(fields: Fields, name: str) -> object:
        return tuple(parse(item) for item in fields.items(name))

    return TableField(attribute, key or attribute, fast, checked)
