"""GET /orders and GET /transactions: filters, sorting, limits and cursors as documented."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mock_api import CALL_100, CALL_110, CASH, MARGIN, Api
from mock_api import settings as mock_settings
from starlette.testclient import TestClient

from connecttrade_mock.app import create_app
from connecttrade_mock.http import cursor_at

ALL_TIME = "2000-01-01T00:00:00Z"
SCENARIO = {"fill": "ZVZZT", "hold": "ZAZZT", "reject": "ZXZZT"}


def ids(items: list[dict[str, Any]], key: str = "order_id") -> list[str]:
    return [item[key] for item in items]


def walk(api: Api, path: str, key: str, **params: Any) -> tuple[list[str], list[str]]:
    """Follow next_cursor to the end, then prev_cursor back to the start: the ids seen each
    way, both in the order of the first walk."""
    id_key = "order_id" if key == "orders" else "transaction_id"
    forward: list[str] = []
    pages: list[dict[str, Any]] = []
    page = api.ok(path, **params)
    assert page["prev_cursor"] is None
    while True:
        pages.append(page)
        assert len(pages) <= 500, "the cursors go round in circles"
        assert len(page[key]) <= int(params.get("limit", 50))
        forward.extend(ids(page[key], id_key))
        if page["next_cursor"] is None:
            break
        page = api.ok(path, **params, cursor=page["next_cursor"])
        assert page[key], "a next_cursor must lead to a non-empty page"
    backward: list[str] = list(ids(page[key], id_key))
    while page["prev_cursor"] is not None:
        assert len(backward) <= len(forward), "prev cursors see more than next cursors did"
        page = api.ok(path, **params, cursor=page["prev_cursor"])
        assert page[key], "a prev_cursor must lead to a non-empty page"
        backward = ids(page[key], id_key) + backward
    assert page["prev_cursor"] is None
    return forward, backward


@pytest.fixture
def mixed(api: Api) -> dict[str, list[dict[str, Any]]]:
    """Orders of every kind on both demo accounts, created a second apart."""
    made: dict[str, list[dict[str, Any]]] = {"fill": [], "hold": [], "reject": []}
    for index in range(4):
        for outcome, symbol in SCENARIO.items():
            account = MARGIN if index % 2 == 0 else CASH
            made[outcome].append(api.placed(account_id=account, symbol=symbol))
            api.advance(1)
    made["sold"] = [api.placed(symbol="ZVZZT", side="SELL", order_qty="1")]
    made["spread"] = [
        api.placed(
            instrument="MLEG_OPT",
            symbol=None,
            side=None,
            legs=[
                {"symbol": CALL_100, "action": "BUY_TO_OPEN", "ratio": "1"},
                {"symbol": CALL_110, "action": "SELL_TO_OPEN", "ratio": "1"},
            ],
        )
    ]
    return made


def test_default_is_todays_open_orders(api: Api, mixed: dict[str, list[dict[str, Any]]]) -> None:
    """Without parameters the list holds today's open orders (since 00:00 UTC), newest
    first, across all the user's accounts."""
    page = api.ok("/orders")
    assert ids(page["orders"]) == ids(mixed["hold"])[::-1]
    assert page["next_cursor"] is None
    assert page["prev_cursor"] is None


def test_default_leaves_out_yesterdays_open_orders(api: Api) -> None:
    """An order still open from before 00:00 UTC is not in the default list, but is with
    an earlier start_time."""
    old = api.placed(symbol="ZAZZT", order_tif="GTC")
    api.advance(10 * 3600)  # 01:00 UTC the next day
    new = api.placed(symbol="ZAZZT", order_tif="GTC", order_type="LMT", order_limit_price="10.00")
    assert ids(api.ok("/orders")["orders"]) == [new["order_id"]]
    assert ids(api.ok("/orders", start_time=ALL_TIME)["orders"]) == [
        new["order_id"],
        old["order_id"],
    ]


@pytest.mark.parametrize(
    ("status", "groups"),
    [
        ("open", ["hold"]),
        ("working", ["hold"]),
        ("closed", ["fill", "reject", "sold", "spread"]),
        ("filled", ["fill", "sold", "spread"]),
        ("rejected", ["reject"]),
        ("all", ["fill", "hold", "reject", "sold", "spread"]),
        ("cancelled", []),
    ],
)
def test_status_filter(
    api: Api, mixed: dict[str, list[dict[str, Any]]], status: str, groups: list[str]
) -> None:
    """The status filter takes the open and closed groups, all, or one status."""
    expected = {o["order_id"] for g in groups for o in mixed[g]}
    found = api.ok("/orders", status=status, limit=500)["orders"]
    assert {o["order_id"] for o in found} == expected
    assert len(found) == len(expected)


@pytest.mark.parametrize(
    ("symbols", "groups"),
    [
        ("ZVZZT", ["fill", "sold"]),
        ("ZVZZT,ZXZZT", ["fill", "sold", "reject"]),
        (" ZAZZT , ZXZZT ", ["hold", "reject"]),
        (CALL_110, ["spread"]),
        ("MSFT", []),
    ],
    ids=["one", "two", "spaces", "spread-leg", "none"],
)
def test_symbols_filter(
    api: Api, mixed: dict[str, list[dict[str, Any]]], symbols: str, groups: list[str]
) -> None:
    """symbols keeps orders in any of the listed symbols; a spread matches by its legs."""
    expected = {o["order_id"] for g in groups for o in mixed[g]}
    found = api.ok("/orders", status="all", symbols=symbols, limit=500)["orders"]
    assert {o["order_id"] for o in found} == expected


def test_side_filter(api: Api, mixed: dict[str, list[dict[str, Any]]]) -> None:
    """side keeps only orders of that side."""
    found = api.ok("/orders", status="all", side="SELL")["orders"]
    assert ids(found) == ids(mixed["sold"])


def test_account_filter(api: Api, mixed: dict[str, list[dict[str, Any]]]) -> None:
    """account_id keeps only that account's orders."""
    found = api.ok("/orders", status="all", account_id=CASH, limit=500)["orders"]
    assert found
    assert {o["account_id"] for o in found} == {CASH}


def test_time_window(api: Api, mixed: dict[str, list[dict[str, Any]]]) -> None:
    """start_time is inclusive and end_time exclusive, on the creation time."""
    start = mixed["hold"][0]["created_at"]
    end = mixed["hold"][1]["created_at"]
    found = api.ok("/orders", status="all", start_time=start, end_time=end)["orders"]
    expected = [mixed["fill"][1], mixed["reject"][0], mixed["hold"][0]]  # newest first
    assert ids(found) == ids(expected)
    assert end not in {o["created_at"] for o in found}
    assert len(found) == 3


@pytest.mark.parametrize("sort", ["asc", "desc"])
def test_sort_orders_by_creation(
    api: Api, mixed: dict[str, list[dict[str, Any]]], sort: str
) -> None:
    """sort=asc lists oldest first, desc newest first (the default)."""
    found = api.ok("/orders", status="all", sort=sort, limit=500)["orders"]
    times = [o["created_at"] for o in found]
    assert times == sorted(times, reverse=sort == "desc")
    default = api.ok("/orders", status="all", limit=500)["orders"]
    assert ids(default) == ids(api.ok("/orders", status="all", sort="desc", limit=500)["orders"])


@pytest.mark.parametrize("limit", [0, 501, -1, "ten"])
def test_limit_out_of_range_is_a_400(api: Api, limit: object) -> None:
    """limit must be a whole number from 1 to 500."""
    response = api.get("/orders", limit=limit)
    assert response.status_code == 400
    assert "limit" in response.json()["message"]


@pytest.mark.parametrize("limit", [1, 500])
def test_limit_bounds_are_accepted(api: Api, mixed: dict[str, Any], limit: int) -> None:
    """limit 1 and 500 are both accepted and honoured."""
    page = api.ok("/orders", status="all", limit=limit)
    assert len(page["orders"]) == min(limit, 14)


@pytest.mark.parametrize("path", ["/orders", "/transactions"])
@pytest.mark.parametrize("sort", ["asc", "desc"])
def test_cursors_walk_both_accounts_both_ways(
    api: Api, mixed: dict[str, Any], path: str, sort: str
) -> None:
    """Across both accounts, next cursors walk the whole set once each and prev cursors walk
    it back, in the page's sort order."""
    key = path.strip("/")
    params: dict[str, Any] = {"sort": sort, "limit": 2}
    if key == "orders":
        params["status"] = "all"
    full = api.ok(path, **{**params, "limit": 500})[key]
    forward, backward = walk(api, path, key, **params)
    expected = ids(full, "order_id" if key == "orders" else "transaction_id")
    assert forward == expected
    assert backward == expected
    assert len(set(forward)) == len(forward)


@pytest.mark.parametrize(
    "change",
    [{"status": "open"}, {"symbols": "ZVZZT"}, {"account_id": MARGIN}],
    ids=["status", "symbols", "account"],
)
def test_cursor_with_other_filters_continues_from_its_position(
    api: Api, mixed: dict[str, Any], change: dict[str, str]
) -> None:
    """A cursor is a position, not a saved query: with other filters the page holds what
    those filters select after the same order (so every cursor the contract allows has one
    meaning, and a schema-valid request is never refused)."""
    params: dict[str, Any] = {"status": "all", "limit": 2}
    first = api.ok("/orders", **params)
    cursor, last = first["next_cursor"], first["orders"][-1]["order_id"]
    assert cursor is not None
    newest_first = ids(api.ok("/orders", status="all", limit=500)["orders"])
    older = set(newest_first[newest_first.index(last) + 1 :])
    selected = ids(api.ok("/orders", **{**params, **change, "limit": 500})["orders"])
    page = api.ok("/orders", **{**params, **change}, cursor=cursor)
    assert ids(page["orders"]) == [order for order in selected if order in older][:2]


def test_cursor_with_another_limit_is_fine(api: Api, mixed: dict[str, Any]) -> None:
    """The page size may change from page to page."""
    first = api.ok("/orders", status="all", limit=2)
    second = api.ok("/orders", status="all", limit=5, cursor=first["next_cursor"])
    assert len(second["orders"]) == 5


def test_transaction_cursor_with_other_filters_continues_from_its_position(
    api: Api, mixed: dict[str, Any]
) -> None:
    """Transactions' cursors are positions too."""
    first = api.ok("/transactions", limit=2)
    last = first["transactions"][-1]["transaction_id"]
    newest_first = ids(api.ok("/transactions", limit=500)["transactions"], "transaction_id")
    older = set(newest_first[newest_first.index(last) + 1 :])
    cash_page = api.ok("/transactions", limit=500, account_id=CASH)
    cash = ids(cash_page["transactions"], "transaction_id")
    page = api.ok("/transactions", limit=2, account_id=CASH, cursor=first["next_cursor"])
    assert ids(page["transactions"], "transaction_id") == [t for t in cash if t in older][:2]


@pytest.mark.parametrize("path", ["/orders", "/transactions"])
def test_a_cursor_past_either_end_is_an_empty_page(
    api: Api, mixed: dict[str, Any], path: str
) -> None:
    """Any 12-character cursor is a position; one past the oldest item (newest first: after
    sequence number 0) or before the newest has nothing to show."""
    key, params = ("orders", {"status": "all"}) if path == "/orders" else ("transactions", {})
    after_the_oldest = api.ok(path, **params, cursor=cursor_at(0))
    before_the_newest = api.ok(path, **params, cursor=cursor_at(2**63, forward=False))
    for page in (after_the_oldest, before_the_newest):
        assert page == {key: [], "next_cursor": None, "prev_cursor": None}


@pytest.mark.parametrize(
    "cursor",
    ["nonsense", "", "eyJzIjogMX0", "e30", "=" * 8, "eyJzIjogIngiLCAiZCI6ICJuIiwgImYiOiAiIn0"],
    ids=["text", "empty", "no-filters", "empty-object", "padding", "string-seq"],
)
@pytest.mark.parametrize("path", ["/orders", "/transactions"])
def test_bad_cursor_is_a_400(api: Api, path: str, cursor: str) -> None:
    """A cursor not of the cursor form (12 base64url characters) is a 400 with a message,
    never a 500."""
    response = api.get(path, cursor=cursor)
    assert response.status_code == 400
    assert response.json()["message"]


def test_transactions_filter_by_trade_date(api: Api) -> None:
    """start_date and end_date are inclusive trade dates."""
    api.placed(symbol="ZVZZT")
    api.advance(24 * 3600)
    api.placed(symbol="ZVZZT")
    days = {t["trade_date"] for t in api.ok("/transactions", limit=500)["transactions"]}
    assert days == {"2026-11-18", "2026-11-19"}
    only = api.ok("/transactions", start_date="2026-11-19", end_date="2026-11-19")
    assert {t["trade_date"] for t in only["transactions"]} == {"2026-11-19"}
    before = api.ok("/transactions", end_date="2026-11-18", account_id=MARGIN)["transactions"]
    assert {t["trade_date"] for t in before} == {"2026-11-18"}
    assert len(before) == 2  # the funding deposit and the first fill


def test_transactions_across_accounts_are_distinct(api: Api) -> None:
    """Listing both accounts' transactions shows each transaction once, with its own
    account (newest first)."""
    found = api.ok("/transactions", limit=500)["transactions"]
    assert len({t["transaction_id"] for t in found}) == len(found)
    assert {t["account_id"] for t in found} == {MARGIN, CASH}


ORDER_SETS = st.lists(
    st.tuples(st.sampled_from(sorted(SCENARIO)), st.booleans(), st.integers(0, 2)),
    max_size=24,
)


@settings(max_examples=20, deadline=None)
@given(
    orders=ORDER_SETS,
    limit=st.integers(1, 7),
    sort=st.sampled_from(["asc", "desc"]),
    status=st.sampled_from(["all", "open", "closed", "filled"]),
)
def test_cursors_never_lose_or_repeat_orders(
    orders: list[tuple[str, bool, int]], limit: int, sort: str, status: str
) -> None:
    """For any set of orders over two accounts and any page size, walking next cursors and
    then prev cursors sees exactly the full list, in order, without loss or duplication."""
    with TestClient(create_app(mock_settings())) as client:
        api = Api(client)
        for outcome, on_cash, seconds in orders:
            api.placed(account_id=CASH if on_cash else MARGIN, symbol=SCENARIO[outcome])
            if seconds:
                api.advance(seconds)
        params = {"status": status, "sort": sort, "limit": limit}
        full = ids(api.ok("/orders", **{**params, "limit": 500})["orders"])
        forward, backward = walk(api, "/orders", "orders", **params)
        assert forward == full
        assert backward == full
        txns = ids(api.ok("/transactions", sort=sort, limit=500)["transactions"], "transaction_id")
        t_forward, t_backward = walk(api, "/transactions", "transactions", sort=sort, limit=limit)
        assert t_forward == txns
        assert t_backward == txns
