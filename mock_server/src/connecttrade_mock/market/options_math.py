"""Black-Scholes prices and greeks of European options, Decimal in and Decimal out.

Units: ``years`` to expiry, ``volatility`` and ``rate`` as annual fractions (0.25 is 25%).
``theta`` is the value lost per calendar day, ``vega`` the change for one volatility point,
``rho`` the change for one rate point. Prices are rounded to the cent and greeks to four
decimals. At or after expiry an option is worth its intrinsic value. With zero volatility
the option is worth its discounted forward intrinsic value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Final

__all__ = [
    "Greeks",
    "OptionRight",
    "Valuation",
    "black_scholes",
    "intrinsic_value",
]

PRICE_QUANTUM: Final = Decimal("0.01")
GREEK_QUANTUM: Final = Decimal("0.0001")
_DAYS_PER_YEAR: Final = 365.0
_ZERO: Final = Decimal(0)


class OptionRight(StrEnum):
    """Call or put, spelled as in an OCC symbol."""

    CALL = "C"
    PUT = "P"


@dataclass(frozen=True, slots=True)
class Greeks:
    """Sensitivities of an option's value."""

    delta: Decimal
    gamma: Decimal
    theta: Decimal
    """Per calendar day."""
    vega: Decimal
    """Per volatility point (0.01)."""
    rho: Decimal
    """Per rate point (0.01)."""


@dataclass(frozen=True, slots=True)
class Valuation:
    """An option's theoretical price and greeks."""

    price: Decimal
    greeks: Greeks


def _price(value: float) -> Decimal:
    return Decimal(repr(max(value, 0.0))).quantize(PRICE_QUANTUM, rounding=ROUND_HALF_EVEN)


def _greek(value: float) -> Decimal:
    result = Decimal(repr(value)).quantize(GREEK_QUANTUM, rounding=ROUND_HALF_EVEN)
    return result.copy_abs() if result.is_zero() else result  # no negative zero


def _normal_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _normal_pdf(x: float) -> float:
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def intrinsic_value(right: OptionRight, spot: Decimal, strike: Decimal) -> Decimal:
    """What the option would pay if exercised now (never negative)."""
    payoff = spot - strike if right is OptionRight.CALL else strike - spot
    return max(payoff, _ZERO).quantize(PRICE_QUANTUM, rounding=ROUND_HALF_EVEN)


def _check(spot: Decimal, strike: Decimal, volatility: Decimal) -> None:
    if not spot.is_finite() or spot <= 0:
        raise ValueError(f"spot must be positive, not {spot}")
    if not strike.is_finite() or strike <= 0:
        raise ValueError(f"strike must be positive, not {strike}")
    if not volatility.is_finite() or volatility < 0:
        raise ValueError(f"volatility must not be negative, not {volatility}")


def black_scholes(
    right: OptionRight,
    spot: Decimal,
    strike: Decimal,
    *,
    years: Decimal,
    volatility: Decimal,
    rate: Decimal,
) -> Valuation:
    """Price and greeks of a European option on a non-dividend-paying underlying."""
    _check(spot, strike, volatility)
    call = right is OptionRight.CALL
    if years <= 0:
        in_the_money = spot > strike if call else spot < strike
        final_delta = (1.0 if call else -1.0) if in_the_money else 0.0
        zero = _greek(0.0)
        return Valuation(
            price=intrinsic_value(right, spot, strike),
            greeks=Greeks(delta=_greek(final_delta), gamma=zero, theta=zero, vega=zero, rho=zero),
        )
    s, k, t, v, r = float(spot), float(strike), float(years), float(volatility), float(rate)
    discount = math.exp(-r * t)
    if v == 0.0:
        return _deterministic(call=call, s=s, k=k, t=t, r=r, discount=discount)
    root_t = math.sqrt(t)
    d1 = (math.log(s / k) + (r + 0.5 * v * v) * t) / (v * root_t)
    d2 = d1 - v * root_t
    pdf = _normal_pdf(d1)
    gamma = pdf / (s * v * root_t)
    vega = s * pdf * root_t / 100.0
    decay = -s * pdf * v / (2.0 * root_t)
    if call:
        price = s * _normal_cdf(d1) - k * discount * _normal_cdf(d2)
        delta = _normal_cdf(d1)
        theta = (decay - r * k * discount * _normal_cdf(d2)) / _DAYS_PER_YEAR
        rho = k * t * discount * _normal_cdf(d2) / 100.0
    else:
        price = k * discount * _normal_cdf(-d2) - s * _normal_cdf(-d1)
        delta = _normal_cdf(d1) - 1.0
        theta = (decay + r * k * discount * _normal_cdf(-d2)) / _DAYS_PER_YEAR
        rho = -k * t * discount * _normal_cdf(-d2) / 100.0
    return Valuation(
        price=_price(price),
        greeks=Greeks(
            delta=_greek(delta),
            gamma=_greek(gamma),
            theta=_greek(theta),
            vega=_greek(vega),
            rho=_greek(rho),
        ),
    )


def _deterministic(
    *, call: bool, s: float, k: float, t: float, r: float, discount: float
) -> Valuation:
    """The zero-volatility limit: the option pays its forward intrinsic value for sure."""
    forward_payoff = s - k * discount if call else k * discount - s
    exercised = forward_payoff > 0
    sign = 1.0 if call else -1.0
    delta = sign if exercised else 0.0
    theta = -sign * r * k * discount / _DAYS_PER_YEAR if exercised else 0.0
    rho = sign * k * t * discount / 100.0 if exercised else 0.0
    zero = _greek(0.0)
    return Valuation(
        price=_price(forward_payoff),
        greeks=Greeks(
            delta=_greek(delta), gamma=zero, theta=_greek(theta), vega=zero, rho=_greek(rho)
        ),
    )
