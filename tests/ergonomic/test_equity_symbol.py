"""Tests for equity symbols and their CQS, CMS and Nasdaq dialects."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connecttrade.types.equity_symbol import Dialect, EquitySymbol, InvalidEquitySymbol

# One row per security: its parts, then how CQS, CMS and Nasdaq write it (Nasdaq's table).
TABLE = [
    pytest.param(EquitySymbol("AAPL"), "AAPL", "AAPL", "AAPL", id="common"),
    pytest.param(EquitySymbol("BRK", share_class="B"), "BRK/B", "BRK B", "BRK.B", id="class"),
    pytest.param(EquitySymbol("IBM", preferred=True), "IBMp", "IBM PR", "IBM-", id="preferred"),
    pytest.param(
        EquitySymbol("IBM", preferred=True, preferred_series="A"),
        "IBMpA",
        "IBM PRA",
        "IBM-A",
        id="preferred-series",
    ),
    pytest.param(EquitySymbol("IBM", rights=True), "IBMr", "IBM RT", "IBM^", id="rights"),
    pytest.param(EquitySymbol("IBM", warrants=True), "IBM/WS", "IBM WS", "IBM+", id="warrants"),
    pytest.param(
        EquitySymbol("IBM", share_class="A", warrants=True),
        "IBM/WS/A",
        "IBM WSA",
        "IBM+A",
        id="warrants-class",
    ),
    pytest.param(EquitySymbol("IBM", when_issued=True), "IBMw", "IBM WI", "IBM#", id="when-issued"),
    pytest.param(
        EquitySymbol("BRK", share_class="B", when_issued=True),
        "BRK/Bw",
        "BRK BWI",
        "BRK.B#",
        id="class-when-issued",
    ),
    pytest.param(
        EquitySymbol("IBM", rights=True, when_issued=True),
        "IBMrw",
        "IBM RTWI",
        "IBM^#",
        id="rights-when-issued",
    ),
    pytest.param(
        EquitySymbol("IBM", preferred=True, preferred_series="A", when_issued=True),
        "IBMpAw",
        "IBM PRAWI",
        "IBM-A#",
        id="preferred-series-when-issued",
    ),
    pytest.param(
        EquitySymbol("IBM", warrants=True, when_issued=True),
        "IBM/WSw",
        "IBM WSWI",
        "IBM+#",
        id="warrants-when-issued",
    ),
]

letters = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@st.composite
def equity_symbols(draw: st.DrawFn) -> EquitySymbol:
    """Every combination of parts that the conventions can write."""
    root = draw(st.from_regex(r"[A-Z]{1,6}", fullmatch=True))
    kind = draw(st.sampled_from(["common", "preferred", "rights", "warrants"]))
    return EquitySymbol(
        root,
        share_class=draw(st.none() | letters) if kind in ("common", "warrants") else None,
        preferred=kind == "preferred",
        preferred_series=draw(st.none() | letters) if kind == "preferred" else None,
        rights=kind == "rights",
        warrants=kind == "warrants",
        when_issued=draw(st.booleans()),
    )


@pytest.mark.parametrize("dialect", list(Dialect), ids=str)
@pytest.mark.parametrize(("symbol", "cqs", "cms", "nasdaq"), TABLE)
def test_render_follows_the_convention_table(
    dialect: Dialect, symbol: EquitySymbol, cqs: str, cms: str, nasdaq: str
) -> None:
    """Each dialect writes each security as Nasdaq's convention table does."""
    expected = {Dialect.CQS: cqs, Dialect.CMS: cms, Dialect.NASDAQ: nasdaq}[dialect]
    assert symbol.render(dialect) == expected


@pytest.mark.parametrize("dialect", list(Dialect), ids=str)
@pytest.mark.parametrize(("symbol", "cqs", "cms", "nasdaq"), TABLE)
def test_parse_reads_the_convention_table(
    dialect: Dialect, symbol: EquitySymbol, cqs: str, cms: str, nasdaq: str
) -> None:
    """Each dialect's spelling of each security parses back into its parts."""
    text = {Dialect.CQS: cqs, Dialect.CMS: cms, Dialect.NASDAQ: nasdaq}[dialect]
    assert EquitySymbol.parse(text, dialect) == symbol


def test_str_and_default_dialect_are_cqs() -> None:
    """str() renders CQS and parse() reads CQS unless told otherwise."""
    symbol = EquitySymbol.parse("BRK/B")
    assert symbol == EquitySymbol("BRK", share_class="B")
    assert str(symbol) == "BRK/B"


@pytest.mark.parametrize(
    ("symbol", "common"),
    [
        (EquitySymbol("AAPL"), True),
        (EquitySymbol("BRK", share_class="B"), False),
        (EquitySymbol("IBM", when_issued=True), False),
    ],
    ids=["common", "class", "when-issued"],
)
def test_is_common_only_for_plain_tickers(symbol: EquitySymbol, common: bool) -> None:
    """is_common is true only when no suffix part is set."""
    assert symbol.is_common is common


@pytest.mark.parametrize(
    ("text", "dialect", "problem"),
    [
        ("", Dialect.CQS, "bad root: the symbol is empty"),
        ("aapl", Dialect.CQS, "bad root"),
        ("/B", Dialect.CQS, "bad root"),
        ("ABCDEFG", Dialect.CQS, "longer than 6"),
        ("ABCDEFG WS", Dialect.CMS, "longer than 6"),
        ("IBMx", Dialect.CQS, "bad suffix: 'x'"),
        ("IBM/", Dialect.CQS, "bad suffix"),
        ("IBM/BB", Dialect.CQS, "bad suffix"),
        ("IBMpAB", Dialect.CQS, "bad suffix"),
        ("IBMrp", Dialect.CQS, "bad suffix"),
        ("IBM ", Dialect.CMS, "bad suffix"),
        ("IBM  PR", Dialect.CMS, "bad suffix"),
        ("IBM XX", Dialect.CMS, "bad suffix"),
        ("IBM.", Dialect.NASDAQ, "bad suffix"),
        ("IBM-AB", Dialect.NASDAQ, "bad suffix"),
        ("IBM#^", Dialect.NASDAQ, "bad suffix"),
    ],
    ids=[
        "empty",
        "lower-case",
        "no-root",
        "root-too-long",
        "cms-root-too-long",
        "unknown-suffix",
        "bare-slash",
        "two-letter-class",
        "two-letter-series",
        "rights-then-preferred",
        "cms-trailing-space",
        "cms-double-space",
        "cms-unknown",
        "nasdaq-bare-dot",
        "nasdaq-two-letter-series",
        "nasdaq-wrong-order",
    ],
)
def test_parse_rejects_invalid_text_naming_the_problem(
    text: str, dialect: Dialect, problem: str
) -> None:
    """Unreadable text raises InvalidEquitySymbol naming the problem, text and dialect."""
    with pytest.raises(InvalidEquitySymbol) as info:
        EquitySymbol.parse(text, dialect)
    message = str(info.value)
    assert problem in message
    assert repr(text) in message
    assert str(dialect) in message


@pytest.mark.parametrize(
    ("text", "dialect", "hint"),
    [
        ("BRK.B", Dialect.CQS, "NASDAQ"),
        ("BRK/B", Dialect.NASDAQ, "CQS"),
        ("BRK B", Dialect.CQS, "CMS"),
    ],
    ids=["dot-as-cqs", "slash-as-nasdaq", "space-as-cqs"],
)
def test_parse_error_points_to_the_dialect_that_fits(
    text: str, dialect: Dialect, hint: str
) -> None:
    """When another dialect reads the text, the error says which one."""
    with pytest.raises(InvalidEquitySymbol, match=f"valid in the {hint} dialect"):
        EquitySymbol.parse(text, dialect)


@pytest.mark.parametrize(
    ("parts", "problem"),
    [
        ({"root": "aapl"}, "bad root"),
        ({"root": "ABCDEFG"}, "bad root"),
        ({"root": "BRK", "share_class": "BB"}, "bad share_class"),
        ({"root": "IBM", "preferred": True, "preferred_series": "a"}, "bad preferred_series"),
        ({"root": "IBM", "preferred": True, "rights": True}, "at most one"),
        ({"root": "IBM", "rights": True, "warrants": True}, "at most one"),
        ({"root": "IBM", "preferred_series": "A"}, "requires preferred=True"),
        ({"root": "IBM", "preferred": True, "share_class": "A"}, "share_class cannot"),
        ({"root": "IBM", "rights": True, "share_class": "A"}, "share_class cannot"),
        ({"root": "IBM", "when_issued": 1}, "bad when_issued"),
    ],
    ids=[
        "lower-root",
        "long-root",
        "two-letter-class",
        "lower-series",
        "preferred-and-rights",
        "rights-and-warrants",
        "series-without-preferred",
        "preferred-with-class",
        "rights-with-class",
        "int-flag",
    ],
)
def test_constructor_rejects_parts_that_do_not_fit(parts: dict[str, object], problem: str) -> None:
    """Parts no convention can write raise InvalidEquitySymbol naming the conflict."""
    with pytest.raises(InvalidEquitySymbol, match=problem):
        EquitySymbol(**parts)  # type: ignore[arg-type]


def test_invalid_equity_symbol_survives_pickling() -> None:
    """The error keeps its problem, text and dialect across a pickle round trip."""
    error = InvalidEquitySymbol("bad suffix: 'x'", "IBMx", Dialect.CQS)
    restored = pickle.loads(pickle.dumps(error))  # noqa: S301 -- our own bytes
    assert (restored.problem, restored.text, restored.dialect) == ("bad suffix: 'x'", "IBMx", "CQS")
    assert str(restored) == str(error)


@pytest.mark.parametrize("dialect", list(Dialect), ids=str)
@given(symbol=equity_symbols())
def test_parse_inverts_render_in_every_dialect(dialect: Dialect, symbol: EquitySymbol) -> None:
    """Rendering any symbol in a dialect and parsing it in that dialect gives it back."""
    assert EquitySymbol.parse(symbol.render(dialect), dialect) == symbol


@given(symbol=equity_symbols())
def test_dialects_render_distinct_symbols_distinctly(symbol: EquitySymbol) -> None:
    """The dialects write a suffixed symbol three different ways and a common stock one way."""
    renderings = {symbol.render(dialect) for dialect in Dialect}
    assert len(renderings) == (1 if symbol.is_common else len(Dialect))
