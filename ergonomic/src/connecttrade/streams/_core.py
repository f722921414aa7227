"""The thin asyncio layer both streams share: connect, authenticate, resubscribe, read,
watch for silence, and reconnect by the close-code policy with backoff.

Everything protocol-specific (frame parsing, the authenticate frame, sequence numbers,
token renewal) lives in the subclasses and the pure modules they use; this module only
moves frames between a ``websockets`` connection and the stream's listeners.

The loop is written out rather than using ``async for ws in connect(...)`` because close
codes decide whether to reconnect at all, and one backoff schedule must cover both failed
connects and connections that drop soon after opening.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from connecttrade._exceptions import (
    SessionReplacedError,
    StreamAuthenticationError,
    StreamError,
    StreamProtocolError,
    StreamStateError,
)
from connecttrade.streams._event_queue import EventQueue
from connecttrade.streams._protocol.close_codes import CloseAction, action_for, describe
from connecttrade.streams._protocol.frames import Authenticated, Heartbeat, UnknownFrame, Welcome
from connecttrade.streams.backoff import Backoff
from connecttrade.streams.state import StateChanged, StreamState

__all__ = ["DEFAULT_HEARTBEAT_SECONDS", "StreamCore"]

logger = logging.getLogger("connecttrade.streams")

_E = TypeVar("_E")
_F = TypeVar("_F")

#: The heartbeat interval assumed until the server states its own.
DEFAULT_HEARTBEAT_SECONDS = 5.0
#: Silence for this many heartbeat intervals means the socket is dead.
STALE_HEARTBEATS = 3.0
DEFAULT_MAX_PENDING = 10_000


if TYPE_CHECKING:
    _LoggerAdapter = logging.LoggerAdapter[logging.Logger]
else:
    _LoggerAdapter = logging.LoggerAdapter

#: Words of a frame that may carry a credential (an authenticate frame, a token).
_SECRET_WORDS = ("authenticate", "token", "secret")
_REDACTED = "[a frame that may carry credentials, not logged]"


class _RedactingLogger(_LoggerAdapter):
    """The ``websockets`` client logger, except that a frame that may carry a credential
    is never logged (its debug log shows every frame sent, authenticate frames included)."""

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if args:
            args = tuple(
                _REDACTED if any(word in str(arg) for word in _SECRET_WORDS) else arg
                for arg in args
            )
        super().log(level, msg, *args, **kwargs)


_WEBSOCKETS_LOGGER = _RedactingLogger(logging.getLogger("websockets.client"), {})


class _StaleError(Exception):
    """No frame arrived within the staleness limit."""


class StreamCore(ABC, Generic[_F, _E]):
    """A stream connection that keeps itself alive; subclasses speak the protocol."""

    _market_data = False

    def __init__(
        self,
        url: str,
        *,
        backoff: Backoff | None,
        stale_after: float | None,
        open_timeout: float,
    ) -> None:
        if stale_after is not None and not stale_after > 0:
            raise ValueError(f"stale_after must be > 0 seconds, got {stale_after!r}")
        if not open_timeout > 0:
            raise ValueError(f"open_timeout must be > 0 seconds, got {open_timeout!r}")
        self._url = url
        self._backoff = backoff if backoff is not None else Backoff()
        self._stale_after = stale_after
        self._open_timeout = open_timeout
        self._heartbeat_seconds = DEFAULT_HEARTBEAT_SECONDS
        self._state = StreamState.IDLE
        self._state_signal = asyncio.Event()
        self._listeners: list[Callable[[_E], object]] = []
        self._queues: list[EventQueue[_E]] = []
        self._task: asyncio.Task[None] | None = None
        self._ws: ClientConnection | None = None
        self._authenticated = False
        self._connects = 0
        self._error: StreamError | None = None
        self._last_frame_at: float | None = None

    # ------------------------------------------------------------------ public surface
    @property
    def url(self) -> str:
        """The WebSocket URL."""
        return self._url

    @property
    def state(self) -> StreamState:
        """Where the connection is now."""
        return self._state

    @property
    def connects(self) -> int:
        """How many times the stream has gone live (1 after the first connect)."""
        return self._connects

    @property
    def error(self) -> StreamError | None:
        """Why the stream stopped for good, if it did."""
        return self._error

    @property
    def last_frame_at(self) -> float | None:
        """When the last frame of any kind (heartbeats included) arrived, in
        ``time.monotonic()`` seconds; ``None`` before the first.

        The server pushes every change and a heartbeat whenever it is otherwise quiet, so
        this is how recently the stream vouched that what it delivered is still current.
        """
        return self._last_frame_at

    @property
    def stale_after(self) -> float:
        """Seconds of silence after which the connection is dropped and remade."""
        if self._stale_after is not None:
            return self._stale_after
        return STALE_HEARTBEATS * self._heartbeat_seconds

    def add_listener(self, callback: Callable[[_E], object]) -> Callable[[], None]:
        """Call ``callback(event)`` for every event, in order; returns a function that
        removes it. Callbacks run on the stream's task: keep them quick and non-blocking."""
        self._listeners.append(callback)

        def remove() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return remove

    def events(self, max_pending: int = DEFAULT_MAX_PENDING) -> EventQueue[_E]:
        """A new async iterator receiving every event from now on.

        When ``max_pending`` events wait unread, the stream stops reading the socket
        until the consumer catches up (the server may then drop the slow session, and
        the stream reconnects).
        """
        if self._state is StreamState.CLOSED:
            raise StreamStateError("the stream is closed: create a new one")
        queue: EventQueue[_E] = EventQueue(max_pending, self._detach)
        self._queues.append(queue)
        return queue

    def __aiter__(self) -> EventQueue[_E]:
        return self.events()

    async def start(self) -> Self:
        """Start connecting in the background (returns at once; see :meth:`wait_live`)."""
        if self._state is not StreamState.IDLE:
            raise StreamStateError(f"start() needs an idle stream; it is {self._state}")
        self._set_state(StreamState.CONNECTING, "starting")
        self._task = asyncio.get_running_loop().create_task(self._run(), name=type(self).__name__)
        return self

    async def wait_live(self, timeout: float | None = None) -> None:
        """Wait until the stream is live; raise its error if it stopped for good, or
        ``TimeoutError``."""
        async with asyncio.timeout(timeout):
            while self._state is not StreamState.LIVE:
                if self._state is StreamState.CLOSED:
                    raise self._error or StreamStateError("the stream was closed")
                if self._state is StreamState.IDLE:
                    raise StreamStateError("the stream was not started")
                await self._state_signal.wait()

    async def wait_closed(self) -> None:
        """Wait until the stream stops; raise its error if it stopped on one."""
        if self._task is not None:
            await asyncio.shield(self._task)
        if self._error is not None:
            raise self._error

    async def close(self) -> None:
        """Close the connection and end every iterator; safe to call twice."""
        task = self._task
        if self._state is StreamState.CLOSED:
            return
        if task is None:
            self._finish(None, "closed before starting")
            return
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise
        if not self._closed():
            # Cancelled before its first step, the task never ran its own cleanup.
            self._finish(None, "closed by the client")

    async def __aenter__(self) -> Self:
        if self._state is StreamState.IDLE:
            await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def _closed(self) -> bool:
        return self._state is StreamState.CLOSED

    # ------------------------------------------------------------------ subclass hooks
    @abstractmethod
    def _parse(self, raw: str | bytes) -> _F:
        """One server frame as a typed value."""

    @abstractmethod
    async def _authenticate_frame(self) -> dict[str, Any]:
        """The authenticate frame (the market-data stream fetches a token first)."""

    @abstractmethod
    def _resubscribe_frames(self) -> list[dict[str, Any]]:
        """Frames restoring every subscription."""

    @abstractmethod
    def _is_ack(self, frame: _F) -> bool:
        """Whether ``frame`` is the last answer to one of the frames restoring the
        subscriptions (the stream is live once each got one, refused or not)."""

    @abstractmethod
    def _events(self, frame: _F) -> list[_E]:
        """The events one data frame produces (none for a repeat, two for a gap...)."""

    def _session_started(self, welcome: Welcome) -> None:
        """A new session began (reset per-session counters)."""

    def _authenticated_as(self, frame: Authenticated) -> None:
        """The server accepted the credentials."""

    def _heartbeat(self, frame: Heartbeat) -> list[_E]:
        """Events a heartbeat produces (a sequence gap on the brokerage stream)."""
        return []

    async def _after_close(self, action: CloseAction) -> bool:
        """Prepare for a reconnect; return True to reconnect at once (no backoff)."""
        return False

    # ------------------------------------------------------------------ plumbing
    def _detach(self, queue: EventQueue[_E]) -> None:
        if queue in self._queues:
            self._queues.remove(queue)

    def _set_state(
        self,
        state: StreamState,
        reason: str,
        *,
        close_code: int | None = None,
        retry_in: float | None = None,
        error: StreamError | None = None,
    ) -> StateChanged:
        change = StateChanged(
            previous=self._state,
            state=state,
            reason=reason,
            close_code=close_code,
            retry_in=retry_in,
            error=error,
            connects=self._connects,
        )
        self._state = state
        self._state_signal.set()
        self._state_signal = asyncio.Event()
        logger.info("%s %s -> %s: %s", type(self).__name__, change.previous, state, reason)
        return change

    async def _publish(self, event: Any) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                logger.exception("a %s listener failed on %s", type(self).__name__, type(event))
        for queue in list(self._queues):
            await queue.put(event)

    async def _change(self, state: StreamState, reason: str, **details: Any) -> None:
        await self._publish(self._set_state(state, reason, **details))

    def _finish(self, error: StreamError | None, reason: str) -> None:
        self._error = error
        change = self._set_state(StreamState.CLOSED, reason, error=error)
        for listener in list(self._listeners):
            try:
                listener(change)  # type: ignore[arg-type]
            except Exception:
                logger.exception("a %s listener failed on close", type(self).__name__)
        for queue in list(self._queues):
            queue.end(error)

    async def send(self, frame: dict[str, Any]) -> bool:
        """Send a client frame now if authenticated (and say whether it was sent);
        otherwise the next connect sends the registered subscriptions anyway."""
        ws = self._ws
        if ws is None or not self._authenticated:
            return False
        try:
            await ws.send(json.dumps(frame))
        except ConnectionClosed:
            # The reconnect resubscribes from the registry.
            return False
        return True

    async def _recv(self, ws: ClientConnection, timeout: float) -> _F:
        while True:
            try:
                async with asyncio.timeout(timeout):
                    raw = await ws.recv()
            except TimeoutError:
                raise _StaleError from None
            self._last_frame_at = time.monotonic()
            try:
                frame = self._parse(raw)
            except StreamProtocolError as exc:
                logger.warning("%s skipped a malformed frame: %s", type(self).__name__, exc)
                continue
            if isinstance(frame, Heartbeat):
                self._heartbeat_seconds = float(max(frame.interval_seconds, 1))
            return frame

    async def _handle(self, frame: _F) -> None:
        if isinstance(frame, Heartbeat):
            events = self._heartbeat(frame)
        elif isinstance(frame, UnknownFrame | Welcome | Authenticated):
            return
        else:
            events = self._events(frame)
        for event in events:
            await self._publish(event)

    async def _session(self, ws: ClientConnection, went_live: list[float]) -> None:
        loop = asyncio.get_running_loop()
        first = await self._recv(ws, self._open_timeout)
        if not isinstance(first, Welcome):
            raise StreamProtocolError("the server did not start with a welcome frame")
        self._session_started(first)
        await self._change(StreamState.AUTHENTICATING, "authenticating")
        await ws.send(json.dumps(await self._authenticate_frame()))
        while True:
            frame = await self._recv(ws, self._open_timeout)
            if isinstance(frame, Authenticated):
                break
            await self._handle(frame)
        self._authenticated = True
        self._authenticated_as(frame)
        subscribe = self._resubscribe_frames()
        for message in subscribe:
            await ws.send(json.dumps(message))
        pending = len(subscribe)
        while pending:
            frame = await self._recv(ws, self.stale_after)
            if self._is_ack(frame):
                pending -= 1
            await self._handle(frame)
        self._connects += 1
        went_live.append(loop.time())
        await self._change(StreamState.LIVE, "live: authenticated and subscribed")
        while True:
            await self._handle(await self._recv(ws, self.stale_after))

    async def _connect_once(self, went_live: list[float]) -> tuple[int | None, str]:
        """One connection from connect to its end: the close code (``None``: no close
        frame) and why it ended, in words."""
        try:
            async with connect(
                self._url,
                open_timeout=self._open_timeout,
                close_timeout=2,
                max_queue=64,
                max_size=2**23,
                logger=_WEBSOCKETS_LOGGER,
            ) as ws:
                self._ws = ws
                try:
                    await self._session(ws, went_live)
                except _StaleError:
                    # A silent peer would stall a polite close: cut the socket.
                    ws.transport.abort()
                    return None, f"no frame for {self.stale_after:g} s: the socket went silent"
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd is not None else None
            return code, describe(code)
        except (OSError, TimeoutError, InvalidHandshake, StreamProtocolError) as exc:
            return None, f"connect failed: {type(exc).__name__}: {exc}"
        finally:
            self._ws = None
            self._authenticated = False
        return None, "the connection ended"

    def _fatal(self, code: int | None) -> StreamError | None:
        """The error that ends the stream for good after close ``code``, if any."""
        action = action_for(code, market_data=self._market_data)
        if action is CloseAction.STOP_AUTH:
            return StreamAuthenticationError(
                f"the server refused the credentials ({describe(code)})", close_code=code
            )
        if action is CloseAction.STOP_REPLACED:
            return SessionReplacedError(
                f"a newer session replaced this one ({describe(code)})", close_code=code
            )
        return None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        error: StreamError | None = None
        try:
            while True:
                went_live: list[float] = []
                try:
                    code, why = await self._connect_once(went_live)
                except InvalidURI as exc:
                    error = StreamError(f"invalid stream URL: {exc}")
                    return
                error = self._fatal(code)
                if error is not None:
                    return
                connected_for = loop.time() - went_live[0] if went_live else None
                try:
                    immediate = await self._after_close(
                        action_for(code, market_data=self._market_data)
                    )
                except StreamError as exc:
                    error = exc
                    return
                except Exception as exc:  # a failed token fetch: back off and retry
                    logger.warning("%s could not prepare a reconnect: %s", type(self).__name__, exc)
                    immediate = False
                delay = 0.0 if immediate else self._backoff.next_delay(connected_for)
                await self._change(StreamState.RECONNECTING, why, close_code=code, retry_in=delay)
                await asyncio.sleep(delay)
                await self._change(StreamState.CONNECTING, "connecting again")
        finally:
            self._finish(error, error.message if error is not None else "closed by the client")
