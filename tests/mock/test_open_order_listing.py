"""Listing open orders walks the open-order index: same pages as filtering every order."""

from __future__ import annotations

from typing import Any

import pytest
from mock_api import Api


def walk(api: Api, **params: Any) -> tuple[list[str], list[str]]:
    """Every order id page by page forward, then back again from the last page."""
    forward: list[list[str]] = []
    cursor = None
    while True:
        page = api.ok("/orders", **params, **({"cursor": cursor} if cursor else {}))
        forward.append([o["order_id"] for o in page["orders"]])
        last_prev, cursor = page["prev_cursor"], page["next_cursor"]
        if cursor is None:
            break
    backward: list[list[str]] = [forward[-1]]
    cursor = last_prev
    while cursor is not None:
        page = api.ok("/orders", **params, cursor=cursor)
        backward.insert(0, [o["order_id"] for o in page["orders"]])
        cursor = page["prev_cursor"]
    return [i for p in forward for i in p], [i for p in backward for i in p]


@pytest.mark.parametrize("sort", ["desc", "asc"], ids=["newest-first", "oldest-first"])
def test_open_pages_match_filtering_all_orders(api: Api, sort: str) -> None:
    """Open orders among many closed ones page the same both ways as a filter of all."""
    api.pin("AAPL", "100.00", "100.10")
    resting = []
    for number in range(24):
        if number % 3 == 0:
            resting.append(api.placed(order_type="LMT", order_limit_price="95.00"))
        else:
            api.placed()  # a market order: filled at once
    for order in resting[::4]:
        assert api.cancel(order).status_code == 200
    api.advance(1)
    everything = api.ok("/orders", status="all", sort=sort, limit=500)["orders"]
    expected = [o["order_id"] for o in everything if o["status"] in ("working", "accepted")]
    assert len(expected) == len(resting) - len(resting[::4])
    forward, backward = walk(api, status="open", sort=sort, limit=3)
    assert forward == expected
    assert backward == expected
