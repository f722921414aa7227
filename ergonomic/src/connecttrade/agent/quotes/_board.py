"""Which streamed quotes can still be trusted, and since when (thread-safe, no I/O).

The board is fed every event of one market-data stream (on the stream's thread) and read
by the guard (on the guard's thread). A quote counts only when the stream is live and the
quote arrived in the current session: the server pushes a subscription's current quote at
once when it is (re)subscribed and then every change, so a quote from an earlier session
may have been replaced while the stream was away and must be delivered again first.

How fresh a trusted quote is does not come from its exchange time, which is on the
server's clock (a broker's, or a simulator's that may run fast or stand still); it comes
from when the stream last said anything, heartbeats included, measured on this machine's
monotonic clock: a live stream that pushes every change vouches for what it last sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from connecttrade.agent.policy import canonical_symbol
from connecttrade.streams.market_cache import MarketCache
from connecttrade.streams.state import StateChanged, StreamState
from connecttrade.types.market_data_events import Quote as MarketQuote

__all__ = ["QuoteBoard", "QuoteUnavailable", "TrustedQuote"]

# States in which no quote is about to arrive: waiting for one would only delay a refusal.
_NOT_COMING = frozenset({StreamState.IDLE, StreamState.RECONNECTING, StreamState.CLOSED})


class QuoteUnavailable(LookupError):  # noqa: N818 -- reads as the condition: `except QuoteUnavailable`
    """The market-data stream has no quote the guard may use for a symbol.

    The stream is down, the symbol is not subscribed, or no quote for it has arrived in
    the current session. The guard turns this into a refusal with rule ``market_data``.
    """


@dataclass(frozen=True, slots=True)
class TrustedQuote:
    """A quote of the current session and how long the stream has been silent since."""

    quote: MarketQuote
    silence: float


class QuoteBoard:
    """Trusted quotes of one stream: fed by :meth:`on_event`, read by :meth:`trusted`."""

    def __init__(
        self,
        cache: MarketCache,
        last_frame_at: Callable[[], float | None],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cache = cache
        self._last_frame_at = last_frame_at
        self._monotonic = monotonic
        self._changed = threading.Condition()
        self._state: StreamState | None = None
        # A new session starts whenever the stream leaves LIVE; quotes of older ones wait.
        self._session = 0
        self._seen: dict[str, tuple[str, int]] = {}
        self._detached = False
        self._delivering_thread: int | None = None

    @property
    def delivering_thread(self) -> int | None:
        """The ident of the thread events arrive on (``None`` before the first); waiting
        there for a quote would stop the very stream that delivers it."""
        return self._delivering_thread

    def detach(self) -> None:
        """The source stopped listening: from now on nothing is vouched for."""
        with self._changed:
            self._detached = True
            self._changed.notify_all()

    def adopt(self, state: StreamState) -> None:
        """Take the stream's state when the board was attached, unless an event since
        already told a newer one."""
        with self._changed:
            if self._state is None:
                self._state = state
                self._changed.notify_all()

    @property
    def state(self) -> StreamState:
        """The stream's state as the board last heard it (``CLOSED`` once detached)."""
        with self._changed:
            if self._detached:
                return StreamState.CLOSED
            return self._state or StreamState.IDLE

    def on_event(self, event: object) -> None:
        """Take one stream event (the stream's listener)."""
        with self._changed:
            self._delivering_thread = threading.get_ident()
            if self._detached:
                return
            if isinstance(event, MarketQuote):
                self._cache.apply(event)
                self._seen[canonical_symbol(event.symbol)] = (event.symbol, self._session)
            elif isinstance(event, StateChanged):
                if event.state is not StreamState.LIVE and self._state is StreamState.LIVE:
                    self._session += 1
                self._state = event.state
            else:
                return
            self._changed.notify_all()

    def trusted(self, symbol: str) -> TrustedQuote:
        """The quote of ``symbol`` if the board may vouch for it now; else raise."""
        key = canonical_symbol(symbol)
        with self._changed:
            if self._detached:
                raise QuoteUnavailable("the quote source is closed")
            if self._state is not StreamState.LIVE:
                state = self._state or StreamState.IDLE
                raise QuoteUnavailable(f"the market-data stream is {state}, not live")
            seen = self._seen.get(key)
            if seen is None or seen[1] != self._session:
                raise QuoteUnavailable(f"no quote for {key} has arrived since the stream went live")
            quote = self._cache.quote(seen[0])
            last_frame = self._last_frame_at()
        if quote is None or last_frame is None:  # the cache was cleared behind our back
            raise QuoteUnavailable(f"no quote for {key} is held")
        return TrustedQuote(quote, max(0.0, self._monotonic() - last_frame))

    def wait_trusted(self, symbol: str, timeout: float) -> TrustedQuote:
        """:meth:`trusted`, waiting up to ``timeout`` seconds while the stream is live or
        on its way up; a stream waiting to reconnect or closed fails at once."""
        deadline = self._monotonic() + timeout
        with self._changed:
            while True:
                try:
                    return self.trusted(symbol)
                except QuoteUnavailable:
                    left = deadline - self._monotonic()
                    if (
                        left <= 0
                        or self._detached
                        or (self._state or StreamState.IDLE) in _NOT_COMING
                    ):
                        raise
                    self._changed.wait(left)
