"""One stream connection's outbound side, without a socket: the bounded queue, and the
writer's decisions (send, heartbeat, wait out a stall or a delay, close).

The socket layer (``stream_endpoints``) runs one writer per connection that asks
:meth:`StreamSession.next_action` what to do, does it, and reports back with
:meth:`StreamSession.sent`. Everything time-dependent takes ``now`` (monotonic seconds), so
the policy is tested without sleeping.

Queue policy: at most ``queue_limit`` frames wait per connection. The frame that would
exceed it ends the session with 4009 (slow consumer) and the queue is released at once;
the client reconnects and resyncs.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from connecttrade_mock.streams.contract import CloseCode, StreamKind
from connecttrade_mock.streams.protocol import StreamProtocol

__all__ = [
    "Close",
    "Outgoing",
    "Send",
    "StreamSession",
    "StreamSettings",
    "Wait",
]

DEFAULT_HEARTBEAT_SECONDS = 5
DEFAULT_QUEUE_LIMIT = 10_000
DEFAULT_MARKET_DATA_INTERVAL_MS = 250
DEFAULT_AUTH_TIMEOUT_SECONDS = 30.0


@dataclass(slots=True)
class StreamSettings:
    """The control API's stream levers (``PUT /_mock/streams/settings`` and ``/delay``)."""

    heartbeat_seconds: int = DEFAULT_HEARTBEAT_SECONDS
    queue_limit: int = DEFAULT_QUEUE_LIMIT
    market_data_interval_ms: int = DEFAULT_MARKET_DATA_INTERVAL_MS
    auth_timeout_seconds: float = DEFAULT_AUTH_TIMEOUT_SECONDS
    delay_ms: dict[StreamKind, int] = field(default_factory=lambda: dict.fromkeys(StreamKind, 0))

    def as_json(self) -> dict[str, Any]:
        timeout = self.auth_timeout_seconds
        return {
            "heartbeat_seconds": self.heartbeat_seconds,
            "queue_limit": self.queue_limit,
            "market_data_interval_ms": self.market_data_interval_ms,
            "auth_timeout_seconds": int(timeout) if timeout == int(timeout) else timeout,
            "brokerage_delay_ms": self.delay_ms[StreamKind.BROKERAGE],
            "market_data_delay_ms": self.delay_ms[StreamKind.MARKET_DATA],
        }


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A queued frame: its JSON text, its update ``seq`` (0 if none), when it was queued;
    or, with ``close`` set, the in-order end of the session after the frames before it."""

    text: str
    seq: int
    at: float
    close: CloseCode | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Send:
    """Write this frame now."""

    text: str
    seq: int = 0


@dataclass(frozen=True, slots=True)
class Wait:
    """Nothing to do for ``seconds`` (or until woken)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Close:
    """End the connection: with this close code, or with no close frame when ``abrupt``;
    ``code`` None means the client is already gone."""

    code: CloseCode | int | None
    reason: str = ""
    abrupt: bool = False


class _State(StrEnum):
    OPEN = "open"
    ENDED = "ended"


class StreamSession:
    """The outbound state of one connection: queue, counters, stall, and how it ends."""

    def __init__(self, protocol: StreamProtocol, settings: StreamSettings, now: float) -> None:
        self.protocol = protocol
        self.settings = settings
        self.opened_at = now
        self.last_sent_at = now
        self.stalled_until = 0.0
        self.sent_count = 0
        self.last_seq_sent = 0
        self.outbox: deque[Outgoing] = deque()
        self.ending: Close | None = None
        self._state = _State.OPEN
        self.wakeup = asyncio.Event()
        """Set whenever the writer should look again (a frame, a stall, an ending...)."""
        self.ended = asyncio.Event()
        """Set once the session has decided how it ends."""

    @property
    def kind(self) -> StreamKind:
        return self.protocol.kind

    @property
    def session_id(self) -> str:
        return self.protocol.session_id

    @property
    def is_open(self) -> bool:
        return self._state is _State.OPEN

    def stalled(self, now: float) -> bool:
        return now < self.stalled_until

    # -- producing ---------------------------------------------------------------------
    def offer(
        self, frame: dict[str, Any], now: float, seq: int = 0, text: str | None = None
    ) -> bool:
        """Queue a frame (``text``: its JSON, when already encoded); False if the session is
        over or the frame overflowed the queue (which ends the session with 4009)."""
        if not self.is_open:
            return False
        if len(self.outbox) >= self.settings.queue_limit:
            self.end(
                CloseCode.SLOW_CONSUMER,
                f"slow consumer: more than {self.settings.queue_limit} frames queued",
            )
            return False
        if text is None:
            text = json.dumps(frame, separators=(",", ":"))
        self.outbox.append(Outgoing(text, seq, now))
        self.wakeup.set()
        return True

    def close_after_queue(self, code: CloseCode, reason: str, now: float) -> None:
        """End the session once the frames already queued (an error frame) are sent."""
        if self.is_open:
            self.outbox.append(Outgoing("", 0, now, code, reason))
            self._state = _State.ENDED
            self.wakeup.set()

    def end(self, code: CloseCode | int | None, reason: str = "", *, abrupt: bool = False) -> None:
        """End the session now: what is queued is dropped (and its memory released)."""
        if self.ending is not None:
            return
        self._state = _State.ENDED
        self.outbox.clear()
        self.ending = Close(code, reason, abrupt)
        self.wakeup.set()
        self.ended.set()

    def stall(self, seconds: float, now: float) -> None:
        self.stalled_until = max(self.stalled_until, now + seconds)
        self.wakeup.set()

    # -- the writer's decisions -------------------------------------------------------
    def next_action(self, now: float) -> Send | Wait | Close:
        """What the writer does next (it removes a frame from the queue when sending it)."""
        if self.ending is not None:
            return self.ending
        if now < self.stalled_until:
            return Wait(self.stalled_until - now)
        if self.outbox:
            head = self.outbox[0]
            if head.close is not None:
                self.outbox.popleft()
                self.ending = Close(head.close, head.reason)
                self.ended.set()
                return self.ending
            due = head.at + self.settings.delay_ms[self.kind] / 1000
            if due > now:
                return Wait(due - now)
            self.outbox.popleft()
            return Send(head.text, head.seq)
        if not self.protocol.authenticated:
            deadline = self.opened_at + self.settings.auth_timeout_seconds
            if now >= deadline:
                self.end(CloseCode.AUTH_TIMEOUT, "not authenticated within the auth timeout")
                return self.ending or Close(CloseCode.AUTH_TIMEOUT)
            return Wait(deadline - now)
        interval = self.settings.heartbeat_seconds
        due = self.last_sent_at + interval
        if now >= due:
            beat = self.protocol.heartbeat(self.last_seq_sent, interval)
            return Send(json.dumps(beat, separators=(",", ":")))
        return Wait(due - now)

    def sent(self, action: Send, now: float) -> None:
        """The writer wrote ``action``'s frame."""
        self.sent_count += 1
        self.last_sent_at = now
        if action.seq:
            self.last_seq_sent = action.seq

    def describe(self, now: float) -> dict[str, Any]:
        """This session as ``GET /_mock/streams`` lists it."""
        return {
            "session_id": self.session_id,
            "stream": self.kind.value,
            "principal": self.protocol.principal,
            "authenticated": self.protocol.authenticated,
            "queued": sum(1 for item in self.outbox if item.close is None),
            "sent": self.sent_count,
            "stalled": self.stalled(now),
        }
