"""Faults the control API can inject into REST answers: latency, errors, outages."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = ["Faults"]


@dataclass(slots=True)
class Faults:
    """What to do to the next requests. ``error_rate`` is a probability per request; the
    draws come from a seeded generator so a seeded run fails the same requests."""

    latency_ms: int = 0
    error_rate: float = 0.0
    fail_next: int = 0
    error_status: int = 500
    _random: random.Random = field(default_factory=lambda: random.Random(0))  # noqa: S311

    def reseed(self, seed: int) -> None:
        self._random = random.Random(seed)  # noqa: S311 - repeatable faults are the point

    def clear(self) -> None:
        self.latency_ms, self.error_rate, self.fail_next, self.error_status = 0, 0.0, 0, 500

    def should_fail(self) -> bool:
        """Whether this request fails (consumes one of ``fail_next`` if set)."""
        if self.fail_next > 0:
            self.fail_next -= 1
            return True
        return self.error_rate > 0 and self._random.random() < self.error_rate
