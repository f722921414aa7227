"""pytest fixtures for testing trading code against the mock broker, offline.

Installed with the package (entry point ``pytest11``), so a project that depends on
``connecttrade-mock`` gets them without configuration::

    def test_my_strategy(mock_broker):
        client = connecttrade.Client(base_url=mock_broker.base_url, **mock_broker.sdk_credentials)
        ...
        mock_broker.control.advance(60)

One server runs per test session (on a free loopback port, manual clock); every test that
uses ``mock_broker`` starts from a fresh reset with the seed of ``--mock-broker-seed``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from connecttrade_mock.testing import Credentials, MockControl, MockServer

__all__ = ["MockBrokerFixture", "mock_broker", "mock_broker_server"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("connecttrade-mock")
    group.addoption(
        "--mock-broker-seed",
        type=int,
        default=42,
        help="seed the mock broker is reset to before each test (default 42)",
    )


@dataclass(frozen=True, slots=True)
class MockBrokerFixture:
    """What a test gets: where the mock is, whom to log in as, and its control levers."""

    base_url: str
    credentials: Credentials
    control: MockControl
    server: MockServer

    @property
    def brokerage_stream_url(self) -> str:
        """``ws://`` URL of the brokerage stream."""
        return self.server.brokerage_stream_url

    @property
    def market_data_stream_url(self) -> str:
        """``ws://`` URL of the market-data stream."""
        return self.server.market_data_stream_url

    @property
    def sdk_credentials(self) -> dict[str, str]:
        """Keyword arguments for ``connecttrade.Client`` (client and user pairs)."""
        c = self.credentials
        return {
            "client_id": c.client_id,
            "client_secret": c.client_secret,
            "user_id": c.user_id,
            "user_secret": c.user_secret,
        }


@pytest.fixture(scope="session")
def mock_broker_server() -> Iterator[MockServer]:
    """The session's mock broker server (manual clock: time moves only when told)."""
    from connecttrade_mock.clock import ClockMode  # noqa: PLC0415 - keep plugin import cheap
    from connecttrade_mock.simulator import Settings  # noqa: PLC0415
    from connecttrade_mock.testing import MockServer  # noqa: PLC0415

    with MockServer(Settings(clock_mode=ClockMode.MANUAL)) as server:
        yield server


@pytest.fixture
def mock_broker(
    mock_broker_server: MockServer, request: pytest.FixtureRequest
) -> MockBrokerFixture:
    """A freshly reset mock broker for this test."""
    control = mock_broker_server.control
    assert control is not None
    control.reset(request.config.getoption("--mock-broker-seed"))
    return MockBrokerFixture(
        base_url=mock_broker_server.base_url,
        credentials=mock_broker_server.credentials,
        control=control,
        server=mock_broker_server,
    )
