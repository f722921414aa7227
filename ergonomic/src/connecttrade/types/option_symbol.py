"""OCC Options Symbology Initiative (OSI) option symbols.

An OSI symbol is ``{root}{YYMMDD}{C|P}{strike * 1000 as 8 digits}``, for example
``TSLA251031C00437500`` (TSLA call expiring 2025-10-31, strike 437.50). Some brokers
right-pad the root with spaces to six characters (``TSLA  251031C00437500``), others do
not; :meth:`OptionSymbol.parse` reads both and :meth:`OptionSymbol.osi` writes either.

Strikes are :class:`~decimal.Decimal` and are encoded by exact scaling, never through
``float``: ``float(2.01) * 1000`` is ``2009.9999...`` and truncates to ``00002009``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from enum import StrEnum

from connecttrade.types.root_error import ConnectTradeError

__all__ = ["InvalidOptionSymbol", "OptionRight", "OptionSymbol"]

_SUFFIX_LEN = 15  # YYMMDD + right + 8 strike digits
_PADDED_ROOT_LEN = 6
_ROOT_RE = re.compile(r"[A-Z][A-Z0-9]{0,5}")
_TAIL_RE = re.compile(r"[0-9]{6}[CP](?P<strike>[0-9]*)\Z")
_THOUSANDTH = Decimal("0.001")
# An explicit context keeps strike arithmetic independent of the caller's decimal context.
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation])
_MAX_STRIKE = Decimal("99999.999")


class InvalidOptionSymbol(ConnectTradeError, ValueError):  # noqa: N818 -- named for what is invalid, like InvalidTransition
    """An OCC option symbol, or the parts given to build one, break the OSI rules."""

    def __init__(self, problem: str, text: str | None = None) -> None:
        self.problem = problem
        self.text = text
        where = "option symbol parts" if text is None else f"OCC option symbol {text!r}"
        super().__init__(f"invalid {where}: {problem}")

    def __reduce__(self) -> tuple[type[InvalidOptionSymbol], tuple[str, str | None]]:
        # The default reduction replays ``args`` (the formatted message) into __init__.
        return type(self), (self.problem, self.text)


class OptionRight(StrEnum):
    """Call or put; the value is the OSI letter."""

    CALL = "C"
    PUT = "P"


@dataclass(frozen=True, slots=True)
class OptionSymbol:
    """One listed option contract, identified by its OSI parts.

    Constructing it validates the parts, so every instance renders to a valid symbol.
    Equality compares strikes numerically (``Decimal("437.5") == Decimal("437.500")``).
    """

    root: str
    expiry: dt.date
    right: OptionRight
    strike: Decimal

    def __post_init__(self) -> None:
        _check_root(self.root)
        if type(self.expiry) is not dt.date:
            # datetime is a date subclass; a time of day has no place in an OSI symbol.
            raise InvalidOptionSymbol(f"bad date: expiry must be a date, got {self.expiry!r}")
        if not 2000 <= self.expiry.year <= 2099:
            raise InvalidOptionSymbol(f"bad date: year {self.expiry.year} is outside 2000-2099")
        if not isinstance(self.right, OptionRight):
            raise InvalidOptionSymbol(f"bad right: expected OptionRight, got {self.right!r}")
        _strike_digits(self.strike)

    @classmethod
    def build(
        cls,
        root: str,
        expiry: dt.date,
        right: OptionRight | str,
        strike: Decimal | int | str,
    ) -> OptionSymbol:
        """Build a symbol from loosely typed parts (``"C"``/``"CALL"``, ``"437.5"``)."""
        return cls(root, expiry, _coerce_right(right), _coerce_strike(strike))

    @classmethod
    def parse(cls, text: str) -> OptionSymbol:
        """Parse a padded or unpadded OSI symbol; raise :class:`InvalidOptionSymbol`."""
        if not isinstance(text, str):
            raise InvalidOptionSymbol(f"bad type: expected str, got {type(text).__name__}")
        if not _SUFFIX_LEN + 1 <= len(text) <= _SUFFIX_LEN + _PADDED_ROOT_LEN:
            raise InvalidOptionSymbol(
                f"bad length: {len(text)}, expected 16 to 21 characters", text
            )
        # Fields are read from the right, so a strike with a digit too few or too many
        # would surface as a bad date; spot that shape first to name the real fault.
        tail = _TAIL_RE.search(text)
        if tail is not None and len(tail["strike"]) != 8:
            raise InvalidOptionSymbol(
                f"bad strike: {tail['strike']!r} has {len(tail['strike'])} digits, expected 8",
                text,
            )
        raw_root, date_part = text[:-_SUFFIX_LEN], text[-_SUFFIX_LEN:-9]
        right_part, strike_part = text[-9], text[-8:]
        root = raw_root.rstrip(" ")
        if root != raw_root and len(raw_root) != _PADDED_ROOT_LEN:
            raise InvalidOptionSymbol(
                f"bad root: a space-padded root must be padded to exactly "
                f"{_PADDED_ROOT_LEN} characters, got {len(raw_root)}",
                text,
            )
        try:
            _check_root(root)
        except InvalidOptionSymbol as exc:
            raise InvalidOptionSymbol(exc.problem, text) from None
        if not (date_part.isascii() and date_part.isdigit()):
            raise InvalidOptionSymbol(f"bad date: {date_part!r} is not YYMMDD", text)
        try:
            expiry = dt.date(2000 + int(date_part[:2]), int(date_part[2:4]), int(date_part[4:]))
        except ValueError:
            raise InvalidOptionSymbol(
                f"bad date: {date_part!r} is not a calendar date", text
            ) from None
        if right_part not in ("C", "P"):
            raise InvalidOptionSymbol(f"bad right: {right_part!r} is not C or P", text)
        if not (strike_part.isascii() and strike_part.isdigit()):
            raise InvalidOptionSymbol(f"bad strike: {strike_part!r} is not 8 digits", text)
        if int(strike_part) == 0:
            raise InvalidOptionSymbol("bad strike: strike must be greater than 0", text)
        # Built from text, so exact whatever the caller's decimal context; trailing zeros
        # of the thousandths are dropped so 437.50 reads "437.5", not "437.500".
        dollars, thousandths = strike_part[:5].lstrip("0") or "0", strike_part[5:].rstrip("0")
        strike = Decimal(f"{dollars}.{thousandths}" if thousandths else dollars)
        return cls(root, expiry, OptionRight(right_part), strike)

    def osi(self, *, padded: bool = False) -> str:
        """Render the OSI symbol, with the root space-padded to six characters if asked."""
        root = self.root.ljust(_PADDED_ROOT_LEN) if padded else self.root
        right = self.right.value
        return f"{root}{self.expiry:%y%m%d}{right}{_strike_digits(self.strike)}"

    def __str__(self) -> str:
        return self.osi()

    @property
    def underlying(self) -> str:
        """The OSI root, which names the underlying (``TSLA``; ``TSLA1`` after adjustments)."""
        return self.root

    @property
    def is_call(self) -> bool:
        """True for a call, False for a put."""
        return self.right is OptionRight.CALL


def _check_root(root: object) -> None:
    if not isinstance(root, str) or _ROOT_RE.fullmatch(root) is None:
        raise InvalidOptionSymbol(
            f"bad root: {root!r} must be 1-6 characters A-Z, digits allowed after the first"
        )


def _coerce_right(right: OptionRight | str) -> OptionRight:
    if isinstance(right, OptionRight):
        return right
    names = {"C": OptionRight.CALL, "CALL": OptionRight.CALL}
    names |= {"P": OptionRight.PUT, "PUT": OptionRight.PUT}
    if isinstance(right, str) and right.upper() in names:
        return names[right.upper()]
    raise InvalidOptionSymbol(f"bad right: {right!r} is not C, P, CALL or PUT")


def _coerce_strike(strike: Decimal | int | str) -> Decimal:
    # bool is an int subclass and float is inexact: neither is a price.
    if isinstance(strike, bool | float) or not isinstance(strike, Decimal | int | str):
        raise InvalidOptionSymbol(
            f"bad strike: expected Decimal, int or str, got {type(strike).__name__}"
        )
    try:
        return Decimal(strike)
    except InvalidOperation:
        raise InvalidOptionSymbol(f"bad strike: {strike!r} is not a number") from None


def _strike_digits(strike: object) -> str:
    """Encode a strike as OSI's 8 digits, refusing any value that does not scale exactly."""
    if not isinstance(strike, Decimal):
        raise InvalidOptionSymbol(f"bad strike: expected Decimal, got {type(strike).__name__}")
    if not strike.is_finite():
        raise InvalidOptionSymbol(f"bad strike: {strike} is not finite")
    if strike <= 0:
        raise InvalidOptionSymbol(f"bad strike: {strike} must be greater than 0")
    if strike > _MAX_STRIKE:
        raise InvalidOptionSymbol(f"bad strike: {strike} exceeds {_MAX_STRIKE}")
    # Comparing with the value rounded to thousandths is exact whatever the precision of
    # the input; multiplying by 1000 first could round a long input into a whole number.
    thousandths = strike.quantize(_THOUSANDTH, context=_CONTEXT)
    if thousandths != strike:
        raise InvalidOptionSymbol(f"bad strike: {strike} is not a whole number of thousandths")
    # With the exponent fixed at -3 by quantize, the coefficient is the 8-digit field.
    return "".join(map(str, thousandths.as_tuple().digits)).rjust(8, "0")
