"""Quote sources for the guard, fed by the SDK's market-data stream.

```python
with SyncStreamQuotes.from_client(client, "conn_...", symbols=["AAPL"]) as quotes:
    guard = Guard(client, policy, ..., quotes=quotes)
    tools = guard.execute_tools()
    tools.prepare_order(connecttrade.market("AAPL", 5, side="BUY"))  # priced live
```

The source keeps the stream's quotes in a :class:`~connecttrade.MarketCache` and answers
the guard with the latest quote of a symbol, subscribing symbols it was not given on
first use. A quote's ``time`` is *when the stream last vouched for it*, on the clock you
give the source (give it the guard's clock): the stream pushes every change and a
heartbeat when otherwise quiet, so a live stream vouches for the quote it last sent as of
its last frame. The quote's exchange time is not used, because it is on the server's
clock, which need not agree with yours (a simulator's may run fast or stand still).

So a stream that goes silent makes its quotes age, and the guard's ``max_quote_age``
refuses market orders once they are older than that; a stream that dropped (reconnecting
or closed) has no quotes at all until it is live again and has delivered the symbol anew.
Either way the guard refuses with rule ``market_data`` rather than price an order from a
quote nobody vouches for. Keep ``max_quote_age`` above the stream's heartbeat interval, or
a quiet but healthy stream will look stale between heartbeats.

A symbol the feed refuses (unknown to it, or not served by the connection's broker) is
refused with rule ``market_data`` naming the feed's reason, and forgotten: the stream
does not ask for it again, and the other symbols keep streaming.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import threading
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable

from connecttrade._exceptions import StreamError, SubscriptionRefusedError
from connecttrade.agent.policy import canonical_symbol
from connecttrade.agent.quotes._board import QuoteBoard, QuoteUnavailable, TrustedQuote
from connecttrade.agent.quotes.source import Quote
from connecttrade.rest._closing import ClosedOnExit
from connecttrade.rest.client import Client
from connecttrade.streams.backoff import Backoff
from connecttrade.streams.market_cache import MarketCache
from connecttrade.streams.market_data import MarketDataStream
from connecttrade.streams.state import StreamState
from connecttrade.streams.sync import SyncMarketDataStream
from connecttrade.types.market_data_events import SubscriptionRefused

__all__ = ["QuoteUnavailable", "StreamQuotes", "SyncStreamQuotes"]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _symbols(symbols: str | Iterable[str]) -> list[str]:
    items = [symbols] if isinstance(symbols, str) else list(symbols)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"symbols: {item!r} is not a symbol")
    return list(dict.fromkeys(canonical_symbol(item) for item in items))


class _StreamQuoteSource(ABC):
    """What both sources share: answering the guard from the board, subscribing on demand."""

    _remove: Callable[[], None] | None

    def __init__(
        self,
        cache: MarketCache | None,
        last_frame_at: Callable[[], float | None],
        *,
        subscribe_on_demand: bool,
        wait: float,
        clock: Callable[[], dt.datetime],
    ) -> None:
        if isinstance(wait, bool) or not isinstance(wait, int | float) or not math.isfinite(wait):
            raise ValueError(f"wait must be a number of seconds, got {wait!r}")
        if wait < 0:
            raise ValueError(f"wait must be >= 0 seconds, got {wait!r}")
        self._cache = cache if cache is not None else MarketCache()
        self._board = QuoteBoard(self._cache, last_frame_at)
        self._subscribe_on_demand = subscribe_on_demand
        self._wait = float(wait)
        self._clock = clock
        self._lock = threading.Lock()
        self._subscribed: set[str] = set()

    @property
    def _answer_timeout(self) -> float:
        """How long a subscribe waits for the feed's answer (the first quote follows it)."""
        return max(self._wait, 1.0)

    def _on_event(self, event: object) -> None:
        """The stream's listener: refused symbols are forgotten, everything feeds the board."""
        if isinstance(event, SubscriptionRefused) and event.channel == "quotes":
            self._forget(event.symbols)
        self._board.on_event(event)

    def _register(self, symbols: str | Iterable[str]) -> list[str]:
        """Keep ``symbols`` subscribed from now on (across reconnects); return them."""
        chosen = _symbols(symbols)
        if not chosen:
            raise ValueError("symbols: give at least one symbol")
        with self._lock:
            self._subscribed.update(chosen)
        return chosen

    def _forget(self, symbols: Iterable[str]) -> None:
        with self._lock:
            self._subscribed.difference_update(canonical_symbol(s) for s in symbols)

    def _failed(self, key: str, exc: Exception) -> QuoteUnavailable:
        """Why subscribing ``key`` gave no quote; forgets it unless it stays registered."""
        if isinstance(exc, TimeoutError):
            # Still registered: the stream subscribes it when live (a refusal then is an event).
            return QuoteUnavailable(f"the feed has not answered for {key} yet: ask again")
        self._forget([key])
        if isinstance(exc, SubscriptionRefusedError):
            reasons = "; ".join(f"{r.code}: {r.message}" for r in exc.refusals)
            return QuoteUnavailable(f"the feed refused {key} ({reasons})")
        return QuoteUnavailable(f"cannot subscribe {key}: {exc}")

    @property
    def cache(self) -> MarketCache:
        """The cache the quotes are kept in (the source feeds it; read it as you like)."""
        return self._cache

    @property
    def symbols(self) -> tuple[str, ...]:
        """The symbols this source subscribed, sorted."""
        with self._lock:
            return tuple(sorted(self._subscribed))

    def __call__(self, symbol: str) -> Quote:
        """The latest quote of ``symbol``, timed when the stream last vouched for it.

        Raises :class:`QuoteUnavailable` when the stream is not live, or the symbol is not
        subscribed (and ``subscribe_on_demand`` is off), or no quote arrived within
        ``wait`` seconds of subscribing it or of the stream going live again.
        """
        if not isinstance(symbol, str) or not symbol.strip():
            raise QuoteUnavailable(f"{symbol!r} is not a symbol")
        key = canonical_symbol(symbol)
        try:
            found = self._board.trusted(key)
        except QuoteUnavailable:
            found = self._fetch(key)
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the quote source's clock must return aware datetimes")
        quote = found.quote
        return Quote(
            symbol=quote.symbol,
            bid=quote.bid,
            ask=quote.ask,
            last=quote.last,
            time=now - dt.timedelta(seconds=found.silence),
        )

    def _fetch(self, key: str) -> TrustedQuote:
        if self._board.state in (StreamState.IDLE, StreamState.RECONNECTING, StreamState.CLOSED):
            return self._board.trusted(key)  # raises, naming the state
        with self._lock:
            known = key in self._subscribed
            if not known and not self._subscribe_on_demand:
                raise QuoteUnavailable(f"{key} is not subscribed (subscribe_on_demand is off)")
            self._subscribed.add(key)
        if not known:
            self._request(key)  # a refused symbol raises here, naming the feed's reason
        if not self._can_wait():
            if not known:
                raise QuoteUnavailable(f"{key} is being subscribed: ask again once it is quoted")
            return self._board.trusted(key)
        return self._board.wait_trusted(key, self._wait)

    def _can_wait(self) -> bool:
        """Whether this thread may block waiting for a quote (not the stream's own)."""
        return threading.get_ident() != self._board.delivering_thread

    @abstractmethod
    def _request(self, key: str) -> None:
        """Subscribe ``key``'s quotes; ``QuoteUnavailable`` (from :meth:`_failed`) if that
        failed. Where this thread may not wait, start it and return."""

    def _stop_listening(self) -> None:
        """Detach the board and the stream listener; safe to call twice."""
        self._board.detach()
        remove, self._remove = self._remove, None
        if remove is not None:
            remove()


class SyncStreamQuotes(_StreamQuoteSource, ClosedOnExit):
    """A :data:`~connecttrade.agent.QuoteSource` over a
    :class:`~connecttrade.SyncMarketDataStream`, for the (sync) guard.

    ``symbols`` are subscribed at once; others are subscribed the first time the guard
    asks for them when ``subscribe_on_demand`` is true, and the call then waits up to
    ``wait`` seconds for the first quote. ``cache`` is the :class:`~connecttrade.MarketCache`
    to keep quotes in (the source feeds it; do not also add ``cache.apply`` as a
    listener). ``clock`` returns the current aware time: give it the guard's clock.
    The source listens until :meth:`close`, which also closes the stream when the source
    made it (:meth:`from_client`).
    """

    def __init__(
        self,
        stream: SyncMarketDataStream,
        symbols: str | Iterable[str] = (),
        *,
        cache: MarketCache | None = None,
        subscribe_on_demand: bool = True,
        wait: float = 2.0,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        super().__init__(
            cache,
            lambda: stream.last_frame_at,
            subscribe_on_demand=subscribe_on_demand,
            wait=wait,
            clock=clock,
        )
        self._stream = stream
        self._owns_stream = False
        self._remove = stream.add_listener(self._on_event)
        self._board.adopt(stream.state)
        try:
            chosen = _symbols(symbols)
            if chosen:
                self.subscribe(chosen)
        except BaseException:
            self.close()
            raise

    @classmethod
    def from_client(
        cls,
        client: Client,
        connection_id: str,
        symbols: str | Iterable[str] = (),
        *,
        backoff: Backoff | None = None,
        stale_after: float | None = None,
        subscribe_on_demand: bool = True,
        wait: float = 2.0,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> SyncStreamQuotes:
        """A source over a new market-data stream of ``connection_id`` that it owns."""
        stream = SyncMarketDataStream.from_client(
            client, connection_id, backoff=backoff, stale_after=stale_after
        )
        try:
            source = cls(
                stream,
                symbols,
                subscribe_on_demand=subscribe_on_demand,
                wait=wait,
                clock=clock,
            )
        except BaseException:
            stream.close()
            raise
        source._owns_stream = True
        return source

    @property
    def stream(self) -> SyncMarketDataStream:
        """The market-data stream the quotes come from."""
        return self._stream

    def subscribe(self, symbols: str | Iterable[str]) -> None:
        """Subscribe the quotes of ``symbols`` (kept across reconnects).

        Waits up to ``wait`` seconds (at least one) for the feed's answer and raises
        :class:`~connecttrade.SubscriptionRefusedError` naming the symbols it refused (the
        others are subscribed). If the stream is not live by then, the symbols stay
        registered and are subscribed once it is.
        """
        chosen = self._register(symbols)
        try:
            self._stream.subscribe_quotes(chosen, timeout=self._answer_timeout)
        except TimeoutError:
            return
        except SubscriptionRefusedError as exc:
            self._forget(exc.symbols)
            raise

    def close(self) -> None:
        """Stop listening (and close the stream if the source made it); safe to call twice."""
        self._stop_listening()
        if self._owns_stream:
            self._stream.close()

    def __repr__(self) -> str:
        return f"SyncStreamQuotes(state={self._board.state}, symbols={list(self.symbols)!r})"

    def _request(self, key: str) -> None:
        try:
            self._stream.subscribe_quotes(key, timeout=self._answer_timeout)
        except (StreamError, TimeoutError) as exc:
            raise self._failed(key, exc) from None


class StreamQuotes(_StreamQuoteSource):
    """A :data:`~connecttrade.agent.QuoteSource` over an async
    :class:`~connecttrade.MarketDataStream`.

    Make it on the stream's event loop and subscribe with ``await quotes.subscribe(...)``.
    The guard is sync: call it from a worker thread (``asyncio.to_thread``), where a
    symbol not yet subscribed is subscribed and waited for up to ``wait`` seconds like
    :class:`SyncStreamQuotes` does. Called on the loop's own thread it cannot wait
    without stopping the stream: it answers from what it holds, and an unknown symbol is
    subscribed in the background and refused this once. The source does not own the
    stream; :meth:`close` only stops listening.
    """

    def __init__(
        self,
        stream: MarketDataStream,
        *,
        cache: MarketCache | None = None,
        subscribe_on_demand: bool = True,
        wait: float = 2.0,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                "StreamQuotes must be made on the stream's event loop (inside a coroutine)"
            ) from None
        super().__init__(
            cache,
            lambda: stream.last_frame_at,
            subscribe_on_demand=subscribe_on_demand,
            wait=wait,
            clock=clock,
        )
        self._stream = stream
        self._tasks: set[asyncio.Task[None]] = set()
        self._remove = stream.add_listener(self._on_event)
        self._board.adopt(stream.state)

    @property
    def stream(self) -> MarketDataStream:
        """The market-data stream the quotes come from."""
        return self._stream

    async def subscribe(self, symbols: str | Iterable[str]) -> None:
        """Subscribe the quotes of ``symbols`` (kept across reconnects); refusals and
        waiting as :meth:`SyncStreamQuotes.subscribe`."""
        chosen = self._register(symbols)
        try:
            await self._stream.subscribe_quotes(chosen, timeout=self._answer_timeout)
        except TimeoutError:
            return
        except SubscriptionRefusedError as exc:
            self._forget(exc.symbols)
            raise

    def close(self) -> None:
        """Stop listening to the stream; safe to call twice."""
        self._stop_listening()

    def __repr__(self) -> str:
        return f"StreamQuotes(state={self._board.state}, symbols={list(self.symbols)!r})"

    def _on_loop(self) -> bool:
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    def _can_wait(self) -> bool:
        return not self._on_loop()

    async def _subscribe_key(self, key: str) -> None:
        """Subscribe ``key``; failures become :class:`QuoteUnavailable` (see ``_failed``)."""
        try:
            await self._stream.subscribe_quotes(key, timeout=self._answer_timeout)
        except (StreamError, TimeoutError) as exc:
            raise self._failed(key, exc) from None

    def _request(self, key: str) -> None:
        if self._on_loop():
            # Nobody awaits the task: its failure only needs the bookkeeping ``_failed`` did.
            task = self._loop.create_task(self._quietly(self._subscribe_key(key)))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        if self._loop.is_closed():
            raise QuoteUnavailable("the stream's event loop is closed")
        future = asyncio.run_coroutine_threadsafe(self._subscribe_key(key), self._loop)
        try:
            future.result(self._answer_timeout + 1.0)
        except TimeoutError:
            future.cancel()
            raise QuoteUnavailable("the stream's event loop did not answer in time") from None

    @staticmethod
    async def _quietly(work: Awaitable[None]) -> None:
        try:
            await work
        except QuoteUnavailable:
            return
