"""How the engine makes an order's decimals and names from a request's body."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = [
    "ValueMaker",
    "plain_decimal",
    "plain_text",
]


def plain_decimal(value: object) -> Decimal | None:
    """``value`` (a decimal's text) as a Decimal, or None."""
    return None if value is None else Decimal(str(value))


def plain_text(value: Any) -> Any:
    """A text field's value as given."""
    return value


@dataclass(frozen=True, slots=True)
class ValueMaker:
    """How the engine makes an order's decimals and names from a request's body (the
    speedups switch may give it makers that share equal values: same values, less memory)."""

    decimal: Callable[[object], Decimal | None] = plain_decimal
    text: Callable[[Any], Any] = plain_text
