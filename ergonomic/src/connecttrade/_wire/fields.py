"""Typed reads of one JSON object from an answer, with errors that never show values.

Answers are decoded with ``parse_float=Decimal`` (see :func:`decode_json`), so even a
number a broker sends unquoted never passes through ``float``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar, cast

from connecttrade._exceptions import UnexpectedResponseError

__all__ = ["NOT_JSON", "REMEMBERED", "Fields", "decode_json", "wire_decimal"]

_E = TypeVar("_E", bound=StrEnum)


# One decoder for every answer: json.loads(..., parse_float=...) builds a new one per call.
_DECODER = json.JSONDecoder(parse_float=Decimal)


class _NotJson:
    """The body of an answer that is not JSON (or is empty)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_JSON"


#: What :func:`decode_json` gives for a body that is not JSON: distinct from JSON ``null``
#: (which a list answer may be), so an HTML page on a 200 is an error, not an empty list.
NOT_JSON: object = _NotJson()


def decode_json(content: bytes) -> object:
    """The JSON value of a body, numbers with a fraction as ``Decimal``; :data:`NOT_JSON`
    if the body is empty or not JSON."""
    if not content:
        return NOT_JSON
    try:
        # What json.loads does with bytes: detect UTF-8/16/32, then decode.
        return _DECODER.decode(content.decode(json.detect_encoding(content), "surrogatepass"))
    except ValueError:
        return NOT_JSON


# Answers repeat the same few amounts ("0", "0.00", a price per order on a page): each text
# is turned into a Decimal once. Decimals are immutable and building one from text ignores
# the context, so a shared one is the same value; only finite ones are kept, and the whole
# memo is dropped when it is full (a simple bound for a stream of distinct amounts).
_DECIMALS: dict[str, Decimal] = {}
_DECIMALS_KEPT = 2048
#: The remembered Decimals by text, to read (only :func:`wire_decimal` adds to it).
REMEMBERED: Mapping[str, Decimal] = _DECIMALS


def wire_decimal(text: str) -> Decimal:
    """``Decimal(text)``, remembered; raises InvalidOperation as ``Decimal`` does."""
    number = _DECIMALS.get(text)
    if number is None:
        number = Decimal(text)
        if number.is_finite():
            if len(_DECIMALS) >= _DECIMALS_KEPT:
                _DECIMALS.clear()
            _DECIMALS[text] = number
    return number


class Fields:
    """One JSON object of an answer, read field by field as the contract types them.

    Every failure raises :class:`UnexpectedResponseError` naming the object and the field
    but never the value, which may be a secret.
    """

    __slots__ = ("_data", "_what")

    def __init__(self, data: object, what: str) -> None:
        if not isinstance(data, dict):
            raise UnexpectedResponseError(f"{what}: expected a JSON object")
        self._data: dict[str, object] = data
        self._what = what

    @property
    def what(self) -> str:
        """The name of the object read (the contract's schema name), for error messages."""
        return self._what

    def require(self, key: str) -> None:
        """Raise UnexpectedResponseError naming ``key`` and the schema if it is absent.

        For a field the contract requires but allows to be null: ``opt_*`` alone reads a
        missing key as ``None``, which would hide a renamed or dropped field.
        """
        if key not in self._data:
            raise UnexpectedResponseError(
                f"{self._what}.{key}: missing (the contract's {self._what} requires it)"
            )

    def _fail(self, key: str, expected: str) -> UnexpectedResponseError:
        return UnexpectedResponseError(f"{self._what}.{key}: expected {expected}")

    def _get(self, key: str) -> object:
        try:
            return self._data[key]
        except KeyError:
            raise UnexpectedResponseError(f"{self._what}.{key}: missing") from None

    def has(self, key: str) -> bool:
        """Whether ``key`` is present and not null."""
        return self._data.get(key) is not None

    def raw(self, key: str) -> object:
        """The value of a required field as it is (a nested object, for its own parser)."""
        return self._get(key)

    def text(self, key: str) -> str:
        try:
            value = self._data[key]  # _get inlined: the most read field kind
        except KeyError:
            raise UnexpectedResponseError(f"{self._what}.{key}: missing") from None
        if not isinstance(value, str):
            raise self._fail(key, "a string")
        return value

    def opt_text(self, key: str) -> str | None:
        return None if self._data.get(key) is None else self.text(key)

    def boolean(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self._fail(key, "a boolean")
        return value

    def integer(self, key: str) -> int:
        value = self._get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.isascii() and value.isdigit():
            return int(value)
        raise self._fail(key, "a whole number")

    def decimal(self, key: str) -> Decimal:
        try:
            value = self._data[key]  # _get inlined: money is most of every answer
        except KeyError:
            raise UnexpectedResponseError(f"{self._what}.{key}: missing") from None
        return self._number(key, value)

    def opt_decimal(self, key: str) -> Decimal | None:
        value = self._data.get(key)
        return None if value is None else self._number(key, value)

    def _number(self, key: str, value: object) -> Decimal:
        # A string (the wire's form) skips the checks only other JSON values need.
        if type(value) is not str and (
            isinstance(value, bool) or not isinstance(value, str | int | Decimal)
        ):
            raise self._fail(key, "a decimal number")
        try:
            number = wire_decimal(value) if type(value) is str else Decimal(value)
        except InvalidOperation:
            raise self._fail(key, "a decimal number") from None
        if not number.is_finite():
            raise self._fail(key, "a finite decimal number")
        return number

    def datetime(self, key: str) -> dt.datetime:
        try:
            return dt.datetime.fromisoformat(self.text(key))
        except ValueError:
            raise self._fail(key, "an ISO 8601 date-time") from None

    def date(self, key: str) -> dt.date:
        try:
            return dt.date.fromisoformat(self.text(key))
        except ValueError:
            raise self._fail(key, "an ISO 8601 date") from None

    def enum(self, key: str, enum: type[_E]) -> _E | str:
        """The member for the text, or the text itself when this release does not know it."""
        value = self.text(key)
        # A dict lookup first: calling the enum class costs several times as much, and a
        # page of orders reads six enums per order.
        member = enum._value2member_map_.get(value)
        if member is not None:
            return cast(_E, member)
        try:
            return enum(value)
        except ValueError:
            return value

    def opt_enum(self, key: str, enum: type[_E]) -> _E | str | None:
        return None if self._data.get(key) is None else self.enum(key, enum)

    def items(self, key: str) -> list[object]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._fail(key, "an array")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        values = self.items(key)
        if not all(isinstance(value, str) for value in values):
            raise self._fail(key, "an array of strings")
        return tuple(str(value) for value in values)
