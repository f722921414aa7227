"""pytest fixtures for testing trading code against the mock broker, offline.

Installed with the package (entry point ``pytest11``), so a project that depends on
``connecttrade-mock`` gets them without configuration::

    def test_my_strategy(mock_broker):
        client = connecttrade.Client(base_url=mock_broker.base_url, **mock_broker.sdk_credentials)
        ...
        mock_broker.control.advance(60)

One server runs per test session (on a free loopback port, manual clock); every test that
uses ``mock_broker`` starts from a fresh reset. Two settings decide the market it sees,
each a command-line option or an ini option (``pytest.ini``, ``[tool.pytest.ini_options]``):

- ``--mock-broker-seed`` / ``mock_broker_seed`` (default 42): prices, books, fills and ids;
- ``--mock-broker-start`` / ``mock_broker_start`` (default: the mock's fixed
  ``DEFAULT_START``, Monday 2026-01-05 10:00 New York): the simulated moment each test
  begins at, an ISO 8601 time with its offset, such as ``2026-03-06T15:55:00-05:00``.

With both fixed, a suite sees the same market on every run, whatever the date, the time
zone or the machine: the clock is manual, so time moves only by ``control.advance``.

``--mock-broker-scenario`` / ``mock_broker_scenario`` names a scenario file (TOML or YAML,
``connecttrade_mock.scenario``) laid over every test's market; a test can load its own with
``mock_broker.control.load_scenario(path)``, until the next test's reset.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from connecttrade_mock.scenario import Scenario
    from connecttrade_mock.testing import Credentials, MockControl, MockServer

__all__ = ["MockBrokerFixture", "mock_broker", "mock_broker_server"]


_SEED_HELP = "seed the mock broker is reset to before each test (default 42)"
_START_HELP = (
    "simulated moment each test starts at: ISO 8601 with offset, or today "
    "(default: the mock's fixed start, 2026-01-05T10:00:00-05:00)"
)


_SCENARIO_HELP = (
    "a scenario file (TOML or YAML: gaps, halts, fast markets, refused symbols, stream "
    "outages, bar files) laid over every test's market; a relative path is from rootdir"
)
_SPEEDUPS_HELP = (
    "serve the session's mock with its speed-only code (connecttrade_mock.fast); "
    "default: off, stock uvicorn"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("connecttrade-mock")
    group.addoption("--mock-broker-seed", type=int, default=None, help=_SEED_HELP)
    group.addoption("--mock-broker-start", default=None, help=_START_HELP)
    parser.addini("mock_broker_seed", _SEED_HELP, default="42")
    parser.addini("mock_broker_start", _START_HELP, default="")
    group.addoption(
        "--mock-broker-speedups", action="store_true", default=None, help=_SPEEDUPS_HELP
    )
    parser.addini("mock_broker_speedups", _SPEEDUPS_HELP, type="bool", default=False)
    group.addoption("--mock-broker-scenario", default=None, help=_SCENARIO_HELP)
    parser.addini("mock_broker_scenario", _SCENARIO_HELP, default="")


def pytest_configure(config: pytest.Config) -> None:
    # A bad seed or start stops the run before any test, as a usage error.
    _seed(config)
    _start(config)
    _scenario(config)


def _seed(config: pytest.Config) -> int:
    """The seed from the command line, else the ini file, else 42."""
    given = config.getoption("--mock-broker-seed")
    if given is not None:
        return int(given)
    text = str(config.getini("mock_broker_seed")).strip()
    try:
        return int(text)
    except ValueError:
        raise pytest.UsageError(f"mock_broker_seed must be a whole number, not {text!r}") from None


def _speedups(config: pytest.Config) -> bool:
    """``--mock-broker-speedups``, else the ini option ``mock_broker_speedups``."""
    given = config.getoption("--mock-broker-speedups")
    return bool(given if given is not None else config.getini("mock_broker_speedups"))


def _start(config: pytest.Config) -> datetime | None:
    """The start from the command line, else the ini file, else None (the mock's default)."""
    from connecttrade_mock.clock import parse_start  # noqa: PLC0415 - keep plugin import cheap

    given = config.getoption("--mock-broker-start")
    text = str(given if given is not None else config.getini("mock_broker_start")).strip()
    if not text:
        return None
    try:
        return parse_start(text)
    except ValueError as exc:
        raise pytest.UsageError(f"mock broker start: {exc}") from None


def _scenario(config: pytest.Config) -> Scenario | None:
    """The scenario file from the command line, else the ini file, else None."""
    from connecttrade_mock.scenario import ScenarioError, load_scenario  # noqa: PLC0415

    given = config.getoption("--mock-broker-scenario")
    text = str(given if given is not None else config.getini("mock_broker_scenario")).strip()
    if not text:
        return None
    path = Path(text)
    if not path.is_absolute():
        path = Path(config.rootpath) / path
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise pytest.UsageError(f"mock broker scenario: {exc}") from None


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
def mock_broker_server(pytestconfig: pytest.Config) -> Iterator[MockServer]:
    """The session's mock broker server: manual clock (time moves only when told),
    starting at ``--mock-broker-start`` / ``mock_broker_start`` on every reset."""
    from connecttrade_mock.clock import ClockMode  # noqa: PLC0415 - keep plugin import cheap
    from connecttrade_mock.simulator import Settings  # noqa: PLC0415
    from connecttrade_mock.testing import MockServer  # noqa: PLC0415

    scenario = _scenario(pytestconfig)
    settings = Settings(
        scenario=scenario,
        seed=_seed(pytestconfig),
        clock_mode=ClockMode.MANUAL,
        clock_start=_start(pytestconfig),
        speedups=_speedups(pytestconfig),
    )
    with MockServer(settings) as server:
        yield server


@pytest.fixture
def mock_broker(
    mock_broker_server: MockServer, request: pytest.FixtureRequest
) -> MockBrokerFixture:
    """A mock broker reset for this test: the demo tenant, the seed of
    ``--mock-broker-seed`` (ini ``mock_broker_seed``, default 42), and the clock at
    ``--mock-broker-start`` (ini ``mock_broker_start``, default the mock's fixed start).
    The same two settings give the same prices, fills and ids on every run."""
    control = mock_broker_server.control
    assert control is not None
    control.reset(_seed(request.config))
    return MockBrokerFixture(
        base_url=mock_broker_server.base_url,
        credentials=mock_broker_server.credentials,
        control=control,
        server=mock_broker_server,
    )
