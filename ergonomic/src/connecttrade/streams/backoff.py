"""When a stream tries to reconnect: exponential backoff with full jitter (pure).

The n-th consecutive attempt waits a uniformly random time in ``[0, min(cap, base * 2**n))``
("full jitter", which spreads a crowd of clients that lost the same server). A connection
that stayed up for ``stable_after`` seconds resets the count, so one drop after hours of
service reconnects at once, while a server that keeps dropping fresh connections is
retried ever more slowly. The random source is injectable, for tests.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = ["Backoff"]


@dataclass(slots=True)
class Backoff:
    """A reconnect schedule; :meth:`next_delay` gives the wait before the next attempt."""

    base: float = 0.25
    cap: float = 30.0
    stable_after: float = 10.0
    rng: random.Random = field(default_factory=random.Random, repr=False)
    attempt: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if not self.base > 0:
            raise ValueError(f"base must be > 0 seconds, got {self.base!r}")
        if not self.cap >= self.base:
            raise ValueError(f"cap must be >= base, got cap={self.cap!r}, base={self.base!r}")
        if not self.stable_after >= 0:
            raise ValueError(f"stable_after must be >= 0 seconds, got {self.stable_after!r}")

    def ceiling(self, attempt: int) -> float:
        """The largest wait of attempt number ``attempt`` (0-based)."""
        # min() before the power would overflow for very long outages.
        return min(self.cap, self.base * 2.0 ** min(attempt, 64))

    def next_delay(self, connected_for: float | None = None) -> float:
        """The wait before the next attempt, after a connection that lasted ``connected_for``
        seconds (``None``: the attempt failed before connecting)."""
        if connected_for is not None and connected_for >= self.stable_after:
            self.attempt = 0
        delay = self.rng.uniform(0, self.ceiling(self.attempt))
        self.attempt += 1
        return delay

    def reset(self) -> None:
        """Forget past failures (the next wait is short again)."""
        self.attempt = 0
