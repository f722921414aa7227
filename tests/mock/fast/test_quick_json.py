"""Request bodies parse alike with and without the orjson quick path (``fast/quick_json.py``):
the same value with the same types and field order, or the same 400 message."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connecttrade_mock.contract import strict_json as contract
from connecttrade_mock.contract.errors import ContractViolation
from connecttrade_mock.contract.strict_json import QuickParse
from connecttrade_mock.fast.quick_json import QUICK_DEPTH, UNSURE, quick_loads

# Field names as JSON string bodies: colons inside names, an escaped colon, repeats.
NAMES = st.sampled_from(["a", "b", "a:b", ":", "\\u003a", "order_qty", "legs"])
SCALARS = st.one_of(
    st.sampled_from(
        [
            "null",
            "true",
            "false",
            "NaN",
            "Infinity",
            "-Infinity",
            "1e999",
            "-1E400",
            "-0",
            "0",
            "1.5",
            "1E2",
            "123456789012345678901234567890",
            "-9223372036854775809",
            "18446744073709551615",
            '"\\ud800"',
            '"tab\tinside"',
            '"10:00:00"',
            '"\\u0000"',
        ]
    ),
    st.integers().map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.text(max_size=8).map(json.dumps),
    st.text(max_size=8).map(lambda s: json.dumps(s, ensure_ascii=False)),
)
SPACE = st.sampled_from(["", " ", "\n\t", "\r"])


def _object(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    member = st.tuples(NAMES, SPACE, children).map(lambda m: f'"{m[0]}"{m[1]}:{m[1]}{m[2]}')
    return st.lists(member, max_size=5).map(lambda ms: "{" + ",".join(ms) + "}")


def _array(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(children, max_size=4).map(lambda items: "[" + ", ".join(items) + "]")


VALUES = st.recursive(SCALARS, lambda c: st.one_of(_object(c), _array(c)), max_leaves=24)
BODIES = st.tuples(st.sampled_from(["", " ", "\ufeff"]), VALUES, st.sampled_from(["", "\n", "x"]))


def _typed(value: Any) -> Any:
    """``value`` with every part's type and every object's field order made comparable."""
    if isinstance(value, dict):
        return ("object", [(key, _typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("array", [_typed(item) for item in value])
    return (type(value).__name__, repr(value))


# The contract's parse as the speedups switch sets it up.
QUICK = QuickParse(quick_loads, UNSURE)


def _outcome(body: bytes, quick: QuickParse | None) -> Any:
    try:
        return ("parsed", _typed(contract.parse_json(body, quick)))
    except ContractViolation as exc:
        return ("refused", exc.status, exc.message)


def _assert_alike(body: bytes) -> None:
    assert _outcome(body, QUICK) == _outcome(body, None), body


@settings(max_examples=600, deadline=None)
@given(BODIES)
def test_generated_bodies_parse_alike(parts: tuple[str, str, str]) -> None:
    """Any JSON-like body (duplicate fields, colons in text, floats, huge integers,
    non-finite numbers, control characters, lone surrogates, a byte order mark, trailing
    junk) gives the same value or the same refusal with the quick path as without."""
    _assert_alike("".join(parts).encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"a": 1, "a": 2}', id="duplicate"),
        pytest.param(b'{"a": 1, "b": {"a": "x", "a": "y"}}', id="nested-duplicate"),
        pytest.param(b'{"a": "p:q", "a": 2}', id="duplicate-hidden-by-a-colon-in-text"),
        pytest.param(b'{"a:b": 1, "a:b": 2}', id="duplicate-with-a-colon-in-its-name"),
        pytest.param(b'{"a": 123456789012345678901234567890}', id="integer-beyond-64-bits"),
        pytest.param(b'{"a": 1e999}', id="overflowing-number"),
        pytest.param(b'{"a": NaN}', id="nan"),
        pytest.param(b'\xef\xbb\xbf{"a": 1}', id="byte-order-mark"),
        pytest.param(b'{"a": "\\ud800"}', id="lone-surrogate"),
        pytest.param(b'{"account_id": "acc_demo_margin", "order_qty": "1"}', id="plain-order"),
    ],
)
def test_known_differences_of_orjson_parse_alike(body: bytes) -> None:
    """Each way orjson differs from the contract's parse still ends as the contract says."""
    _assert_alike(body)


@pytest.mark.parametrize("depth", [QUICK_DEPTH - 1, QUICK_DEPTH, QUICK_DEPTH + 1, 1000, 5000])
def test_deep_nesting_parses_alike(depth: int) -> None:
    """Arrays nested around the quick path's depth limit, and far beyond what the standard
    parser manages, give the same value or refusal."""
    _assert_alike(b'{"a": ' + b"[" * depth + b"]" * depth + b"}")


def test_a_plain_body_takes_the_quick_path() -> None:
    """An order body of text fields is answered by orjson (the point of the quick path)."""
    body = b'{"account_id": "acc_demo_margin", "symbol": "AAPL", "order_qty": "0.01"}'
    assert quick_loads(body, body.decode()) == json.loads(body)
