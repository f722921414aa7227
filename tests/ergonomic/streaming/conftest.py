"""Fixtures of the stream tests: a mock broker on loopback whose clock runs in real time
(fills and market data arrive over time), reset before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connecttrade_mock.clock import ClockMode
from connecttrade_mock.simulator import Settings
from connecttrade_mock.testing import MockServer


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def live_mock_server() -> Iterator[MockServer]:
    """One real-time mock for the stream tests (order pacing lifted for bursts)."""
    with MockServer(Settings(clock_mode=ClockMode.REAL, order_rate_per_second=100_000.0)) as server:
        yield server


@pytest.fixture
def live_mock(live_mock_server: MockServer) -> MockServer:
    """The real-time mock, freshly reset (demo tenant, default stream settings)."""
    assert live_mock_server.control is not None
    live_mock_server.control.reset(7)
    return live_mock_server
