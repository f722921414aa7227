"""What both streams share: the session state machine up to authentication, and turning
one client frame into the frames that answer it (errors included), without a socket.

Every client frame goes through :meth:`StreamProtocol.receive`: parse (not a JSON object:
close 4000), check against the AsyncAPI message of its ``action`` (error frame naming the
field), refuse anything but ``authenticate`` before authentication, then the stream's own
handler. A handler refuses a request by raising ``FrameError``; the session stays open
unless the error carries a close code.

Every field of a server frame is a string, a boolean or null (the vendor's rule for
everything the API returns): counters go out as digit strings (:func:`count_text`). Every
client frame may carry a ``request_id``; every frame answering it repeats it, errors too.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from connecttrade_mock.streams.contract import (
    CloseCode,
    ErrorCode,
    FrameError,
    StreamContract,
    StreamKind,
    parse_frame,
)
from connecttrade_mock.wire.records import time_text

__all__ = [
    "Reply",
    "SessionState",
    "StreamProtocol",
    "count_text",
    "error_frame",
    "request_id_of",
    "seconds_text",
]

MAX_REQUEST_ID: Final = 64


class SessionState(StrEnum):
    """Where a session is in its life."""

    CONNECTED = "connected"
    """Welcomed; waiting for ``authenticate``."""
    AUTHENTICATED = "authenticated"
    CLOSED = "closed"
    """Refused for good (bad credentials, protocol error): nothing more is read."""


@dataclass(slots=True)
class Reply:
    """The frames answering one client frame, and whether the session ends after them."""

    frames: list[dict[str, Any]] = field(default_factory=list)
    close: CloseCode | None = None
    reason: str = ""
    authenticated: bool = False
    """This frame authenticated the session (the hub then replaces older sessions)."""


def error_frame(code: ErrorCode, message: str, **extra: object) -> dict[str, Any]:
    return {"type": "error", "code": code.value, "message": message, **extra}


def count_text(value: int) -> str:
    """A counter as the wire writes it: a digit string."""
    return str(value)


def seconds_text(value: float) -> str:
    """A duration in seconds as a decimal string ("30", "0.5"; never an exponent)."""
    return format(Decimal(repr(float(value))).normalize(), "f")


def request_id_of(frame: dict[str, Any] | None) -> dict[str, str]:
    """``{"request_id": ...}`` when the client frame carries a usable one (a string of 1
    to 64 characters, even in a frame that breaks its schema otherwise), else ``{}``."""
    request_id = frame.get("request_id") if frame is not None else None
    if isinstance(request_id, str) and 0 < len(request_id) <= MAX_REQUEST_ID:
        return {"request_id": request_id}
    return {}


class StreamProtocol(ABC):
    """The protocol state machine of one session of one stream."""

    kind: StreamKind

    def __init__(
        self, session_id: str, contract: StreamContract, clock: Callable[[], datetime]
    ) -> None:
        self._session_id = session_id
        self._contract = contract
        self._clock = clock
        self.state = SessionState.CONNECTED

    @property
    def session_id(self) -> str:
        return self._session_id

    @property
    def authenticated(self) -> bool:
        return self.state is SessionState.AUTHENTICATED

    @property
    @abstractmethod
    def principal(self) -> str | None:
        """Who the session acts for once authenticated (client id or user id)."""

    @property
    @abstractmethod
    def principal_key(self) -> tuple[str, ...] | None:
        """What "one session per ..." counts: a newer session with the same key replaces
        this one."""

    def welcome(self, auth_timeout_seconds: float) -> dict[str, Any]:
        return {
            "type": "welcome",
            "session_id": self._session_id,
            "server_time": time_text(self._clock()),
            "auth_timeout_seconds": seconds_text(auth_timeout_seconds),
        }

    def heartbeat(self, last_seq: int, interval_seconds: int) -> dict[str, Any]:
        """The heartbeat frame (``last_seq``: the last update ``seq`` written)."""
        return {
            "type": "heartbeat",
            "time": time_text(self._clock()),
            "interval_seconds": count_text(interval_seconds),
        }

    def receive(self, data: str | bytes | None) -> Reply:
        """Answer one client frame."""
        if self.state is SessionState.CLOSED:
            return Reply()
        frame: dict[str, Any] | None = None
        try:
            frame = parse_frame(data)
            action = self._contract.check_request(self.kind, frame)
            if action == "authenticate":
                if self.authenticated:
                    raise FrameError(ErrorCode.ALREADY_AUTHENTICATED, "already authenticated")
                reply = self._authenticate(frame)
                reply.authenticated = self.authenticated
                return reply
            if not self.authenticated:
                raise FrameError(
                    ErrorCode.NOT_AUTHENTICATED, f"authenticate before sending {action!r}"
                )
            return self._handle(action, frame)
        except FrameError as exc:
            extra = {**exc.extra, **request_id_of(frame)}
            reply = Reply([error_frame(exc.code, exc.message, **extra)])
            if exc.close is not None:
                self.state = SessionState.CLOSED
                reply.close, reply.reason = exc.close, exc.message[:100]
            return reply

    @abstractmethod
    def _authenticate(self, frame: dict[str, Any]) -> Reply:
        """Check the credentials of a valid ``authenticate`` frame (``FrameError`` if bad)."""

    @abstractmethod
    def _handle(self, action: str, frame: dict[str, Any]) -> Reply:
        """Answer a valid frame of an authenticated session."""
