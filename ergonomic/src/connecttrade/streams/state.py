"""The life of a stream connection: a :class:`StreamState` enum and its change events.

```python
IDLE ──start──▶ CONNECTING ──▶ AUTHENTICATING ──▶ LIVE
                    ▲                                │ drop, stall, 1011, 4009, 4010
                    └────────── RECONNECTING ◀───────┘
any state ──close() or 4003 / 4008──▶ CLOSED
```

``LIVE`` means authenticated and every registered subscription answered (a market-data
symbol the server refused does not hold the others back): from that moment on no update
is missed, which is why a live account view takes its REST snapshot then. Each change is
published to the stream's listeners as a :class:`StateChanged`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from connecttrade._exceptions import StreamError

__all__ = ["StateChanged", "StreamState"]


class StreamState(StrEnum):
    """Where a stream connection is in its life."""

    IDLE = "idle"
    CONNECTING = "connecting"
    AUTHENTICATING = "authenticating"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class StateChanged:
    """The stream moved from ``previous`` to ``state``; ``reason`` says why in words.

    ``close_code`` is the server's WebSocket close code when a close caused the change,
    ``retry_in`` the seconds until the next attempt when ``state`` is ``RECONNECTING``,
    ``error`` the reason a ``CLOSED`` stream stopped for good (``None`` after ``close()``),
    and ``connects`` how many times the stream has gone live so far.
    """

    previous: StreamState
    state: StreamState
    reason: str
    close_code: int | None = None
    retry_in: float | None = None
    error: StreamError | None = None
    connects: int = 0
