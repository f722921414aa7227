"""Black-Scholes prices and greeks against textbook values and no-arbitrage rules."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connecttrade_mock.market.options_math import (
    Greeks,
    OptionRight,
    Valuation,
    black_scholes,
    intrinsic_value,
)

C, P = OptionRight.CALL, OptionRight.PUT

spots = st.decimals(min_value="1", max_value="2000", places=2)
strike_ratios = st.decimals(min_value="0.5", max_value="1.5", places=3)
years_st = st.decimals(min_value="0.01", max_value="3", places=4)
vols = st.decimals(min_value="0.05", max_value="1.5", places=3)
rates = st.decimals(min_value="0", max_value="0.1", places=3)


class Textbook(NamedTuple):
    """A worked example: inputs, the price, and optionally (delta, gamma, theta, vega, rho)."""

    right: OptionRight
    spot: str
    strike: str
    years: str
    vol: str
    rate: str
    price: str
    greeks: tuple[str, str, str, str, str] | None = None


TEXTBOOK = {
    "atm-call": Textbook(
        C, "100", "100", "1", "0.2", "0.05", "10.45",
        ("0.6368", "0.0188", "-0.0176", "0.3752", "0.5323"),
    ),
    "atm-put": Textbook(
        P, "100", "100", "1", "0.2", "0.05", "5.57",
        ("-0.3632", "0.0188", "-0.0045", "0.3752", "-0.4189"),
    ),
    "hull-15.6-call": Textbook(C, "42", "40", "0.5", "0.2", "0.1", "4.76"),
    "hull-15.6-put": Textbook(P, "42", "40", "0.5", "0.2", "0.1", "0.81"),
    "hull-19.1-call": Textbook(
        C, "49", "50", "0.3846", "0.2", "0.05", "2.40",
        ("0.5216", "0.0655", "-0.0118", "0.1211", "0.0891"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", TEXTBOOK.values(), ids=TEXTBOOK.keys())
def test_textbook_values(case: Textbook) -> None:
    """Prices and greeks match worked examples from Hull's Options, Futures and Derivatives."""
    valuation = black_scholes(
        case.right,
        Decimal(case.spot),
        Decimal(case.strike),
        years=Decimal(case.years),
        volatility=Decimal(case.vol),
        rate=Decimal(case.rate),
    )
    assert valuation.price == Decimal(case.price)
    if case.greeks is not None:
        assert valuation.greeks == Greeks(*(Decimal(g) for g in case.greeks))


@given(spot=spots, ratio=strike_ratios, years=years_st, vol=vols, rate=rates)
def test_put_call_parity(
    spot: Decimal, ratio: Decimal, years: Decimal, vol: Decimal, rate: Decimal
) -> None:
    """C - P equals S - K e^(-rT) within a cent."""
    strike = (spot * ratio).quantize(Decimal("0.01"))
    call = black_scholes(C, spot, strike, years=years, volatility=vol, rate=rate).price
    put = black_scholes(P, spot, strike, years=years, volatility=vol, rate=rate).price
    forward = spot - strike * Decimal(repr(math.exp(-float(rate) * float(years))))
    assert abs((call - put) - forward) <= Decimal("0.01")


@given(spot=spots, ratio=strike_ratios, years=years_st, vol=vols, rate=rates)
def test_greek_bounds(
    spot: Decimal, ratio: Decimal, years: Decimal, vol: Decimal, rate: Decimal
) -> None:
    """Call delta lies in [0, 1], put delta in [-1, 0]; gamma and vega are never negative."""
    strike = (spot * ratio).quantize(Decimal("0.01"))
    call = black_scholes(C, spot, strike, years=years, volatility=vol, rate=rate)
    put = black_scholes(P, spot, strike, years=years, volatility=vol, rate=rate)
    assert 0 <= call.greeks.delta <= 1
    assert -1 <= put.greeks.delta <= 0
    for valuation in (call, put):
        assert valuation.greeks.gamma >= 0
        assert valuation.greeks.vega >= 0
        assert valuation.price >= 0
    assert call.greeks.rho >= 0 >= put.greeks.rho


@given(ratio=strike_ratios, years=years_st, vol=vols, rate=rates)
def test_call_price_rises_with_spot_and_put_falls(
    ratio: Decimal, years: Decimal, vol: Decimal, rate: Decimal
) -> None:
    """Along a rising spot, call prices never fall and put prices never rise."""
    strike = (100 * ratio).quantize(Decimal("0.01"))
    spots_up = [Decimal(s) for s in range(50, 200, 5)]
    calls = [
        black_scholes(C, s, strike, years=years, volatility=vol, rate=rate).price for s in spots_up
    ]
    puts = [
        black_scholes(P, s, strike, years=years, volatility=vol, rate=rate).price for s in spots_up
    ]
    assert calls == sorted(calls)
    assert puts == sorted(puts, reverse=True)


@given(spot=spots, ratio=strike_ratios, years=years_st, vol=vols, rate=rates)
def test_a_european_option_is_worth_at_least_its_discounted_intrinsic_value(
    spot: Decimal, ratio: Decimal, years: Decimal, vol: Decimal, rate: Decimal
) -> None:
    """A call is worth at least S - K e^(-rT) and never more than the spot."""
    strike = (spot * ratio).quantize(Decimal("0.01"))
    call = black_scholes(C, spot, strike, years=years, volatility=vol, rate=rate).price
    floor = spot - strike * Decimal(repr(math.exp(-float(rate) * float(years))))
    assert call >= floor - Decimal("0.01")
    assert call <= spot


@pytest.mark.parametrize(
    ("right", "spot", "years", "price", "delta"),
    [
        (C, "110", "0", "10.00", "1"),
        (C, "90", "0", "0.00", "0"),
        (P, "90", "-0.1", "10.00", "-1"),
        (P, "110", "0", "0.00", "0"),
        (C, "100", "0", "0.00", "0"),
    ],
    ids=["call-itm", "call-otm", "put-itm-after-expiry", "put-otm", "call-atm"],
)
def test_at_expiry_the_price_is_intrinsic(
    right: OptionRight, spot: str, years: str, price: str, delta: str
) -> None:
    """At or after expiry an option is worth its intrinsic value and only delta survives."""
    valuation = black_scholes(
        right,
        Decimal(spot),
        Decimal(100),
        years=Decimal(years),
        volatility=Decimal("0.3"),
        rate=Decimal("0.04"),
    )
    zero = Decimal("0.0000")
    assert valuation == Valuation(
        price=Decimal(price),
        greeks=Greeks(delta=Decimal(delta), gamma=zero, theta=zero, vega=zero, rho=zero),
    )
    assert valuation.price == intrinsic_value(right, Decimal(spot), Decimal(100))


def test_zero_volatility_is_the_discounted_forward_payoff() -> None:
    """With no volatility a call pays S - K e^(-rT) for sure, with delta 1 and no gamma."""
    valuation = black_scholes(
        C, Decimal(100), Decimal(90), years=Decimal(1), volatility=Decimal(0), rate=Decimal("0.05")
    )
    assert valuation.price == Decimal("14.39")
    assert valuation.greeks.delta == 1
    assert valuation.greeks.gamma == 0
    assert valuation.greeks.vega == 0


def test_outputs_are_quantized() -> None:
    """Prices carry two decimals and greeks four."""
    valuation = black_scholes(
        C,
        Decimal("123.45"),
        Decimal(120),
        years=Decimal("0.25"),
        volatility=Decimal("0.33"),
        rate=Decimal("0.04"),
    )
    assert valuation.price.as_tuple().exponent == -2
    for greek in (valuation.greeks.delta, valuation.greeks.gamma, valuation.greeks.theta):
        assert greek.as_tuple().exponent == -4


@pytest.mark.parametrize(
    ("spot", "strike", "vol"),
    [("0", "100", "0.2"), ("100", "-1", "0.2"), ("100", "100", "-0.1"), ("NaN", "100", "0.2")],
    ids=["zero-spot", "negative-strike", "negative-vol", "nan-spot"],
)
def test_bad_inputs_are_refused(spot: str, strike: str, vol: str) -> None:
    """Non-positive spot or strike and negative volatility raise ValueError."""
    with pytest.raises(ValueError, match="must"):
        black_scholes(
            C,
            Decimal(spot),
            Decimal(strike),
            years=Decimal(1),
            volatility=Decimal(vol),
            rate=Decimal("0.04"),
        )
