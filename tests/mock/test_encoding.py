"""The API's JSON encoder writes the same JSON as the standard library, and orders encoded
once are still checked against the contract in every answer that shows them."""

from __future__ import annotations

import json
import tracemalloc
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from connecttrade_mock.contract.errors import ResponseViolation
from connecttrade_mock.contract.spec import Contract
from connecttrade_mock.wire.encoding import Rendered, dumps, plain, tight

SPEC: Any = Contract.load().document
ORDER_EXAMPLE: dict[str, Any] = SPEC["components"]["schemas"]["Order"]["examples"][0]


def stdlib(value: object) -> bytes:
    """What the mock wrote before orjson: compact, ASCII-escaped."""
    return json.dumps(value, separators=(",", ":")).encode()


@pytest.fixture(scope="module")
def contract() -> Contract:
    """The contract loaded the way the mock loads it."""
    return Contract.load()


@pytest.mark.parametrize(
    "value",
    [
        pytest.param({"message": "order_qty: must be greater than zero"}, id="error"),
        pytest.param([{"a": "1", "b": None, "c": True, "d": False}], id="list-of-objects"),
        pytest.param({"n": 9_223_372_036_854_775_807, "m": -1, "f": 0.5}, id="numbers"),
        pytest.param({"nested": {"deeper": [[], {}, [1, [2, [3]]]]}}, id="nested"),
        pytest.param({"quote": 'a "quoted" \\ back\nslash\t'}, id="escapes"),
        pytest.param([], id="empty-list"),
        pytest.param(None, id="null"),
    ],
)
def test_ascii_answers_are_byte_for_byte_what_json_dumps_wrote(value: object) -> None:
    """An answer of ASCII text is the same bytes as compact ``json.dumps``."""
    assert dumps(value) == stdlib(value)


def test_text_outside_ascii_is_utf8_and_reads_back_the_same() -> None:
    """Non-ASCII text is written as UTF-8 rather than escapes: the same JSON value."""
    value = {"message": "cl_order_id: 'é☃ 株' does not match"}
    written = dumps(value)
    assert "é☃ 株".encode() in written
    assert json.loads(written) == value


@pytest.mark.parametrize(
    "value",
    [
        pytest.param({"message": "bad \ud800 text"}, id="lone-surrogate"),
        pytest.param({"seed": 2**70}, id="beyond-64-bits"),
        pytest.param({1: "integer key"}, id="integer-key"),
    ],
)
def test_what_orjson_refuses_is_written_by_the_standard_library(value: object) -> None:
    """Values orjson cannot write still make an answer: the standard library's bytes."""
    assert dumps(value) == stdlib(value)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param({"at": datetime(2026, 11, 18, tzinfo=UTC)}, id="datetime"),
        pytest.param({"object": object()}, id="object"),
    ],
)
def test_values_that_are_not_json_are_refused_as_before(value: object) -> None:
    """A value json.dumps refuses is refused (TypeError), not silently converted."""
    with pytest.raises(TypeError):
        dumps(value)


def test_rendered_items_are_written_from_their_bytes_wherever_an_answer_holds_them() -> None:
    """An answer that is, lists, or holds a list of Rendered items has the plain bytes."""
    first, second = Rendered({"id": "a", "n": "1"}), Rendered({"id": "b", "n": "2"})
    page = {"orders": [first, second], "next_cursor": None, "prev_cursor": "x"}
    assert dumps(first) == stdlib(first.value)
    assert dumps([first, second]) == stdlib([first.value, second.value])
    assert dumps(page) == stdlib(plain(page))
    assert plain(page) == {
        "orders": [first.value, second.value],
        "next_cursor": None,
        "prev_cursor": "x",
    }


def test_a_rendered_item_with_refused_text_falls_back_whole() -> None:
    """A Rendered item orjson refuses falls back to the standard library with the rest."""
    item = Rendered({"symbol": "\udcff"})
    assert dumps({"orders": [item]}) == stdlib({"orders": [item.value]})


def test_a_valid_rendered_order_is_remembered_as_checked(contract: Contract) -> None:
    """An order the contract accepts is marked checked by the validator that accepted it."""
    item = Rendered(dict(ORDER_EXAMPLE))
    contract.validate_response(contract.operation("get_order"), 200, item)
    assert contract.schema_validator("Order") in item.checked
    page = {"orders": [item], "next_cursor": None, "prev_cursor": None}
    contract.validate_response(contract.operation("list_orders"), 200, page)


BROKEN_ORDER = {**ORDER_EXAMPLE, "version": 3}
BROKEN_MESSAGE = "version: must be a string, got an integer"


def test_a_rendered_order_that_breaks_the_contract_is_refused_and_not_remembered(
    contract: Contract,
) -> None:
    """A Rendered order gets the same ResponseViolation as its plain dict, and stays unchecked."""
    item = Rendered(dict(BROKEN_ORDER))
    for body in (item, dict(BROKEN_ORDER)):
        with pytest.raises(ResponseViolation) as caught:
            contract.validate_response(contract.operation("place_order"), 201, body)
        assert caught.value.message == f"place_order 201: {BROKEN_MESSAGE}"
    assert not item.checked


@pytest.mark.parametrize(
    ("items", "envelope", "expected"),
    [
        pytest.param(
            [ORDER_EXAMPLE, BROKEN_ORDER],
            {"next_cursor": None, "prev_cursor": None},
            f"list_orders 200: orders[1].{BROKEN_MESSAGE}",
            id="one-broken-order",
        ),
        pytest.param(
            [ORDER_EXAMPLE],
            {"next_cursor": 5, "prev_cursor": None},
            "list_orders 200: next_cursor: must be null or a string, got an integer",
            id="broken-envelope",
        ),
        pytest.param(
            [ORDER_EXAMPLE],
            {"next_cursor": None},
            "list_orders 200: body: missing required field 'prev_cursor'",
            id="missing-envelope-field",
        ),
    ],
)
def test_a_page_of_rendered_orders_is_refused_like_the_plain_page(
    contract: Contract, items: list[dict[str, Any]], envelope: dict[str, Any], expected: str
) -> None:
    """A page checked order by order plus its envelope refuses what the whole page check
    refuses, with the same message, even when its valid orders were checked before."""
    operation = contract.operation("list_orders")
    rendered = [Rendered(dict(item)) for item in items]
    for item in rendered:
        if item.value != BROKEN_ORDER:  # the valid ones were shown (and checked) before
            contract.validate_response(contract.operation("get_order"), 200, item)
    for body in (
        {"orders": rendered, **envelope},
        {"orders": [dict(item) for item in items], **envelope},
    ):
        with pytest.raises(ResponseViolation) as caught:
            contract.validate_response(operation, 200, body)
        assert caught.value.message == expected


def test_a_list_answer_of_rendered_items_is_checked_item_by_item(contract: Contract) -> None:
    """An answer that is a list (positions) is checked per item when its items are Rendered."""
    operation = contract.operation("list_positions")
    position: dict[str, Any] = SPEC["components"]["schemas"]["Position"]["examples"][0]
    good = Rendered(dict(position))
    contract.validate_response(operation, 200, [good])
    assert contract.schema_validator("Position") in good.checked
    broken = Rendered({**position, "quantity": 10})
    with pytest.raises(ResponseViolation, match=r"^list_positions 200: \[0\]\.quantity: must be"):
        contract.validate_response(operation, 200, [broken])


def test_a_kept_encoding_holds_no_more_memory_than_its_bytes() -> None:
    """orjson's result keeps the whole buffer it wrote into (8 KiB at least); a rendered
    order's kept bytes (thousands of them are kept) take about their own size."""
    items = [Rendered({**ORDER_EXAMPLE, "cl_order_id": f"kept-{n}"}) for n in range(200)]
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        encoded = [item.encoded() for item in items]
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = len(encoded[0])
    assert encoded[0] == orjson.dumps(items[0].value)
    assert (after - before) / len(items) < 2 * size + 200  # not orjson's 8 KiB each


def test_tight_keeps_the_bytes_and_lets_the_buffer_go() -> None:
    """``tight`` is the same bytes, in a block of their own size."""
    wide = orjson.dumps({"a": "x" * 100})
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        kept = [tight(orjson.dumps({"a": "x" * 100})) for _ in range(100)]
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept[0] == wide
    assert (after - before) / len(kept) < 400
