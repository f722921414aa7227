"""A multi-leg order's net price has an explicit direction, through place and modify.

Every strategy constructor is placed against the mock broker's app (in process) for each
direction it allows, then re-priced with ``modify``: the replacement keeps the order's
direction, ``credit=`` on a debit order (and the reverse) and a bare ``limit_price=`` are
refused before anything is sent. Every option is pinned at 1.00 / 1.10, so the limits used
here rest instead of filling.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, cast

import httpx
import pytest
import stamina
from starlette.testclient import TestClient

from connecttrade import (
    AsyncClient,
    Client,
    EquitySymbol,
    Instrument,
    InvalidOrder,
    InvalidStrategy,
    Leg,
    LegAction,
    OptionSymbol,
    OrderRequest,
    OrderSide,
    OrderStatus,
    OrderType,
    strategies,
)
from connecttrade_mock.app import MockBroker, create_app
from connecttrade_mock.simulator import Settings
from connecttrade_mock.testing import MockControl

CREDENTIALS: dict[str, Any] = {
    "base_url": "http://testserver",
    "client_id": "demo-client",
    "client_secret": "demo-secret",
    "user_id": "demo-user",
    "user_secret": "demo-user-secret",
}
MARGIN = "acc_demo_margin"
NEAR, FAR = "260220", "260320"  # listed AAPL monthlies at the mock's default start


def opt(right: str, strike: int, expiry: str = NEAR) -> str:
    """The OCC symbol of an AAPL option."""
    return f"AAPL{expiry}{right}{strike * 1000:08d}"


SYMBOLS = [opt(r, k) for r in "CP" for k in (260, 265, 270, 275, 280)] + [opt("C", 270, FAR)]

Build = Callable[..., OrderRequest]

# name, constructor with its legs, the directions it opens with.
CASES: list[tuple[str, Build, tuple[str, ...]]] = [
    (
        "bull_call_spread",
        lambda **kw: strategies.bull_call_spread(opt("C", 270), opt("C", 275), **kw),
        ("debit",),
    ),
    (
        "bear_put_spread",
        lambda **kw: strategies.bear_put_spread(opt("P", 270), opt("P", 265), **kw),
        ("debit",),
    ),
    (
        "bear_call_spread",
        lambda **kw: strategies.bear_call_spread(opt("C", 270), opt("C", 275), **kw),
        ("credit",),
    ),
    (
        "bull_put_spread",
        lambda **kw: strategies.bull_put_spread(opt("P", 270), opt("P", 265), **kw),
        ("credit",),
    ),
    (
        "long_straddle",
        lambda **kw: strategies.long_straddle(opt("P", 270), opt("C", 270), **kw),
        ("debit",),
    ),
    (
        "long_strangle",
        lambda **kw: strategies.long_strangle(opt("P", 265), opt("C", 275), **kw),
        ("debit",),
    ),
    (
        "iron_condor",
        lambda **kw: strategies.iron_condor(
            opt("P", 260), opt("P", 265), opt("C", 275), opt("C", 280), **kw
        ),
        ("credit",),
    ),
    (
        "iron_butterfly",
        lambda **kw: strategies.iron_butterfly(
            opt("P", 265), opt("P", 270), opt("C", 270), opt("C", 275), **kw
        ),
        ("credit",),
    ),
    (
        "butterfly",
        lambda **kw: strategies.butterfly(opt("C", 270), opt("C", 275), opt("C", 280), **kw),
        ("debit", "credit"),
    ),
    (
        "ratio_spread",
        # 2x1 nets a 1.20 debit at the pinned quotes, so a small debit limit rests.
        lambda **kw: strategies.ratio_spread(opt("C", 270), opt("C", 275), ratio=(2, 1), **kw),
        ("debit", "credit"),
    ),
    (
        "collar",
        lambda **kw: strategies.collar(opt("P", 265), opt("C", 275), **kw),
        ("debit", "credit"),
    ),
    (
        "calendar",
        lambda **kw: strategies.calendar(opt("C", 270), opt("C", 270, FAR), **kw),
        ("debit",),
    ),
    (
        "multi_leg",
        lambda **kw: strategies.multi_leg(
            [
                Leg(OptionSymbol.parse(opt("C", 270)), LegAction.BUY_TO_OPEN),
                Leg(
                    OptionSymbol.parse(opt("C", 275)),
                    LegAction.SELL_TO_OPEN,
                ),
            ],
            **kw,
        ),
        ("debit", "credit"),
    ),
]
# The opening price and the re-price of each direction; both rest at the pinned quotes.
PRICES = {"debit": (Decimal("0.05"), Decimal("0.06")), "credit": (Decimal("3.00"), Decimal("2.05"))}
SIGN = {"debit": 1, "credit": -1}
OTHER = {"debit": "credit", "credit": "debit"}

PLACED = [
    pytest.param(build, direction, id=f"{name}-{direction}")
    for name, build, directions in CASES
    for direction in directions
]
ONE_WAY = [
    pytest.param(build, OTHER[directions[0]], id=f"{name}-{OTHER[directions[0]]}")
    for name, build, directions in CASES
    if len(directions) == 1
]


@pytest.fixture(autouse=True)
def _instant_retries() -> Iterator[None]:
    """Backoffs are zero (stamina's testing mode)."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


@pytest.fixture
def broker() -> MockBroker:
    """A fresh mock broker with the demo tenant."""
    return MockBroker(Settings())


@pytest.fixture
def client(broker: MockBroker) -> Iterator[Client]:
    """A sync SDK client wired to the mock, with every option used here pinned."""
    with TestClient(create_app(broker.settings, broker=broker)) as http:
        control = MockControl("http://testserver", http=cast("httpx.Client", http))
        for symbol in SYMBOLS:
            control.set_quote(symbol, "1.00", "1.10")
        yield Client(**CREDENTIALS, http_client=cast("httpx.Client", http))


def _net(keyword: str, amount: Decimal) -> dict[str, Any]:
    return {keyword: amount}


def _orders(client: Client) -> list[str]:
    return [o.order_id for o in client.orders.list(MARGIN, status="all")]


@pytest.mark.parametrize(("build", "direction"), PLACED)
def test_place_then_modify_keeps_the_direction(
    client: Client, build: Build, direction: str
) -> None:
    """Placed with credit=/debit=, the order rests at the signed net price; re-priced with
    the same keyword, the replacement keeps that direction and still rests."""
    opening, reprice = PRICES[direction]
    handle = client.orders.place(build(qty=1, **{direction: opening}), account_id=MARGIN)
    assert handle.order.limit_price == SIGN[direction] * opening
    assert handle.order.status is OrderStatus.WORKING
    replacement = handle.modify(**_net(direction, reprice))
    assert replacement.order.limit_price == SIGN[direction] * reprice
    refreshed = replacement.refresh()
    assert refreshed.status in (OrderStatus.PENDING, OrderStatus.WORKING)
    assert refreshed.fills == ()


@pytest.mark.parametrize(("build", "direction"), PLACED)
def test_modify_refuses_a_flip_or_a_bare_limit_price(
    client: Client, build: Build, direction: str
) -> None:
    """The other direction's keyword and a bare limit_price (either sign) raise
    InvalidOrder naming the keyword, and no replacement is sent."""
    opening, reprice = PRICES[direction]
    handle = client.orders.place(build(qty=1, **{direction: opening}), account_id=MARGIN)
    with pytest.raises(InvalidOrder, match="cannot turn it into") as flip:
        handle.modify(**_net(OTHER[direction], reprice))
    assert flip.value.field == OTHER[direction]
    for price in (reprice, -reprice):
        with pytest.raises(InvalidOrder, match="credit= or debit=") as bare:
            client.orders.modify(MARGIN, handle.order.order_id, limit_price=price)
        assert bare.value.field == "limit_price"
    assert _orders(client) == [handle.order.order_id]
    assert handle.refresh().status is OrderStatus.WORKING


@pytest.mark.parametrize(("build", "direction"), ONE_WAY)
def test_one_way_strategies_refuse_the_other_direction(build: Build, direction: str) -> None:
    """A strategy that opens only one way refuses the other keyword at construction."""
    with pytest.raises(InvalidStrategy, match=f"so {direction}= cannot apply"):
        build(qty=1, **{direction: Decimal("1.00")})


def test_iron_condor_repriced_from_a_3_credit_to_a_2_05_credit(client: Client) -> None:
    """The reported case: an iron condor resting at a 3.00 credit re-priced to a 2.05
    credit with credit= stays a credit (-2.05) and keeps resting; limit_price=-2.05 and
    limit_price=2.05 are refused with a message pointing at credit=."""
    condor = strategies.iron_condor(
        opt("P", 260), opt("P", 265), opt("C", 275), opt("C", 280), qty=1, credit=Decimal("3.00")
    )
    handle = client.orders.place(condor, account_id=MARGIN)
    assert handle.order.limit_price == Decimal("-3.00")
    order_id = handle.order.order_id
    for price in (Decimal("-2.05"), Decimal("2.05")):
        with pytest.raises(InvalidOrder, match="credit= or debit="):
            client.orders.modify(MARGIN, order_id, limit_price=price)
    replacement = client.orders.modify(MARGIN, order_id, credit=Decimal("2.05"))
    assert replacement.order.limit_price == Decimal("-2.05")
    assert replacement.refresh().status is OrderStatus.WORKING
    assert handle.refresh().status is OrderStatus.REPLACED


def test_credit_and_debit_are_for_multi_leg_orders_only(client: Client) -> None:
    """credit= on a single-leg order raises InvalidOrder pointing at limit_price=."""
    handle = client.orders.place(
        OrderRequest(
            instrument=Instrument.STK,
            order_type=OrderType.LMT,
            side=OrderSide.BUY,
            symbol=EquitySymbol.parse("ZAZZT"),
            qty=Decimal(1),
            limit_price=Decimal("9.50"),
        ),
        account_id=MARGIN,
    )
    with pytest.raises(InvalidOrder, match="use limit_price="):
        handle.modify(credit=Decimal("1.00"))
    with pytest.raises(InvalidOrder, match="not both"):
        handle.modify(credit=Decimal("1.00"), debit=Decimal("1.00"))


def test_async_client_keeps_the_credit(broker: MockBroker) -> None:
    """The async client re-prices a credit iron condor with credit= and refuses debit=."""

    async def main() -> Decimal | None:
        transport = httpx.ASGITransport(create_app(broker.settings, broker=broker))
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
            AsyncClient(**CREDENTIALS, http_client=http) as sdk,
        ):
            for symbol in SYMBOLS:
                body = {"symbol": symbol, "bid": "1.00", "ask": "1.10"}
                assert (await http.post("/_mock/quotes", json=body)).status_code == 200
            condor = strategies.iron_condor(
                opt("P", 260), opt("P", 265), opt("C", 275), opt("C", 280), qty=1, credit="3.00"
            )
            handle = await sdk.orders.place(condor, account_id=MARGIN)
            with pytest.raises(InvalidOrder):
                await handle.modify(debit="2.05")
            with pytest.raises(InvalidOrder):
                await sdk.orders.modify(MARGIN, handle.order.order_id, limit_price="2.05")
            replacement = await sdk.orders.modify(MARGIN, handle.order.order_id, credit="2.05")
            return replacement.order.limit_price

    assert asyncio.run(main()) == Decimal("-2.05")
