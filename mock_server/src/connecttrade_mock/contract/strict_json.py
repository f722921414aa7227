"""Request bodies parsed as strict JSON: no duplicate fields, no non-finite numbers; a
faster parse (:class:`QuickParse`) may answer first where it gives the same value."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from connecttrade_mock.contract._messages import _echo
from connecttrade_mock.contract.errors import ContractViolation

__all__ = [
    "QuickParse",
    "parse_json",
]


@dataclass(frozen=True, slots=True)
class QuickParse:
    """A request body's JSON value from ``parse(body, text)``, which answers ``unsure``
    wherever the contract's own parse must decide (it must never give another value)."""

    parse: Callable[[bytes, str], Any]
    unsure: object


class _DuplicateFieldError(ValueError):
    """A JSON object names the same field twice (JSON parsers would keep only one)."""


class _NonFiniteError(ValueError):
    """A JSON number that is NaN or infinite, which no field of the contract accepts."""


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateFieldError(key)
            seen.add(key)
    return obj


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _NonFiniteError(text)
    return number


def _reject_constant(text: str) -> object:
    raise _NonFiniteError(text)


# One decoder for every body: given hooks, ``json.loads`` builds a new decoder per call.
_DECODER: Final = json.JSONDecoder(
    object_pairs_hook=_unique_object,
    parse_float=_finite_float,
    parse_constant=_reject_constant,
)


def parse_json(body: bytes, quick: QuickParse | None = None) -> Any:
    """The JSON value of a request body, or ContractViolation (400) saying why not."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ContractViolation("body: not valid UTF-8") from None
    if quick is not None:
        value = quick.parse(body, text)  # only where it gives what follows
        if value is not quick.unsure:
            return value
    try:
        if text.startswith("\ufeff"):  # what json.loads refuses before decoding a str
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        return _DECODER.decode(text)
    except _DuplicateFieldError as exc:
        raise ContractViolation(f"body: field {_echo(str(exc))} given twice") from None
    except _NonFiniteError as exc:
        message = f"body: not valid JSON (number {_echo(str(exc))} is not finite)"
        raise ContractViolation(message) from None
    except json.JSONDecodeError as exc:
        message = f"body: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        raise ContractViolation(message) from None
    except RecursionError:
        raise ContractViolation("body: not valid JSON (nested too deeply)") from None
    except ValueError:
        raise ContractViolation("body: not valid JSON (a number is too long)") from None
