"""Fixtures of the agent guard tests (the helpers they use live in ``guard_env``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import connecttrade
from connecttrade.agent import Guard, Policy, QuoteSource
from connecttrade_mock.pytest_plugin import MockBrokerFixture

from .demo_clients import sdk_client
from .guard_env import FakeClock, FakeSleep, GuardEnv, MakeEnv, mock_quotes, policy_for_tests


@pytest.fixture
def make_env(mock_broker: MockBrokerFixture, tmp_path: Path) -> Iterator[MakeEnv]:
    """Build guard environments over the freshly reset mock; clients are closed after.

    The guard's clock and sleep are fakes: its waits move its own clock, never real time.
    """
    clients: list[connecttrade.Client] = []

    def build(
        policy: Policy | None = None, *, quotes: QuoteSource | bool | None = True, **kwargs: Any
    ) -> GuardEnv:
        client = sdk_client(mock_broker)
        clients.append(client)
        clock = FakeClock()
        sleep = FakeSleep(clock)
        source = mock_quotes(mock_broker) if quotes is True else quotes or None
        audit_path, state_dir = tmp_path / "audit.jsonl", tmp_path / "state"
        guard = Guard(
            client,
            policy or policy_for_tests(),
            audit_log=audit_path,
            state_dir=state_dir,
            actor="test-agent",
            clock=clock,
            sleep=sleep,
            quotes=source,
            **kwargs,
        )
        return GuardEnv(
            guard, guard.execute_tools(), client, clock, sleep, mock_broker, audit_path, state_dir
        )

    yield build
    for client in clients:
        client.close()


@pytest.fixture
def env(make_env: MakeEnv) -> GuardEnv:
    """A guard with the tests' policy over the mock."""
    return make_env()


@pytest.fixture
def anyio_backend() -> str:
    """The async clients and streams run on asyncio."""
    return "asyncio"


@pytest.fixture
def client(mock_broker: MockBrokerFixture) -> Iterator[connecttrade.Client]:
    """An SDK client of the demo user on the loopback mock, closed after the test."""
    with sdk_client(mock_broker) as sdk:
        yield sdk
