"""Reads answered from the answer cache are byte for byte what the mock works out afresh.

Two mocks with the same seed and manual clock get the same random mix of orders, fills,
cancels, modifications, clock moves, pinned quotes (through the control API and straight
on the market), new and removed connections, forced sessions, deposits, resets; after
every step both answer the same reads, twice. One keeps answers (``cache_answers=True``),
the other works each one out again: any change that fails to move the cache's stamp
shows as a difference.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from mock_api import CASH, MARGIN, Api, settings
from starlette.testclient import TestClient

from connecttrade_mock.app import MockBroker, create_app
from connecttrade_mock.http.answers import AnswerCache, Stamp

SYMBOLS = ("AAPL", "MSFT", "SPY", "ZAZZT", "ZWZZT", "ZVZZT")
Step = Callable[[Api, random.Random], None]


@pytest.fixture
def twins() -> Iterator[tuple[Api, Api]]:
    """The same mock twice: with the answer cache and without it."""
    with (
        TestClient(create_app(settings(cache_answers=True))) as cached,
        TestClient(create_app(settings(cache_answers=False))) as fresh,
    ):
        yield Api(cached), Api(fresh)


def _open_orders(api: Api) -> list[dict[str, Any]]:
    orders: list[dict[str, Any]] = api.ok("/orders", status="open", limit=500)["orders"]
    return orders


def _place(api: Api, rng: random.Random) -> None:
    symbol = rng.choice(SYMBOLS)
    account = rng.choice((MARGIN, CASH))
    fields: dict[str, Any] = {
        "account_id": account,
        "symbol": symbol,
        "side": rng.choice(("BUY", "BUY", "SELL")),
        "order_qty": str(rng.randint(1, 3)),
        "cl_order_id": f"cache-{rng.getrandbits(40)}",
    }
    if rng.random() < 0.6:
        quote = api.broker.sim.market.quote(symbol)
        touch = quote.bid if fields["side"] == "BUY" else quote.ask
        offset = Decimal(rng.choice(("0.99", "1.00", "1.01")))
        fields |= {
            "order_type": "LMT",
            "order_tif": "GTC",
            "order_limit_price": str((touch * offset).quantize(Decimal("0.01"))),
        }
    api.place(**fields)  # refusals (buying power, no shares to sell) are steps too


def _cancel(api: Api, rng: random.Random) -> None:
    orders = _open_orders(api)
    if orders:
        api.cancel(rng.choice(orders))


def _modify(api: Api, rng: random.Random) -> None:
    orders = [o for o in _open_orders(api) if o["order_type"] == "LMT"]
    if orders:
        order = rng.choice(orders)
        api.modify(
            order,
            order_qty=str(rng.randint(1, 4)),
            new_cl_order_id=f"cache-{rng.getrandbits(40)}",
        )


def _advance(api: Api, rng: random.Random) -> None:
    api.advance(rng.choice((0.25, 0.5, 1, 2, 30, 3600)))


def _advance_in_process(api: Api, rng: random.Random) -> None:
    api.broker.sim.advance(rng.choice((0.4, 1)))


def _pin(api: Api, rng: random.Random) -> None:
    symbol = rng.choice(SYMBOLS[:3])
    quote = api.broker.sim.market.quote(symbol)
    bid = (quote.bid * Decimal(rng.choice(("0.97", "1.03")))).quantize(Decimal("0.01"))
    api.pin(symbol, str(bid), str(bid + Decimal("0.02")))


def _pin_in_process(api: Api, rng: random.Random) -> None:
    symbol = rng.choice(SYMBOLS[:3])
    quote = api.broker.sim.market.quote(symbol)
    bid = (quote.bid * Decimal(rng.choice(("0.98", "1.02")))).quantize(Decimal("0.01"))
    api.broker.sim.market.set_quote(symbol, bid, bid + Decimal("0.03"))


def _unpin(api: Api, rng: random.Random) -> None:
    api.control("POST", "/quotes/unpin", {"symbol": rng.choice(SYMBOLS[:3])})


def _connect(api: Api, rng: random.Random) -> None:
    linked = {c["broker"] for c in api.ok("/connections")}
    broker = rng.choice(("TRADESTATION", "TRADEZERO"))
    if broker not in linked:
        api.connect(broker)


def _disconnect(api: Api, rng: random.Random) -> None:
    made = [c for c in api.ok("/connections") if c["connection_id"] not in _DEMO_CONNECTIONS]
    if made:
        connection = rng.choice(made)
        api.request("DELETE", f"/connections/{connection['connection_id']}")


def _force_session(api: Api, rng: random.Random) -> None:
    api.session(rng.choice(("pre_market", "regular", "after_hours", "closed", "auto")))


def _deposit(api: Api, rng: random.Random) -> None:
    amount = rng.choice(("2500.00", "-100.00"))
    api.control("POST", "/cash", {"account_id": rng.choice((MARGIN, CASH)), "amount": amount})


def _reset(api: Api, rng: random.Random) -> None:
    api.control("POST", "/reset", {})


_DEMO_CONNECTIONS = frozenset({"conn_demo_alpaca", "conn_demo_tradier"})
STEPS: tuple[tuple[Step, int], ...] = (
    (_place, 30),
    (_cancel, 6),
    (_modify, 6),
    (_advance, 8),
    (_advance_in_process, 4),
    (_pin, 4),
    (_pin_in_process, 3),
    (_unpin, 3),
    (_connect, 2),
    (_disconnect, 1),
    (_force_session, 2),
    (_deposit, 2),
    (_reset, 1),
)


def _reads(api: Api) -> list[tuple[str, dict[str, Any]]]:
    reads: list[tuple[str, dict[str, Any]]] = [
        ("/positions", {}),
        ("/positions", {"account_id": MARGIN}),
        ("/balances", {}),
        ("/accounts", {}),
        ("/orders", {}),
        ("/orders", {"status": "all", "limit": 7}),
        ("/orders", {"status": "closed", "sort": "asc"}),
        ("/orders", {"account_id": CASH, "symbols": "AAPL,ZAZZT"}),
    ]
    page = api.ok("/orders", status="all", limit=7)
    if page["next_cursor"]:
        reads.append(("/orders", {"status": "all", "limit": 7, "cursor": page["next_cursor"]}))
    for order in page["orders"][:2]:
        reads.append((f"/accounts/{order['account_id']}/orders/{order['order_id']}", {}))
    return reads


def _answers(api: Api, reads: list[tuple[str, dict[str, Any]]]) -> list[tuple[int, bytes]]:
    answers = []
    for path, params in reads:
        response = api.get(path, **params)
        answers.append((response.status_code, response.content))
    return answers


def _cache_of(api: Api) -> Any:
    broker: MockBroker = api.broker
    return broker.answers


@pytest.mark.parametrize("seed", [1, 2, 3], ids=["seed-1", "seed-2", "seed-3"])
def test_cached_reads_equal_fresh_ones_through_a_random_session(
    twins: tuple[Api, Api], seed: int
) -> None:
    """After every kind of change, each read answers what a mock without the cache answers."""
    cached, fresh = twins
    assert _cache_of(fresh) is None
    steps = [step for step, weight in STEPS for _ in range(weight)]
    rng_cached, rng_fresh = random.Random(seed), random.Random(seed)
    for number in range(120):
        step = rng_cached.choice(steps)
        assert rng_fresh.choice(steps) is step
        step(cached, rng_cached)
        step(fresh, rng_fresh)
        reads = _reads(cached)
        assert reads == _reads(fresh), f"step {number} ({step.__name__})"
        first = _answers(cached, reads)
        again = _answers(cached, reads)  # the second round comes from the cache
        expected = _answers(fresh, reads)
        assert first == expected, f"step {number} ({step.__name__})"
        assert again == expected, f"step {number} ({step.__name__}), from the cache"
    assert _cache_of(cached).hits > 1000


def test_a_read_after_a_change_in_the_same_second_shows_it(client: TestClient) -> None:
    """Listing, placing and listing again within one simulated second shows the new order."""
    api = Api(client)
    before = api.ok("/orders", status="all")["orders"]
    placed = api.placed(symbol="ZAZZT", cl_order_id="same-second")
    after = api.ok("/orders", status="all")["orders"]
    assert [o["order_id"] for o in after] == [placed["order_id"]] + [o["order_id"] for o in before]


def test_the_cache_keeps_each_user_apart(client: TestClient) -> None:
    """Two users asking the same path and query get their own answers, not each other's."""
    api = Api(client)
    created = client.post(
        "/users",
        json={"user_id": "cache-other"},
        headers={k: v for k, v in api.headers.items() if k.startswith("client")},
    ).json()
    other = api.as_user("cache-other", created["user_secret"])
    assert api.ok("/accounts")
    assert other.ok("/accounts") == []
    assert api.ok("/accounts") != []


def test_a_wrong_secret_is_refused_even_when_the_answer_is_kept(client: TestClient) -> None:
    """Credentials are checked on every request, whatever the cache holds."""
    api = Api(client)
    api.ok("/positions")
    response = client.get("/positions", headers={**api.headers, "user-secret": "s3cr3t-guess"})
    assert response.status_code == 401
    assert "s3cr3t-guess" not in response.text


def test_the_cache_holds_a_bounded_number_of_answers() -> None:
    """Past its limit the cache drops the answer made longest ago, and only answers made
    under the asked stamp come back."""
    cache = AnswerCache(limit=3)
    stamp = Stamp(store=1, market=0, second=10)
    for number in range(5):
        cache.put(("user", f"/orders?limit={number}"), stamp, 200, b"%d" % number)
    assert len(cache) == 3
    assert cache.get(("user", "/orders?limit=0"), stamp) is None
    assert cache.get(("user", "/orders?limit=4"), stamp) == (200, b"4")
    assert cache.get(("user", "/orders?limit=4"), stamp._replace(second=11)) is None
    assert cache.get(("user", "/orders?limit=4"), stamp._replace(store=2)) is None
