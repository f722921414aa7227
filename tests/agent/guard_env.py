"""Helpers of the agent guard tests: a guard over the mock broker with a fake clock.

The mock broker (the ``mock_broker`` fixture: one loopback server per session, reset per
test, manual clock) starts on Friday 2026-11-20 at 15:00 UTC, 10:00 in New York, the
``mock_broker_start`` of the project's pytest settings: inside the default regular-hours
window. The guard gets its own fake clock starting there, so
tests move the guard's time (expiry, session windows) without touching the broker's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import connecttrade
from connecttrade.agent import ExecuteTools, Guard, Policy, Quote, QuoteSource
from connecttrade_mock.pytest_plugin import MockBrokerFixture

NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)  # Friday, 10:00 in New York
MARGIN, CASH = "acc_demo_margin", "acc_demo_cash"
SECRETS = ("demo-secret", "demo-user-secret")


class FakeClock:
    """An aware clock that moves only when told."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


class FakeSleep:
    """The guard's sleep: records each pause, moves the guard's clock by it, and runs
    ``between`` (a test's action) after the pause numbered ``at``."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.slept: list[float] = []
        self.at: int | None = None
        self.between: Callable[[], None] = lambda: None

    def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.advance(seconds)
        if len(self.slept) == self.at:
            self.between()


def policy_for_tests(**changes: Any) -> Policy:
    """The tests' policy: the margin account, the scenario symbols, 100 shares, $5000."""
    values: dict[str, Any] = {
        "accounts": {MARGIN},
        "symbols": {"ZVZZT", "ZWZZT", "ZXZZT", "ZAZZT", "ZBZZT", "AAPL", "BRK/B"},
        "max_quantity": Decimal(100),
        "max_notional": Decimal(5000),
    }
    values.update(changes)
    return Policy(**values)


policy_for_tests.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def mock_quotes(mock: MockBrokerFixture) -> QuoteSource:
    """Quotes read straight from the mock's simulated market (in-process)."""
    market = mock.server.broker.sim.market

    def source(symbol: str) -> Quote:
        quote = market.quote(symbol)
        return Quote(symbol, quote.bid, quote.ask, quote.last, quote.time)

    return source


@dataclass
class GuardEnv:
    """A guard over the mock, its execute-level tools and the levers around it."""

    guard: Guard
    tools: ExecuteTools
    client: connecttrade.Client
    clock: FakeClock
    sleep: FakeSleep
    mock: MockBrokerFixture
    audit_path: Path
    state_dir: Path

    def rebuild(self, policy: Policy | None = None, **kwargs: Any) -> Guard:
        """A second guard on the same state and audit log (a restarted process)."""
        return Guard(
            self.client,
            policy or self.guard.policy,
            audit_log=self.audit_path,
            state_dir=self.state_dir,
            clock=self.clock,
            sleep=self.sleep,
            quotes=kwargs.pop("quotes", mock_quotes(self.mock)),
            **kwargs,
        )

    def audit_text(self) -> str:
        return self.audit_path.read_text(encoding="utf-8")


MakeEnv = Callable[..., GuardEnv]
