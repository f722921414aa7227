"""Tests that reading an answer the fast way never changes the outcome of reading it checked."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sdk_fakes import order_json

from connecttrade import UnexpectedResponseError
from connecttrade._wire import field_table as ft
from connecttrade._wire import fields, parse
from connecttrade.types.results import Fill, Order

_FILL = {"fill_id": "f_1", "time": "2026-11-20T15:04:05Z", "quantity": "3", "price": "1.25"}
_LEG = {"symbol": "SPY241220C00430000", "action": "BUY_TO_OPEN", "ratio": "1"}

# Values a broker (or a bug) might send in place of any field.
_ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "",
            "0",
            "-0",
            "007",
            "1e3",
            "1E-7",
            "NaN",
            "sNaN",
            "Infinity",
            "-inf",
            " 1",
            "1_000",
            "١٢",  # Arabic-Indic digits: str.isdigit() says yes
            "²",
            "12.50",
            "abc",
            "working",
            "WORKING",
            "filled",
            "partially_filled",
            "BUY",
            "buy",
            "SELL_SHORT",
            "STK",
            "MLEG_OPT",
            "ALPACA",
            "alpaca",
            "NEW_BROKER",
            "DAY",
            "GTC",
            "LMT",
            "BUY_TO_OPEN",
            "2026-11-20T15:04:05Z",
            "2026-11-20T15:04:05.123456+00:00",
            "2026-11-20T15:04:05",
            "2026-11-20",
            "2026-13-40T99:99:99Z",
            "not a date",
        ]
    ),
    st.text(max_size=12),
    st.just([]),
    st.just([_FILL]),
    st.just([{**_FILL, "price": "NaN"}]),
    st.just([{**_FILL, "quantity": None}]),
    st.just([_LEG]),
    st.just([{**_LEG, "action": "SIDEWAYS"}]),
    st.just(["not an object"]),
    st.just({"nested": "object"}),
)
_MISSING = object()


def _outcome(read: Any, body: object) -> tuple[str, object]:
    """What reading gives: the result, or the error type and message."""
    try:
        return "value", read(body)
    except UnexpectedResponseError as exc:
        return "error", str(exc)


def _mutated(base: dict[str, Any], changes: dict[str, object]) -> dict[str, Any]:
    body = copy.deepcopy(base)
    for key, value in changes.items():
        if value is _MISSING:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def _changes(keys: list[str]) -> st.SearchStrategy[dict[str, object]]:
    return st.dictionaries(
        st.sampled_from(keys), st.one_of(_ODD_VALUES, st.just(_MISSING)), max_size=4
    )


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=_changes([*order_json().keys(), "extra_key"]))
def test_order_fast_and_checked_reads_agree(changes: dict[str, object]) -> None:
    """For any order body, the fast read gives the same result or error as the checked one."""
    body = _mutated(order_json(fills=[_FILL], legs=[]), changes)
    table = parse._ORDER
    assert _outcome(table.read, body) == _outcome(table.read_checked, body)


@settings(max_examples=300, deadline=None)
@given(changes=_changes(list(_FILL)))
def test_fill_fast_and_checked_reads_agree(changes: dict[str, object]) -> None:
    """For any fill body, the fast read gives the same result or error as the checked one."""
    body = _mutated(_FILL, changes)
    assert _outcome(parse._FILL.read, body) == _outcome(parse._FILL.read_checked, body)


@settings(max_examples=300, deadline=None)
@given(changes=_changes(list(_LEG)))
def test_leg_fast_and_checked_reads_agree(changes: dict[str, object]) -> None:
    """For any leg body, the fast read gives the same result or error as the checked one."""
    body = _mutated(_LEG, changes)
    table = parse._ORDER_LEG
    assert _outcome(table.read, body) == _outcome(table.read_checked, body)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(None, id="null"),
        pytest.param([order_json()], id="array"),
        pytest.param("order", id="string"),
    ],
)
def test_a_body_that_is_not_an_object_is_a_typed_error(body: object) -> None:
    """Anything but a JSON object raises UnexpectedResponseError naming the result."""
    with pytest.raises(UnexpectedResponseError, match=r"^Order: expected a JSON object$"):
        parse.order(body)


def test_an_ordinary_order_is_read_to_exact_values() -> None:
    """A complete order reads to members, exact Decimals, aware datetimes and nested tuples."""
    order = parse.order(order_json(fills=[_FILL], legs=[_LEG], order_qty="10.50", version="7"))
    assert isinstance(order, Order)
    assert order.qty == Decimal("10.50")
    assert str(order.qty) == "10.50"
    assert order.fills == (
        Fill(
            "f_1", dt.datetime(2026, 11, 20, 15, 4, 5, tzinfo=dt.UTC), Decimal(3), Decimal("1.25")
        ),
    )
    assert order.legs[0].ratio == 1
    assert order.version == 7


def test_a_table_out_of_step_with_its_result_is_refused() -> None:
    """A table whose fields differ from the result's is a TypeError when it is built."""
    with pytest.raises(TypeError, match="Fill table"):
        ft.FieldTable(Fill, "Fill", [ft.text("fill_id"), ft.decimal("price")])


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(["0", "0.00", "-0", "1E+2", "NaN", "-Infinity", " 1", "1_0", "x", ""]),
        st.text(max_size=8),
    )
)
def test_remembered_decimals_are_exactly_what_decimal_makes(text: str) -> None:
    """wire_decimal gives Decimal(text) digit for digit (asked twice), or the same error."""
    try:
        expected = Decimal(text)
    except InvalidOperation:
        with pytest.raises(InvalidOperation):
            fields.wire_decimal(text)
        return
    for _ in range(2):  # the second answer may come from the memo
        number = fields.wire_decimal(text)
        assert number.as_tuple() == expected.as_tuple()


def test_decimal_memo_stays_bounded() -> None:
    """However many distinct amounts arrive, the memo never holds more than its bound."""
    for cents in range(fields._DECIMALS_KEPT * 3):
        assert fields.wire_decimal(f"{cents // 100}.{cents % 100:02d}") == Decimal(cents) / 100
        assert len(fields._DECIMALS) <= fields._DECIMALS_KEPT


@pytest.mark.parametrize(
    "table", [parse._ORDER, parse._FILL, parse._ORDER_LEG], ids=["Order", "Fill", "OrderLeg"]
)
def test_fast_readers_are_source_code_not_compiled_text(table: ft.FieldTable[Any]) -> None:
    """Every fast reader is a built-in or a function of a source file, never exec'd text."""
    files = {
        getattr(getattr(read, "__code__", None), "co_filename", "built-in")
        for _, read in table._fast
    }
    assert files <= {"built-in", ft.__file__, parse.__file__}, files
