"""One shared object per value for the decimals and names an order keeps.

Every order keeps its quantity, prices and names: the same few values, made afresh from
each request's body. Shared instead, an order holds about 400 bytes less, so a growing
book faults in fewer pages. Memory only: an equal value made afresh behaves the same.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Any, Final

__all__ = ["DECIMALS_KEPT", "shared_decimal", "shared_text"]

_DECIMALS: dict[str, Decimal] = {}
DECIMALS_KEPT: Final = 4096
"""How many decimal texts keep their shared object (the rest are made afresh)."""


def shared_decimal(value: object) -> Decimal | None:
    """``value`` (a decimal's text) as a Decimal, one shared object per text kept."""
    if value is None:
        return None
    text = str(value)
    number = _DECIMALS.get(text)
    if number is None:
        number = Decimal(text)
        if len(_DECIMALS) < DECIMALS_KEPT:  # a Decimal is immutable: safe to share
            _DECIMALS[text] = number
    return number


def shared_text(value: Any) -> Any:
    """A text field's value as the one interned string of that text (other values as is)."""
    return sys.intern(value) if type(value) is str else value
