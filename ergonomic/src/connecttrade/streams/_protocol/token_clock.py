"""When to renew the market-data token (pure).

The token's ``expires_at`` is in the server's clock, which need not be ours (the mock's
clock can run fast), so "now" is the latest server time seen in frames. Renewal is due
once ``renew_fraction`` of the token's life is left.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["TokenClock"]


@dataclass(slots=True)
class TokenClock:
    """Tracks the server's time against the current token's expiry."""

    renew_fraction: float = 0.1
    issued_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    server_now: dt.datetime | None = None

    def __post_init__(self) -> None:
        if not 0 < self.renew_fraction < 1:
            raise ValueError(f"renew_fraction must be in (0, 1), got {self.renew_fraction!r}")

    def token_accepted(self, server_time: dt.datetime, expires_at: dt.datetime | None) -> None:
        """A session authenticated at ``server_time`` with a token ending ``expires_at``."""
        self.issued_at = server_time
        self.expires_at = expires_at
        self.observe(server_time)

    def observe(self, server_time: dt.datetime) -> None:
        """A frame stamped ``server_time`` arrived."""
        if self.server_now is None or server_time > self.server_now:
            self.server_now = server_time

    @property
    def renew_at(self) -> dt.datetime | None:
        """The server time from which the token should be renewed."""
        if self.issued_at is None or self.expires_at is None:
            return None
        life = max(self.expires_at - self.issued_at, dt.timedelta(0))
        return self.expires_at - life * self.renew_fraction

    def due(self) -> bool:
        """Whether the token should be renewed now."""
        renew_at = self.renew_at
        return renew_at is not None and self.server_now is not None and self.server_now >= renew_at
