"""SDK clients of the mock's demo user, for the agent tests.

No retries: a test wants to see a failure, not have it hidden by a second attempt.
"""

from __future__ import annotations

from typing import Any

from connecttrade import AsyncClient, Client
from connecttrade_mock.pytest_plugin import MockBrokerFixture


def _demo_user(mock: MockBrokerFixture) -> dict[str, Any]:
    return {"base_url": mock.base_url, **mock.sdk_credentials, "max_retries": 0}


def sdk_client(mock: MockBrokerFixture) -> Client:
    """A sync SDK client of the demo user on the loopback mock."""
    return Client(**_demo_user(mock))


def async_sdk_client(mock: MockBrokerFixture) -> AsyncClient:
    """An async SDK client of the demo user on the loopback mock."""
    return AsyncClient(**_demo_user(mock))
