"""Tests for OCC OSI option symbols."""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connecttrade.types.option_symbol import InvalidOptionSymbol, OptionRight, OptionSymbol

roots = st.from_regex(r"[A-Z][A-Z0-9]{0,5}", fullmatch=True)
expiries = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
rights = st.sampled_from(OptionRight)
# Every strike OSI can hold: 0.001 to 99999.999 in thousandths, plus the values a float
# round trip gets wrong, so each is tried on every run.
strikes = st.integers(min_value=1, max_value=99_999_999).map(lambda n: Decimal(n).scaleb(-3))
tricky_strikes = st.sampled_from(
    [Decimal(s) for s in ("2.01", "4.02", "0.001", "99999.999", "1.005", "8.2", "16.4")]
)
symbols = st.builds(OptionSymbol, roots, expiries, rights, strikes | tricky_strikes)


@pytest.mark.parametrize(
    ("text", "root", "expiry", "right", "strike"),
    [
        ("TSLA251031C00437500", "TSLA", dt.date(2025, 10, 31), OptionRight.CALL, "437.50"),
        ("AAPL241018P00190000", "AAPL", dt.date(2024, 10, 18), OptionRight.PUT, "190"),
        ("SPY241018C00430000", "SPY", dt.date(2024, 10, 18), OptionRight.CALL, "430"),
        ("TSLA  251031C00437500", "TSLA", dt.date(2025, 10, 31), OptionRight.CALL, "437.5"),
        ("X250117P00000001", "X", dt.date(2025, 1, 17), OptionRight.PUT, "0.001"),
        ("TSLA1 251031C99999999", "TSLA1", dt.date(2025, 10, 31), OptionRight.CALL, "99999.999"),
        ("GOOGLX240621C00002010", "GOOGLX", dt.date(2024, 6, 21), OptionRight.CALL, "2.01"),
    ],
    ids=["docs-tsla", "docs-aapl", "docs-spy", "padded", "min-strike", "max-strike", "six-root"],
)
def test_parse_reads_every_part(
    text: str, root: str, expiry: dt.date, right: OptionRight, strike: str
) -> None:
    """Parsing a valid symbol yields its root, expiry, right and exact strike."""
    assert OptionSymbol.parse(text) == OptionSymbol(root, expiry, right, Decimal(strike))


@pytest.mark.parametrize(
    ("strike", "digits"),
    [
        ("2.01", "00002010"),
        ("4.02", "00004020"),
        ("0.001", "00000001"),
        ("437.5", "00437500"),
        ("437.500000", "00437500"),
        ("99999.999", "99999999"),
        ("1E+2", "00100000"),
    ],
    ids=["2.01", "4.02", "thousandth", "half", "trailing-zeros", "max", "exponent"],
)
def test_strike_encodes_exactly(strike: str, digits: str) -> None:
    """A strike renders as exactly strike * 1000 in 8 digits, never off by one."""
    symbol = OptionSymbol.build("SPY", dt.date(2024, 10, 18), "C", Decimal(strike))
    assert str(symbol) == f"SPY241018C{digits}"


def test_strike_encoding_ignores_a_narrow_decimal_context() -> None:
    """A caller's low decimal precision cannot round a strike while encoding or parsing."""
    with localcontext() as ctx:
        ctx.prec = 3
        symbol = OptionSymbol.build("SPY", dt.date(2024, 10, 18), "C", Decimal("12345.678"))
        assert str(symbol) == "SPY241018C12345678"
        assert OptionSymbol.parse("SPY241018C12345678").strike == Decimal("12345.678")


def test_str_is_unpadded_and_osi_pads_on_request() -> None:
    """str() drops the padding, and osi(padded=True) pads the root to six characters."""
    symbol = OptionSymbol.parse("TSLA  251031C00437500")
    assert str(symbol) == "TSLA251031C00437500"
    assert symbol.osi() == "TSLA251031C00437500"
    assert symbol.osi(padded=True) == "TSLA  251031C00437500"


def test_underlying_and_is_call_describe_the_contract() -> None:
    """underlying is the OSI root, and is_call tells calls from puts."""
    call = OptionSymbol.parse("TSLA251031C00437500")
    put = OptionSymbol.parse("AAPL241018P00190000")
    assert (call.underlying, call.is_call) == ("TSLA", True)
    assert (put.underlying, put.is_call) == ("AAPL", False)


@pytest.mark.parametrize(
    ("right", "expected"),
    [
        ("C", OptionRight.CALL),
        ("call", OptionRight.CALL),
        ("P", OptionRight.PUT),
        ("PUT", OptionRight.PUT),
        (OptionRight.PUT, OptionRight.PUT),
    ],
    ids=["C", "call-lower", "P", "PUT", "enum"],
)
def test_build_accepts_right_spellings(right: str, expected: OptionRight) -> None:
    """build() reads a right written as a letter, a word or the enum."""
    assert OptionSymbol.build("SPY", dt.date(2024, 10, 18), right, 430).right is expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("SPY241018C0043", "bad length"),
        ("TSLAXYZ251031C00437500", "bad length"),
        ("", "bad length"),
        ("TSLA251331C00437500", "bad date"),
        ("TSLA250230C00437500", "bad date"),
        ("TSLA2510X1C00437500", "bad date"),
        ("TSLA251031X00437500", "bad right"),
        ("TSLA251031c00437500", "bad right"),
        ("TSLA251031C0043750X", "bad strike"),
        ("TSLA251031C0043750", "bad strike"),
        ("TSLA251031C004375000", "bad strike"),
        ("TSLA251031C00000000", "bad strike"),
        ("TSLA251031C-0437500", "bad strike"),
        ("tsla251031C00437500", "bad root"),
        ("1SLA251031C00437500", "bad root"),
        ("TSLA 251031C00437500", "bad root"),
        (" TSLA 251031C00437500", "bad root"),
        ("TS LA251031C00437500", "bad root"),
    ],
    ids=[
        "short",
        "long",
        "empty",
        "month-13",
        "feb-30",
        "date-letter",
        "right-X",
        "right-lower",
        "strike-letter",
        "strike-7-digits",
        "strike-9-digits",
        "strike-zero",
        "strike-sign",
        "root-lower",
        "root-digit-first",
        "root-half-padded",
        "root-leading-space",
        "root-inner-space",
    ],
)
def test_parse_rejects_invalid_text_naming_the_problem(text: str, problem: str) -> None:
    """Invalid text raises InvalidOptionSymbol saying what is wrong and quoting the text."""
    with pytest.raises(InvalidOptionSymbol) as info:
        OptionSymbol.parse(text)
    assert problem in str(info.value)
    assert repr(text) in str(info.value)
    assert info.value.text == text


@pytest.mark.parametrize(
    ("strike", "problem"),
    [
        (Decimal("2.0105"), "whole number of thousandths"),
        (Decimal("1.00000000000000000000000000001"), "whole number of thousandths"),
        (Decimal("100000"), "exceeds"),
        (Decimal(0), "greater than 0"),
        (Decimal("-5"), "greater than 0"),
        (Decimal("NaN"), "not finite"),
        (Decimal("Infinity"), "not finite"),
        ("abc", "not a number"),
        (2.01, "expected Decimal, int or str"),
        (True, "expected Decimal, int or str"),
    ],
    ids=[
        "four-places",
        "beyond-precision",
        "too-big",
        "zero",
        "negative",
        "nan",
        "infinity",
        "text",
        "float",
        "bool",
    ],
)
def test_build_rejects_bad_strikes(strike: object, problem: str) -> None:
    """build() refuses strikes that OSI cannot encode exactly, and floats."""
    with pytest.raises(InvalidOptionSymbol, match="bad strike") as info:
        OptionSymbol.build("SPY", dt.date(2024, 10, 18), "C", strike)  # type: ignore[arg-type]
    assert problem in str(info.value)


@pytest.mark.parametrize(
    ("root", "expiry", "right", "problem"),
    [
        ("SPYSPYS", dt.date(2024, 10, 18), "C", "bad root"),
        ("", dt.date(2024, 10, 18), "C", "bad root"),
        ("SPY", dt.date(1999, 12, 31), "C", "bad date"),
        ("SPY", dt.datetime(2024, 10, 18, 9, 30), "C", "bad date"),
        ("SPY", dt.date(2024, 10, 18), "X", "bad right"),
    ],
    ids=["root-too-long", "root-empty", "year-1999", "datetime", "right-X"],
)
def test_build_rejects_bad_parts(root: str, expiry: dt.date, right: str, problem: str) -> None:
    """build() refuses roots, expiries and rights that OSI cannot write."""
    with pytest.raises(InvalidOptionSymbol, match=problem):
        OptionSymbol.build(root, expiry, right, 430)


def test_constructor_validates_like_build() -> None:
    """Constructing directly runs the same checks, so no invalid instance can exist."""
    with pytest.raises(InvalidOptionSymbol, match="whole number of thousandths"):
        OptionSymbol("SPY", dt.date(2024, 10, 18), OptionRight.CALL, Decimal("2.0105"))
    with pytest.raises(InvalidOptionSymbol, match="bad right"):
        OptionSymbol("SPY", dt.date(2024, 10, 18), "C", Decimal(430))  # type: ignore[arg-type]


def test_symbols_are_immutable_and_hashable() -> None:
    """A symbol cannot be changed after construction and works as a set member."""
    symbol = OptionSymbol.parse("SPY241018C00430000")
    with pytest.raises(AttributeError):
        symbol.root = "QQQ"  # type: ignore[misc]
    assert {symbol, OptionSymbol.parse("SPY   241018C00430000")} == {symbol}


def test_invalid_option_symbol_survives_pickling() -> None:
    """The error keeps its problem and text across a pickle round trip."""
    error = InvalidOptionSymbol("bad right: 'X' is not C or P", "TSLA251031X00437500")
    restored = pickle.loads(pickle.dumps(error))  # noqa: S301 -- our own bytes
    assert (restored.problem, restored.text, str(restored)) == (
        error.problem,
        error.text,
        str(error),
    )


@given(symbols)
def test_build_render_parse_round_trips(symbol: OptionSymbol) -> None:
    """Any valid symbol parses back from its unpadded rendering to an equal value."""
    assert OptionSymbol.parse(str(symbol)) == symbol
    assert OptionSymbol.build(symbol.root, symbol.expiry, symbol.right, symbol.strike) == symbol


@given(symbols)
def test_padded_and_unpadded_forms_parse_alike(symbol: OptionSymbol) -> None:
    """The padded form is 21 characters and parses to the same value as the unpadded one."""
    padded = symbol.osi(padded=True)
    assert len(padded) == 21
    assert OptionSymbol.parse(padded) == OptionSymbol.parse(symbol.osi())


@given(symbols)
def test_rendering_is_the_strike_in_thousandths(symbol: OptionSymbol) -> None:
    """The last eight characters are the strike times 1000, computed exactly."""
    assert int(str(symbol)[-8:]) == symbol.strike * 1000
