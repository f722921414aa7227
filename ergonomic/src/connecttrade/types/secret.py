"""A wrapper that keeps credentials out of logs, tracebacks and reprs.

The client secret, user secrets and access tokens travel inside configuration objects
that get printed, logged and shown in tracebacks. :class:`Secret` renders as
``Secret('****')`` everywhere and gives the value only through :meth:`Secret.reveal`.
"""

from __future__ import annotations

import hmac
from typing import Any, NoReturn, Self

__all__ = ["Secret"]

_MASK = "Secret('****')"


class Secret:
    """A non-empty secret string that never shows its value unless revealed.

    Equality compares values in constant time. It is deliberately unhashable, pickling
    is refused (a pickle is a serialized copy of the value), and copying returns the
    same immutable object.
    """

    __slots__ = ("_value",)
    # Unhashable on purpose: a hash is a function of the value, and secrets have no
    # business being dict keys or set members.
    __hash__ = None  # type: ignore[assignment]

    _value: str

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"Secret value must be str, got {type(value).__name__}")
        if not value:
            raise ValueError("Secret value must not be empty")
        object.__setattr__(self, "_value", value)

    def reveal(self) -> str:
        """Return the secret value, for the one place that must send it."""
        return self._value

    def __repr__(self) -> str:
        return _MASK

    __str__ = __repr__

    def __format__(self, format_spec: str) -> str:
        # object.__format__ would fall back to str() anyway; this also honours widths.
        return format(_MASK, format_spec)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Secret is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("Secret is immutable")

    def __reduce__(self) -> NoReturn:
        raise TypeError("Secret values cannot be pickled; store the revealed value explicitly")

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self
