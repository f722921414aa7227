"""A token bucket that paces order calls below ``order_rate_per_second``; no I/O.

The bucket holds up to ``rate`` tokens (one second of burst, like the service's own
limiter) and refills at ``rate`` per second. :meth:`TokenBucket.reserve` takes a token at
once and says how long the caller must wait before using it; the tokens may go into debt,
so concurrent callers queue fairly instead of all waking at the same moment.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["TokenBucket"]


class TokenBucket:
    """``rate`` acquisitions per second, bursts up to ``max(1, rate)``; clock injectable."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if isinstance(rate, bool) or not rate > 0:
            raise ValueError(f"order_rate_per_second must be positive, got {rate!r}")
        self.rate = float(rate)
        self.capacity = max(1.0, self.rate)
        self._clock = clock
        self._tokens = self.capacity
        self._last = clock()
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take one token; return the seconds to wait before acting on it (0 if none)."""
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._last)
            self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
            self._last = now
            self._tokens -= 1.0
            if self._tokens >= 0:
                return 0.0
            return -self._tokens / self.rate
