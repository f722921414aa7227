"""Scripted price events a scenario lays over the path: gaps, trading halts, fast markets.

Each is a plain value naming a symbol and moments (aware datetimes); ``Market.schedule``
turns them into overrides of the price path, applied in time order from the price the
path has at each moment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Final

from connecttrade_mock.market._units import _GRID_EPOCH

__all__ = [
    "Boundary",
    "FastMarket",
    "Gap",
    "Halt",
    "PriceEvent",
    "Step",
]


class Step(Enum):
    """What happens to the path at a boundary."""

    GAP = "gap"
    FAST_START = "fast_start"
    FAST_END = "fast_end"
    HALT_START = "halt_start"
    HALT_END = "halt_end"


@dataclass(frozen=True, slots=True)
class Boundary:
    """One moment where an event changes the path (a grid second)."""

    second: int
    step: Step
    jump: float = 0.0  # log-price jump (a gap, or a halt's reopening move)
    factor: float = 1.0  # a fast market's amplification of the walk's moves
    widen: int = 1  # a fast market's spread, in multiples of the usual one


def _second(moment: datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a naive datetime has no place on the clock: {moment!r}")
    return int((moment - _GRID_EPOCH).total_seconds())


_MAX_MOVE: Final = Decimal(1000)  # percent: a tenfold move, beyond any real gap
_MAX_FACTOR: Final = Decimal(100)
_MAX_SPREAD: Final = 100


def _jump(percent: Decimal) -> float:
    if percent <= -100:
        raise ValueError(f"a move of {percent}% would take the price to zero or below")
    if percent > _MAX_MOVE:
        raise ValueError(f"a move of {percent}% is beyond the {_MAX_MOVE}% the mock allows")
    return math.log1p(float(percent) / 100)


def _window(start: datetime, end: datetime) -> tuple[int, int]:
    lo, hi = _second(start), _second(end)
    if hi <= lo:
        raise ValueError(f"the window ends ({end.isoformat()}) before it starts")
    return lo, hi


@dataclass(frozen=True, slots=True)
class Gap:
    """The price jumps by ``percent`` at ``at`` (news, an opening gap)."""

    symbol: str
    at: datetime
    percent: Decimal

    def boundaries(self) -> list[Boundary]:
        return [Boundary(_second(self.at), Step.GAP, jump=_jump(self.percent))]


@dataclass(frozen=True, slots=True)
class Halt:
    """Trading in ``symbol`` stops over ``[start, end)``: the quote freezes, nothing prints
    and orders wait; it reopens ``reopen_percent`` away from where it stopped."""

    symbol: str
    start: datetime
    end: datetime
    reopen_percent: Decimal = Decimal(0)

    def boundaries(self) -> list[Boundary]:
        lo, hi = _window(self.start, self.end)
        return [
            Boundary(lo, Step.HALT_START),
            Boundary(hi, Step.HALT_END, jump=_jump(self.reopen_percent)),
        ]


@dataclass(frozen=True, slots=True)
class FastMarket:
    """Over ``[start, end)`` the walk's moves are ``factor`` times larger and the spread
    ``spread`` times wider."""

    symbol: str
    start: datetime
    end: datetime
    factor: Decimal = Decimal(3)
    spread: int = 3

    def boundaries(self) -> list[Boundary]:
        if not 0 < self.factor <= _MAX_FACTOR:
            raise ValueError(
                f"a fast market's factor must be above 0 and at most {_MAX_FACTOR}, "
                f"not {self.factor}"
            )
        if not 1 <= self.spread <= _MAX_SPREAD:
            raise ValueError(
                f"a fast market's spread must be 1 to {_MAX_SPREAD}, not {self.spread}"
            )
        lo, hi = _window(self.start, self.end)
        return [
            Boundary(lo, Step.FAST_START, factor=float(self.factor), widen=self.spread),
            Boundary(hi, Step.FAST_END),
        ]


PriceEvent = Gap | Halt | FastMarket
