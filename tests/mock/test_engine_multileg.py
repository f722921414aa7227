"""Multi-leg option orders fill every leg together at one net price, debit or credit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from mock_api import CALL_100, CALL_110, Api

MULTIPLIER = Decimal(100)
FEE = Decimal("0.65")


@pytest.fixture(autouse=True)
def option_quotes(api: Api) -> None:
    """C100 at 5.00 / 5.20 and C110 at 2.00 / 2.10."""
    api.pin(CALL_100, "5.00", "5.20")
    api.pin(CALL_110, "2.00", "2.10")


def spread(
    api: Api, legs: list[tuple[str, str, int]], qty: str = "1", limit: str | None = None
) -> dict[str, Any]:
    return api.placed(
        instrument="MLEG_OPT",
        symbol=None,
        side=None,
        order_type="MKT" if limit is None else "LMT",
        order_limit_price=limit,
        order_qty=qty,
        legs=[{"symbol": s, "action": a, "ratio": str(r)} for s, a, r in legs],
    )


def leg_fills(api: Api, order_id: str) -> list[dict[str, Any]]:
    return [t for t in api.transactions() if t["order_id"] == order_id and t["type"] == "fill"]


def signed_leg_total(api: Api, order: dict[str, Any]) -> Decimal:
    """Sum over the leg fills of price x contracts, + for buys and - for sells, per spread."""
    total = Decimal(0)
    for txn in leg_fills(api, order["order_id"]):
        sign = 1 if txn["side"].startswith("BUY") else -1
        total += sign * Decimal(txn["price"]) * Decimal(txn["quantity"])
    return total / Decimal(order["filled_qty"])


DEBIT = [(CALL_100, "BUY_TO_OPEN", 1), (CALL_110, "SELL_TO_OPEN", 1)]
CREDIT = [(CALL_100, "SELL_TO_OPEN", 1), (CALL_110, "BUY_TO_OPEN", 1)]
RATIO = [(CALL_100, "BUY_TO_OPEN", 1), (CALL_110, "SELL_TO_OPEN", 2)]


@pytest.mark.parametrize(
    ("legs", "limit", "net", "positions"),
    [
        (DEBIT, None, "3.20", {CALL_100: "2", CALL_110: "-2"}),
        (DEBIT, "3.50", "3.20", {CALL_100: "2", CALL_110: "-2"}),
        (CREDIT, None, "-2.90", {CALL_100: "-2", CALL_110: "2"}),
        (CREDIT, "-2.50", "-2.90", {CALL_100: "-2", CALL_110: "2"}),
        (RATIO, "1.50", "1.20", {CALL_100: "2", CALL_110: "-4"}),
    ],
    ids=["debit-market", "debit-limit", "credit-market", "credit-limit", "one-by-two"],
)
def test_spread_fills_all_legs_at_the_net_price(
    api: Api,
    legs: list[tuple[str, str, int]],
    limit: str | None,
    net: str,
    positions: dict[str, str],
) -> None:
    """The spread fills at once at the net market price (better than its limit), every leg
    gets its position, the leg prices add up to the net, and cash moves by exactly the net
    times 100 plus the per-contract fees."""
    cash = api.cash()
    order = spread(api, legs, qty="2", limit=limit)
    assert order["status"] == "filled"
    assert [(f["quantity"], f["price"]) for f in order["fills"]] == [("2", net)]
    held = api.positions()
    assert {s: held[s]["quantity"] for s in positions} == positions
    assert signed_leg_total(api, order) == Decimal(net)
    contracts = sum(abs(Decimal(q)) for q in positions.values())
    assert api.cash() == cash - Decimal(net) * 2 * MULTIPLIER - FEE * contracts


def test_resting_debit_spread_fills_when_the_net_reaches_the_limit(api: Api) -> None:
    """A debit spread limited below the market net rests, then fills when the net falls to
    the limit, all legs together."""
    order = spread(api, DEBIT, limit="3.00")
    assert order["status"] == "working"
    assert api.positions() == {}
    api.pin(CALL_100, "4.80", "4.95")
    api.advance(1)
    done = api.order(order)
    assert done["status"] == "filled"
    assert done["fills"][0]["price"] == "2.95"
    assert set(api.positions()) == {CALL_100, CALL_110}


def test_resting_credit_spread_waits_for_enough_credit(api: Api) -> None:
    """A credit spread asking for more credit than the market gives rests, then fills once
    the credit is there."""
    order = spread(api, CREDIT, limit="-3.20")
    assert order["status"] == "working"
    api.pin(CALL_100, "5.40", "5.60")
    api.advance(1)
    done = api.order(order)
    assert done["status"] == "filled"
    assert done["fills"][0]["price"] == "-3.30"


def test_closing_a_spread_realizes_its_pnl(api: Api) -> None:
    """Opening and then closing a debit spread leaves no legs and realizes exactly the
    change in net price times 100 less all fees."""
    spread(api, DEBIT)
    api.pin(CALL_100, "6.00", "6.20")
    api.pin(CALL_110, "2.50", "2.60")
    closing = spread(api, [(CALL_100, "SELL_TO_CLOSE", 1), (CALL_110, "BUY_TO_CLOSE", 1)])
    assert closing["fills"][0]["price"] == "-3.40"
    assert api.positions() == {}
    expected = (Decimal("3.40") - Decimal("3.20")) * MULTIPLIER - 4 * FEE
    assert Decimal(api.balance()["realized_pl"]) == expected


def test_modifying_a_credit_spread_keeps_it_a_credit(api: Api) -> None:
    """A modify's unsigned price on a resting credit spread is a credit: the replacement
    asks for 3.10 received (-3.10, more than the market's 2.90) and rests, where a debit
    of 3.10 would have filled at once."""
    order = spread(api, CREDIT, limit="-3.20")
    assert order["status"] == "working"
    answer = api.modify(order, order_limit_price="3.10")
    assert answer.status_code == 200, answer.text
    replacement = answer.json()
    assert replacement["order_limit_price"] == "-3.10"
    api.advance(1)
    assert api.order(replacement)["status"] == "working"


def test_modifying_a_debit_spread_keeps_it_a_debit(api: Api) -> None:
    """A modify's price on a resting debit spread stays a debit paid."""
    order = spread(api, DEBIT, limit="3.00")
    answer = api.modify(order, order_limit_price="3.05")
    assert answer.status_code == 200, answer.text
    assert answer.json()["order_limit_price"] == "3.05"
