"""Per-user order rate limit: a token bucket on the wall clock (requests are real time)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable

__all__ = ["RateLimiter"]


class RateLimiter:
    """``rate`` requests per second per key, with bursts up to ``rate``."""

    def __init__(self, rate: float, wall: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, not {rate}")
        self.rate = rate
        self._wall = wall
        self._buckets: dict[Hashable, tuple[float, float]] = {}

    def take(self, key: Hashable) -> int | None:
        """Spend one token; ``None`` if allowed, else whole seconds until one is free."""
        now = self._wall()
        tokens, last = self._buckets.get(key, (self.rate, now))
        tokens = min(self.rate, tokens + (now - last) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / self.rate))
        self._buckets[key] = (tokens - 1, now)
        return None
