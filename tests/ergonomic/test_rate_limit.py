"""Tests for the client-side order rate limiter (a token bucket on an injectable clock)."""

from __future__ import annotations

import asyncio

import pytest
from sdk_fakes import FakeApi

from connecttrade import market
from connecttrade._http.rate_limit import TokenBucket


class FakeClock:
    """A clock that advances only when told to (or when slept on)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def test_bucket_allows_a_burst_of_rate_then_paces() -> None:
    """With rate 10 the first 10 reservations are free and the next waits 1/10 s each."""
    clock = FakeClock()
    bucket = TokenBucket(10, clock=clock)
    delays = [bucket.reserve() for _ in range(13)]
    assert delays[:10] == [0.0] * 10
    assert delays[10:] == pytest.approx([0.1, 0.2, 0.3])


def test_bucket_refills_with_time() -> None:
    """Tokens come back at ``rate`` per second, up to the burst size."""
    clock = FakeClock()
    bucket = TokenBucket(2, clock=clock)
    assert [bucket.reserve() for _ in range(2)] == [0.0, 0.0]
    clock.now += 0.5
    assert bucket.reserve() == 0.0
    assert bucket.reserve() == pytest.approx(0.5)
    clock.now += 60
    assert [bucket.reserve() for _ in range(2)] == [0.0, 0.0]


def test_slow_rate_still_allows_one_call() -> None:
    """A rate below one per second still lets one call through at once."""
    bucket = TokenBucket(0.5, clock=FakeClock())
    assert bucket.reserve() == 0.0
    assert bucket.reserve() == pytest.approx(2.0)


@pytest.mark.parametrize(
    "rate",
    [pytest.param(0, id="zero"), pytest.param(-1, id="negative"), pytest.param(True, id="bool")],
)
def test_bad_rate_is_refused(rate: float) -> None:
    """The rate must be a positive number."""
    with pytest.raises(ValueError, match="order_rate_per_second"):
        TokenBucket(rate)


def test_client_paces_order_placement() -> None:
    """Placing more orders than the rate allows sleeps between them; reads are not paced."""
    api = FakeApi()
    clock = FakeClock()
    with api.client(order_rate_per_second=2) as client:
        client._driver.limiter = TokenBucket(2, clock=clock)
        client._driver.sleep = clock.sleep
        for _ in range(4):
            client.orders.place(market("AAPL", 1, side="BUY"), account_id="acc_demo_margin")
        for _ in range(5):
            client.accounts.list()
    assert clock.slept == pytest.approx([0.5, 0.5])
    assert len(api.orders) == 4


def test_async_client_awaits_the_pacing() -> None:
    """The async client awaits its sleep when orders come faster than the rate."""
    api = FakeApi()
    clock = FakeClock()

    async def scenario() -> None:
        async with api.async_client(order_rate_per_second=1) as client:
            client._driver.limiter = TokenBucket(1, clock=clock)
            client._driver.sleep = clock.async_sleep
            for _ in range(3):
                await client.orders.place(
                    market("AAPL", 1, side="BUY"), account_id="acc_demo_margin", broker="ALPACA"
                )

    asyncio.run(scenario())
    assert clock.slept == pytest.approx([1.0, 1.0])


def test_pacing_can_be_turned_off() -> None:
    """order_rate_per_second=None leaves order calls unpaced."""
    api = FakeApi()
    with api.client(order_rate_per_second=None) as client:
        assert client._driver.limiter is None
