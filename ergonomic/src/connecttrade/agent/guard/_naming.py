"""Orders named for people: a multi-leg order by its strategy, a single order by its side.

``1x SPY iron condor 2026-12-18 600/610/700/710 for a 9.50 credit`` says what a
reconciliation found, where the order's own fields (``side`` and ``symbol`` are empty on
a multi-leg order) said ``None None``. The shapes are the ones
:mod:`connecttrade.types.strategies` builds, recognised from the legs alone (the broker
keeps no strategy name); anything else is named by its legs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from connecttrade.types.option_symbol import InvalidOptionSymbol, OptionRight, OptionSymbol
from connecttrade.types.results import Order

__all__ = ["legs_name", "order_name"]


@dataclass(frozen=True, slots=True)
class _Leg:
    """A leg as held: +1 long, -1 short (a closing order's legs are flipped back)."""

    option: OptionSymbol
    sign: int
    ratio: int


def order_name(order: Order) -> str:
    """``BUY 5 ZAZZT limit 9.50`` or ``1x SPY iron condor 2026-12-18 ... for a 9.50 credit``."""
    if order.legs:
        legs = [(leg.symbol, str(leg.action), leg.ratio) for leg in order.legs]
        return _priced(legs_name(legs, order.qty), str(order.order_type), order.limit_price)
    return _single(
        f"{order.side} {_amount(order.qty, order.notional)} {order.symbol}",
        str(order.order_type),
        order.limit_price,
        order.stop_price,
    )


def _amount(qty: Decimal | None, notional: Decimal | None) -> str:
    return _number(qty) if qty is not None else f"${_number(notional)} of"


def _single(what: str, order_type: str, limit: Decimal | None, stop: Decimal | None) -> str:
    """The prices say the order type: ``at market``, ``limit 9.5``, ``stop 9 limit 9.5``."""
    prices = "".join(
        f" {word} {_number(value)}"
        for word, value in (("stop", stop), ("limit", limit))
        if value is not None
    )
    if prices:
        return f"{what}{prices}"
    return f"{what} at market" if order_type == "MKT" else f"{what} {order_type}"


def _priced(name: str, order_type: str, net: Decimal | None) -> str:
    """A multi-leg net price is signed on the wire: negative is a credit."""
    if net is None:
        return f"{name} at market" if order_type == "MKT" else name
    if net < 0:
        return f"{name} for a {_number(-net)} credit"
    return f"{name} for a {_number(net)} debit"


def legs_name(legs: Sequence[tuple[str, str, int]], qty: Decimal | None) -> str:
    """Name ``(OCC symbol, leg action, ratio)`` legs: a strategy when they form one."""
    count = f"{_number(qty)}x " if qty is not None else ""
    listed = ", ".join(f"{action} {ratio}x {symbol}" for symbol, action, ratio in legs)
    fallback = f"{count}{len(legs)}-leg order ({listed})"
    opening = all(action.endswith("_TO_OPEN") for _, action, _ in legs)
    closing = all(action.endswith("_TO_CLOSE") for _, action, _ in legs)
    if not legs or not (opening or closing):
        return fallback
    try:
        parsed = [
            _Leg(
                OptionSymbol.parse(symbol),
                # A closing order names the position it closes: its legs flipped back.
                (1 if action.startswith("BUY") else -1) * (1 if opening else -1),
                ratio,
            )
            for symbol, action, ratio in legs
        ]
    except InvalidOptionSymbol:
        return fallback
    roots = {leg.option.underlying for leg in parsed}
    named = _strategy(sorted(parsed, key=_order_key)) if len(roots) == 1 else None
    if named is None:
        return fallback
    strategy, expiries, strikes = named
    head = "" if opening else "closing "
    return f"{head}{count}{roots.pop()} {strategy} {expiries} {strikes}"


def _order_key(leg: _Leg) -> tuple[dt.date, Decimal, str]:
    return leg.option.expiry, leg.option.strike, str(leg.option.right)


def _strike(leg: _Leg) -> str:
    """``600`` for 600.000, ``437.5`` for 437.500."""
    return format(leg.option.strike.normalize(), "f")


def _strikes(*legs: _Leg) -> str:
    """Each strike once, lowest first (a straddle is ``660``, an iron butterfly three)."""
    return "/".join(dict.fromkeys(_strike(leg) for leg in legs))


def _strategy(legs: list[_Leg]) -> tuple[str, str, str] | None:
    """``(strategy, expiry text, strike text)`` for a known shape, else ``None``."""
    expiries = sorted({leg.option.expiry for leg in legs})
    if len(legs) == 2 and len(expiries) == 2:
        return _calendar(legs[0], legs[1], expiries)
    if len(expiries) != 1:
        return None
    expiry = expiries[0].isoformat()
    shape: str | None = None
    if len(legs) == 2:
        shape = _two_legs(legs[0], legs[1])
    elif len(legs) == 3:
        shape = _butterfly(legs[0], legs[1], legs[2])
    elif len(legs) == 4:
        shape = _iron(legs[0], legs[1], legs[2], legs[3])
    return None if shape is None else (shape, expiry, _strikes(*legs))


def _word(right: OptionRight) -> str:
    return "call" if right is OptionRight.CALL else "put"


def _two_legs(low: _Leg, high: _Leg) -> str | None:
    """A vertical, a ratio spread, a straddle or a strangle (``low`` has the lower strike)."""
    if low.option.right is high.option.right:
        if low.sign == high.sign or low.option.strike == high.option.strike:
            return None
        word = _word(low.option.right)
        if low.ratio != high.ratio:
            return f"{word} ratio spread {low.ratio}x{high.ratio}"
        # A vertical leans up when its lower strike is the one held long (calls or puts).
        return f"{'bull' if low.sign > 0 else 'bear'} {word} spread"
    if low.sign != high.sign or low.ratio != high.ratio:
        return None
    side = "long" if low.sign > 0 else "short"
    if low.option.strike == high.option.strike:
        return f"{side} straddle"
    put, call = (low, high) if low.option.right is OptionRight.PUT else (high, low)
    return f"{side} strangle" if put.option.strike < call.option.strike else None


def _calendar(near: _Leg, far: _Leg, expiries: list[dt.date]) -> tuple[str, str, str] | None:
    """One right, two expiries, opposite sides: a calendar (one strike) or a diagonal."""
    if near.option.right is not far.option.right or near.sign == far.sign:
        return None
    if near.ratio != far.ratio:
        return None
    word = _word(near.option.right)
    kind = "calendar" if near.option.strike == far.option.strike else "diagonal"
    side = "long" if far.sign > 0 else "short"
    strikes = _strike(near) if kind == "calendar" else _strikes(near, far)
    return f"{side} {word} {kind}", "/".join(e.isoformat() for e in expiries), strikes


def _butterfly(low: _Leg, middle: _Leg, high: _Leg) -> str | None:
    """One right, three strikes, wings 1:2:1 against the body."""
    rights = {low.option.right, middle.option.right, high.option.right}
    if len(rights) != 1 or not low.option.strike < middle.option.strike < high.option.strike:
        return None
    if (low.ratio, middle.ratio, high.ratio) != (1, 2, 1):
        return None
    if low.sign != high.sign or middle.sign == low.sign:
        return None
    return f"{'long' if low.sign > 0 else 'short'} {_word(low.option.right)} butterfly"


def _iron(a: _Leg, b: _Leg, c: _Leg, d: _Leg) -> str | None:
    """Two puts below two calls, one ratio: an iron condor or (shared short strike) butterfly."""
    legs = (a, b, c, d)
    puts = [leg for leg in legs if leg.option.right is OptionRight.PUT]
    calls = [leg for leg in legs if leg.option.right is OptionRight.CALL]
    if len(puts) != 2 or len(calls) != 2 or len({leg.ratio for leg in legs}) != 1:
        return None
    low_put, high_put = puts
    low_call, high_call = calls
    if not (
        low_put.option.strike < high_put.option.strike <= low_call.option.strike
        and low_call.option.strike < high_call.option.strike
    ):
        return None
    signs = (low_put.sign, high_put.sign, low_call.sign, high_call.sign)
    shared = high_put.option.strike == low_call.option.strike
    name = "iron butterfly" if shared else "iron condor"
    if signs == (1, -1, -1, 1):
        return name
    if signs == (-1, 1, 1, -1):
        return f"reverse {name}"
    return None


def _number(value: Decimal | None) -> str:
    """A quantity or price: ``1`` for 1.00, ``9.50`` kept with its cents."""
    if value is None:
        return "?"
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value, "f")
