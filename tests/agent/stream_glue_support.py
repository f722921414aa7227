"""Helpers of the stream glue tests: clients on the mock, waiting, and reconnect schedules."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

import connecttrade
from connecttrade.agent import Alert, AlertKind, Guard, Policy, QuoteSource

from .guard_env import FakeClock

#: Generous bound on how long anything the tests wait for may take on a loaded machine.
PATIENCE = 20.0


def eventually(check: Callable[[], bool], what: str, timeout: float = PATIENCE) -> None:
    """Wait until ``check()`` holds; fail naming ``what`` if it does not within ``timeout``."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what}")
        time.sleep(0.02)


class SlowestJitter(random.Random):
    """A jitter source that always picks the longest wait, so a reconnect schedule is exact."""

    def uniform(self, a: float, b: float) -> float:
        return b


def fixed_backoff(seconds: float) -> connecttrade.Backoff:
    """A reconnect schedule that waits exactly ``seconds`` before every attempt."""
    return connecttrade.Backoff(base=seconds, cap=seconds, rng=SlowestJitter())


class AlertInbox:
    """An alert callback that lets a test wait for the alerts it expects."""

    def __init__(self) -> None:
        self._alerts: list[Alert] = []
        self._changed = threading.Condition()

    def __call__(self, alert: Alert) -> None:
        with self._changed:
            self._alerts.append(alert)
            self._changed.notify_all()

    def of(self, kind: AlertKind) -> list[Alert]:
        """The alerts of ``kind`` received so far."""
        with self._changed:
            return [alert for alert in self._alerts if alert.kind == kind]

    def wait_for(self, kind: AlertKind, count: int = 1, timeout: float = PATIENCE) -> list[Alert]:
        """The first ``count`` alerts of ``kind``, once that many arrived."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.of(kind)) >= count, timeout):
                got = [alert.kind.value for alert in self._alerts]
                raise AssertionError(f"expected {count} {kind.value} alert(s), got {got}")
            return self.of(kind)[:count]


def stream_guard(
    client: connecttrade.Client,
    policy: Policy,
    quotes: QuoteSource,
    clock: FakeClock,
    work: Path,
) -> Guard:
    """A guard over the mock priced by ``quotes``, on ``clock``."""
    return Guard(
        client,
        policy,
        audit_log=work / "audit.jsonl",
        state_dir=work / "state",
        actor="stream-glue-test",
        clock=clock,
        quotes=quotes,
    )
