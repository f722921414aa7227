"""Blocking faces of the streams and the live account view, for sync code and notebooks.

```python
with connecttrade.SyncBrokerageStream.from_client(ct) as stream:
    for event in stream.iter(timeout=5):   # stops after 5 s without an event
        print(event)
```

Each object runs its async twin on a private event loop in a background thread, so it
works in scripts, inside Jupyter and inside an already-running event loop alike (nothing
calls ``asyncio.run`` on your thread). Listener callbacks run on that background thread.
``close()`` (or leaving the ``with`` block) stops the connection and the thread.

These facades wrap their async twins rather than copy them, so their calls take
timeouts and their docstrings say what blocks; ``tests/ergonomic/test_twins.py`` pins the
names each side has alone, so a name added to only one side is a deliberate act.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from connecttrade._exceptions import StreamError, StreamStateError
from connecttrade.rest._closing import ClosedOnExit
from connecttrade.rest.async_client import AsyncClient
from connecttrade.rest.client import Client
from connecttrade.rest.order_handle import OrderHandle
from connecttrade.streams._core import DEFAULT_MAX_PENDING, StreamCore
from connecttrade.streams._event_queue import EventQueue
from connecttrade.streams._loop_thread import LoopThread
from connecttrade.streams._protocol.subscriptions import BROKERAGE_TOPICS
from connecttrade.streams.account_state import AccountChange
from connecttrade.streams.account_view import LiveAccountView
from connecttrade.streams.backoff import Backoff
from connecttrade.streams.brokerage import BrokerageStream
from connecttrade.streams.events import BrokerageEvent, MarketDataEvent
from connecttrade.streams.market_data import SUBSCRIBE_TIMEOUT, MarketDataStream
from connecttrade.streams.state import StreamState
from connecttrade.types.market_data_events import BarSnapshot, SubscriptionList
from connecttrade.types.results import Balance, Order, Position
from connecttrade.types.secret import Secret

__all__ = ["SyncAccountView", "SyncBrokerageStream", "SyncMarketDataStream"]

_E = TypeVar("_E")
_S = TypeVar("_S", bound=StreamCore[Any, Any])


def _async_twin(client: Client) -> AsyncClient:
    """An ``AsyncClient`` with the same settings (made on the loop thread that uses it)."""
    settings = client._driver.settings
    return AsyncClient(
        base_url=settings.base_url,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        user_id=settings.user_id,
        user_secret=settings.user_secret,
    )


class _SyncStream(ClosedOnExit, Generic[_S, _E]):
    _stream: _S

    def __init__(self, make: Callable[[], _S], max_pending: int, name: str) -> None:
        self._loop = LoopThread(name)
        self._async_clients: list[AsyncClient] = []
        try:
            self._stream = self._loop.call(make)
            self._queue: EventQueue[_E] = self._loop.call(lambda: self._stream.events(max_pending))
            self._loop.run(self._stream.start())
        except BaseException:
            self._loop.stop()
            raise

    @property
    def state(self) -> StreamState:
        """Where the connection is now."""
        return self._stream.state

    @property
    def connects(self) -> int:
        """How many times the stream has gone live."""
        return self._stream.connects

    @property
    def error(self) -> StreamError | None:
        """Why the stream stopped for good, if it did."""
        return self._stream.error

    @property
    def last_frame_at(self) -> float | None:
        """When the last frame arrived (``time.monotonic()`` seconds; see the async twin)."""
        return self._stream.last_frame_at

    def wait_live(self, timeout: float | None = None) -> None:
        """Block until the stream is live (``TimeoutError``; the stream's error if it stopped)."""
        self._loop.run(self._stream.wait_live(timeout))

    def add_listener(self, callback: Callable[[_E], object]) -> Callable[[], None]:
        """Call ``callback(event)`` for every event, on the stream's thread; returns the
        remover (which is safe to call from any thread)."""
        remove: Callable[[], None] = self._loop.call(lambda: self._stream.add_listener(callback))
        return lambda: self._loop.call(remove) if self._loop.running else None

    def get(self, timeout: float | None = None) -> _E:
        """The next event; ``TimeoutError`` after ``timeout`` seconds without one, the
        stream's error (or :class:`StreamStateError`) once it is closed."""
        try:
            return self._loop.run(self._queue.get(), timeout)
        except StopAsyncIteration:
            raise StreamStateError("the stream is closed") from None

    def iter(self, timeout: float | None = None) -> Iterator[_E]:
        """Events as they come; stops when none arrives within ``timeout`` seconds or the
        stream closes (raising its error if it stopped on one)."""
        while True:
            try:
                yield self._loop.run(self._queue.get(), timeout)
            except (TimeoutError, StopAsyncIteration):
                return

    def __iter__(self) -> Iterator[_E]:
        return self.iter()

    def close(self) -> None:
        """Close the connection and stop the background thread; safe to call twice."""
        if not self._loop.running:
            return
        self._loop.run(self._stream.close())
        for client in self._async_clients:
            self._loop.run(client.aclose())
        self._loop.stop()


class SyncBrokerageStream(_SyncStream[BrokerageStream, BrokerageEvent]):
    """:class:`~connecttrade.BrokerageStream` for sync code; events queue up to
    ``max_pending`` (then the stream reads no more until you catch up)."""

    def __init__(
        self,
        url: str,
        *,
        client_id: str,
        client_secret: str | Secret,
        topics: Iterable[str] = BROKERAGE_TOPICS,
        backoff: Backoff | None = None,
        stale_after: float | None = None,
        max_pending: int = DEFAULT_MAX_PENDING,
    ) -> None:
        chosen = tuple(topics)
        super().__init__(
            lambda: BrokerageStream(
                url,
                client_id=client_id,
                client_secret=client_secret,
                topics=chosen,
                backoff=backoff,
                stale_after=stale_after,
            ),
            max_pending,
            "connecttrade-brokerage-stream",
        )

    @classmethod
    def from_client(
        cls,
        client: Client,
        *,
        topics: Iterable[str] = BROKERAGE_TOPICS,
        backoff: Backoff | None = None,
        stale_after: float | None = None,
        max_pending: int = DEFAULT_MAX_PENDING,
    ) -> SyncBrokerageStream:
        """A stream with the platform credentials and host of ``client``."""
        stream = object.__new__(cls)
        chosen = tuple(topics)
        _SyncStream.__init__(
            stream,
            lambda: BrokerageStream.from_client(
                client, topics=chosen, backoff=backoff, stale_after=stale_after
            ),
            max_pending,
            "connecttrade-brokerage-stream",
        )
        return stream

    def subscribe(self, topics: str | Iterable[str]) -> None:
        """Add topics."""
        self._loop.run(self._stream.subscribe(topics))

    def unsubscribe(self, topics: str | Iterable[str]) -> None:
        """Remove topics."""
        self._loop.run(self._stream.unsubscribe(topics))


class SyncMarketDataStream(_SyncStream[MarketDataStream, MarketDataEvent]):
    """:class:`~connecttrade.MarketDataStream` for sync code (see :meth:`from_client`)."""

    @classmethod
    def from_client(
        cls,
        client: Client,
        connection_id: str,
        *,
        backoff: Backoff | None = None,
        stale_after: float | None = None,
        max_pending: int = DEFAULT_MAX_PENDING,
    ) -> SyncMarketDataStream:
        """A stream of ``connection_id``'s market data; tokens come through ``client``."""
        stream = object.__new__(cls)
        twins: list[AsyncClient] = []

        def make() -> MarketDataStream:
            twin = _async_twin(client)
            twins.append(twin)
            return MarketDataStream.from_client(
                twin, connection_id, backoff=backoff, stale_after=stale_after
            )

        _SyncStream.__init__(stream, make, max_pending, "connecttrade-market-data-stream")
        stream._async_clients = twins
        return stream

    def subscribe_quotes(
        self, symbols: str | Iterable[str], *, timeout: float | None = SUBSCRIBE_TIMEOUT
    ) -> None:
        """Level 1 quotes. Like every ``subscribe_*`` here, blocks until the server answered
        and raises :class:`~connecttrade.SubscriptionRefusedError` for symbols it refused
        (see :meth:`connecttrade.MarketDataStream.subscribe_quotes`)."""
        self._loop.run(self._stream.subscribe_quotes(symbols, timeout=timeout))

    def subscribe_trades(
        self,
        symbols: str | Iterable[str],
        session: str | None = None,
        *,
        timeout: float | None = SUBSCRIBE_TIMEOUT,
    ) -> None:
        """Time and sales."""
        self._loop.run(self._stream.subscribe_trades(symbols, session, timeout=timeout))

    def subscribe_bars(
        self,
        symbols: str | Iterable[str],
        interval: str,
        backfill: int | None = None,
        *,
        timeout: float | None = SUBSCRIBE_TIMEOUT,
    ) -> None:
        """OHLCV bars."""
        self._loop.run(self._stream.subscribe_bars(symbols, interval, backfill, timeout=timeout))

    def subscribe_depth(
        self,
        symbols: str | Iterable[str],
        levels: int = 5,
        *,
        timeout: float | None = SUBSCRIBE_TIMEOUT,
    ) -> None:
        """Level 2 snapshots."""
        self._loop.run(self._stream.subscribe_depth(symbols, levels, timeout=timeout))

    def subscribe_options_chain(
        self,
        underlyings: str | Iterable[str],
        *,
        greeks: bool | None = None,
        expiry: dt.date | str | None = None,
        strikes: int | None = None,
        timeout: float | None = SUBSCRIBE_TIMEOUT,
    ) -> None:
        """Options chains."""
        self._loop.run(
            self._stream.subscribe_options_chain(
                underlyings, greeks=greeks, expiry=expiry, strikes=strikes, timeout=timeout
            )
        )

    def symbols(self, channel: str) -> tuple[str, ...]:
        """The symbols kept subscribed on ``channel`` (refused ones are not)."""
        return self._loop.call(lambda: self._stream.symbols(channel))

    def unsubscribe(self, channel: str, symbols: str | Iterable[str]) -> None:
        """Stop symbols on a channel."""
        self._loop.run(self._stream.unsubscribe(channel, symbols))

    def snapshot(
        self,
        symbol: str,
        interval: str,
        start: dt.datetime,
        end: dt.datetime,
        *,
        limit: int | None = None,
        timeout: float = 10.0,
    ) -> BarSnapshot:
        """Past bars without a subscription."""
        return self._loop.run(
            self._stream.snapshot(symbol, interval, start, end, limit=limit, timeout=timeout)
        )

    def list_subscriptions(self, timeout: float = 10.0) -> SubscriptionList:
        """The subscriptions as the server holds them."""
        return self._loop.run(self._stream.list_subscriptions(timeout))

    def renew_token(self) -> None:
        """Fetch a new token now and move the session onto it."""
        self._loop.run(self._stream.renew_token())


class SyncAccountView(ClosedOnExit):
    """:class:`~connecttrade.LiveAccountView` for sync code; reads are consistent
    snapshots taken on the view's thread. ``refresh_every`` seconds the view re-marks
    positions and balances over REST (see :meth:`refresh`)."""

    def __init__(
        self,
        client: Client,
        *,
        users: Sequence[Client] = (),
        backoff: Backoff | None = None,
        stale_after: float | None = None,
        refresh_every: float | None = None,
    ) -> None:
        self._loop = LoopThread("connecttrade-account-view")
        self._twins: list[AsyncClient] = []

        def make() -> LiveAccountView:
            self._twins.extend(_async_twin(c) for c in (client, *users))
            return LiveAccountView.from_client(
                self._twins[0],
                users=self._twins[1:],
                backoff=backoff,
                stale_after=stale_after,
                refresh_every=refresh_every,
            )

        try:
            self._view = self._loop.call(make)
            self._loop.run(self._view.start())
        except BaseException:
            self._loop.stop()
            raise

    @property
    def synced(self) -> bool:
        """True when the last sync finished and the stream has been live since."""
        return self._view.synced

    @property
    def syncs(self) -> int:
        """How many REST syncs have completed."""
        return self._view.syncs

    @property
    def refreshes(self) -> int:
        """How many refreshes (:meth:`refresh`, ``refresh_every``) have completed."""
        return self._view.refreshes

    def refresh(self, timeout: float | None = None) -> None:
        """Block while positions and balances are re-read over REST and the view re-marked
        (see :meth:`LiveAccountView.refresh`)."""
        self._loop.run(self._view.refresh(timeout))

    @property
    def stream_state(self) -> StreamState:
        """The state of the view's brokerage stream."""
        return self._view.stream.state

    def wait_synced(self, timeout: float | None = None) -> None:
        """Block until synced (``TimeoutError``; the stream's error if it stopped)."""
        self._loop.run(self._view.wait_synced(timeout))

    def order(self, order_id: str) -> Order | None:
        """One order, if held."""
        return self._loop.call(lambda: self._view.order(order_id))

    def orders(self, account_id: str | None = None, *, open_only: bool = False) -> list[Order]:
        """Orders held, oldest first."""
        return self._loop.call(lambda: self._view.orders(account_id, open_only=open_only))

    def positions(self, account_id: str | None = None) -> list[Position]:
        """Open positions."""
        return self._loop.call(lambda: self._view.positions(account_id))

    def balance(self, account_id: str) -> Balance | None:
        """One account's balance."""
        return self._loop.call(lambda: self._view.balance(account_id))

    def balances(self) -> list[Balance]:
        """Every balance held."""
        return self._loop.call(self._view.balances)

    def on_change(self, callback: Callable[[AccountChange], None]) -> Callable[[], None]:
        """Call ``callback(change)`` (on the view's thread) for every change applied."""
        remove = self._loop.call(lambda: self._view.on_change(callback))
        return lambda: self._loop.call(remove) if self._loop.running else None

    def add_stream_listener(
        self, callback: Callable[[BrokerageEvent], object]
    ) -> Callable[[], None]:
        """Call ``callback(event)`` (on the view's thread) for every event of the view's
        brokerage stream, state changes included; returns the remover."""
        remove = self._loop.call(lambda: self._view.stream.add_listener(callback))
        return lambda: self._loop.call(remove) if self._loop.running else None

    def track(self, handle: OrderHandle) -> OrderHandle:
        """Push the order's updates into ``handle``; its ``wait`` then blocks on pushes."""
        self._loop.call(lambda: self._view.track(handle))
        return handle

    def close(self) -> None:
        """Stop the view, its stream and its thread; safe to call twice."""
        if not self._loop.running:
            return
        self._loop.run(self._view.close())
        for twin in self._twins:
            self._loop.run(twin.aclose())
        self._loop.stop()
