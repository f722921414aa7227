"""The sessions behind ``client.market_data``: one short-lived market-data stream per call.

A session fetches the connection's token first (so a refused token or an unknown
connection raises the REST error itself), starts a :class:`MarketDataStream` with it,
waits until it is live, runs the call's requests and closes the stream. Each request
listens to the stream's events only while it runs: a quote or chain request ends with
the first data frame after the server's ``subscribed``; a backfill ends at the answer to
a ``list_subscriptions`` sent after it (the server answers in order, so every backfilled
bar came first); a window of bars is the ``snapshot`` action.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from connecttrade._exceptions import StreamStateError, SubscriptionRefusedError
from connecttrade.rest.market_data import (
    MarketDataSession,
    SessionPool,
    SyncRunner,
    Tokens,
    register_backend,
)
from connecttrade.streams._loop_thread import LoopThread
from connecttrade.streams._urls import MARKET_DATA_PATH, stream_url
from connecttrade.streams.backoff import Backoff
from connecttrade.streams.events import MarketDataEvent
from connecttrade.streams.market_data import MarketDataStream
from connecttrade.streams.state import StreamState
from connecttrade.types.market_data_events import (
    Bar,
    ChannelSubscribed,
    OptionsChain,
    Quote,
)
from connecttrade.types.results import MarketDataToken

__all__ = ["OneShotSession", "Pool", "Runner"]

_T = TypeVar("_T")

_INTERVAL_SECONDS = {"1m": 60, "5m": 300, "15m": 900, "1h": 3600, "1d": 86400}


class OneShotSession:
    """A live stream used for a few requests, then closed (see the module docstring)."""

    def __init__(self, stream: MarketDataStream, server_time: dt.datetime) -> None:
        self._stream = stream
        self._server_time = server_time
        # A chain subscription replaces the underlying's previous one: one at a time.
        self._chains = asyncio.Lock()

    @property
    def server_time(self) -> dt.datetime:
        """The server's time when the session began (its welcome)."""
        return self._server_time

    async def _until(
        self, take: Callable[[MarketDataEvent], None], done: Callable[[], bool], start: Any
    ) -> None:
        """Feed every event to ``take`` while ``start`` runs and until ``done()`` (through
        reconnects, which resubscribe; a stream stopped for good raises its error)."""
        changed = asyncio.Event()

        def listen(event: MarketDataEvent) -> None:
            take(event)
            changed.set()

        remove = self._stream.add_listener(listen)
        try:
            await start
            while not done():
                if self._stream.state is StreamState.CLOSED:
                    raise self._stream.error or StreamStateError(
                        f"the market-data session ended ({self._stream.state})"
                    )
                changed.clear()
                await changed.wait()
        finally:
            remove()

    async def quotes(self, symbols: tuple[str, ...]) -> dict[str, Quote]:
        """The first quote of each symbol after subscribing, by the market's spelling."""
        accepted: list[str] = []
        got: dict[str, Quote] = {}
        asked = {_folded(symbol) for symbol in symbols}

        def take(event: MarketDataEvent) -> None:
            if isinstance(event, ChannelSubscribed) and event.channel == "quotes":
                # Only this call's symbols (a call running at once may subscribe others).
                accepted.extend(
                    s for s in event.symbols if _folded(s) in asked and s not in accepted
                )
            elif isinstance(event, Quote) and event.symbol in accepted:
                got.setdefault(event.symbol, event)

        await self._until(
            take,
            lambda: bool(accepted) and all(s in got for s in accepted),
            self._stream.subscribe_quotes(symbols, timeout=None),
        )
        return {symbol: got[symbol] for symbol in accepted}

    async def snapshot(
        self, symbol: str, interval: str, start: dt.datetime, end: dt.datetime, limit: int | None
    ) -> list[Bar]:
        """The bars of ``[start, end)``; one still forming at the session's start is last,
        with ``final`` false."""
        answer = await self._stream.snapshot(
            symbol, interval, start, end, limit=limit, timeout=float("inf")
        )
        length = dt.timedelta(seconds=_INTERVAL_SECONDS.get(answer.interval, 0))
        return [
            Bar(
                answer.symbol,
                answer.interval,
                bar.start,
                bar.open,
                bar.high,
                bar.low,
                bar.close,
                bar.volume,
                backfill=True,
                final=bar.start + length <= self._server_time,
            )
            for bar in answer.bars
        ]

    async def backfill(self, symbol: str, interval: str, count: int) -> list[Bar]:
        """The ``count`` latest completed bars (a bars subscription's backfill)."""
        bars: list[Bar] = []

        def take(event: MarketDataEvent) -> None:
            if isinstance(event, Bar) and event.backfill and event.interval == interval:
                bars.append(event)

        async def subscribe_then_list() -> None:
            await self._stream.subscribe_bars(symbol, interval, count, timeout=None)
            await self._stream.list_subscriptions(timeout=float("inf"))

        await self._until(take, lambda: True, subscribe_then_list())
        return sorted({bar.start: bar for bar in bars}.values(), key=lambda bar: bar.start)

    async def chain(
        self, underlying: str, expiry: dt.date | None, strikes: int, greeks: bool
    ) -> OptionsChain:
        """The first chain frame of one expiry (the nearest when ``None``)."""
        accepted: list[str] = []
        chains: list[OptionsChain] = []

        def take(event: MarketDataEvent) -> None:
            if isinstance(event, ChannelSubscribed) and event.channel == "options_chain":
                accepted.extend(s for s in event.symbols if _folded(s) == _folded(underlying))
            elif (
                isinstance(event, OptionsChain)
                and event.underlying in accepted
                and (expiry is None or all(c.expiry == expiry for c in event.contracts))
            ):
                chains.append(event)

        async with self._chains:
            await self._until(
                take,
                lambda: bool(chains),
                self._stream.subscribe_options_chain(
                    underlying, greeks=greeks, expiry=expiry, strikes=strikes, timeout=None
                ),
            )
        return chains[0]

    async def lists_expiry(self, underlying: str, expiry: dt.date) -> bool:
        """Whether the server lists ``expiry`` for ``underlying`` (a refused chain
        subscription with ``invalid_message`` says it does not)."""
        try:
            async with self._chains:
                await self._stream.subscribe_options_chain(
                    underlying, expiry=expiry, strikes=1, timeout=None
                )
        except SubscriptionRefusedError as refused:
            if all(r.code == "invalid_message" for r in refused.refusals):
                return False
            raise
        return True

    async def close(self) -> None:
        """Close the stream."""
        await self._stream.close()


def _folded(symbol: str) -> str:
    return symbol.strip().upper()


async def _open(base_url: str, tokens: Tokens) -> OneShotSession:
    """A started, live session authenticated with the first of ``tokens``."""
    handed = [await tokens()]

    async def token_source() -> MarketDataToken:
        return handed.pop() if handed else await tokens()

    stream = MarketDataStream(
        stream_url(base_url, MARKET_DATA_PATH),
        token_source=token_source,
        backoff=Backoff(base=0.05, cap=1.0),
    )
    try:
        await stream.start()
        await stream.wait_live()
    except BaseException:
        await asyncio.shield(stream.close())
        raise
    server_time = stream._welcome_time
    assert server_time is not None
    return OneShotSession(stream, server_time)


class Pool:
    """The sessions of one resource on one event loop (see ``SessionPool``)."""

    def __init__(self) -> None:
        self._users = 0
        self._connection_id: str | None = None
        self._opening: asyncio.Future[OneShotSession] | None = None
        self._idle: asyncio.Event | None = None

    @asynccontextmanager
    async def session(
        self, connection_id: str, base_url: str, tokens: Tokens
    ) -> AsyncIterator[MarketDataSession]:
        """The live session of ``connection_id``, shared by the calls running at once."""
        while self._users and self._connection_id != connection_id:
            assert self._idle is not None
            await self._idle.wait()
        self._users += 1
        if self._opening is None:
            self._connection_id = connection_id
            self._idle = asyncio.Event()
            self._opening = asyncio.ensure_future(_open(base_url, tokens))
        opening = self._opening
        try:
            yield await asyncio.shield(opening)
        finally:
            self._users -= 1
            if not self._users:
                await asyncio.shield(self._close(opening))

    async def _close(self, opening: asyncio.Future[OneShotSession]) -> None:
        idle = self._idle
        self._opening = self._connection_id = self._idle = None
        try:
            if not opening.done():
                opening.cancel()
            try:
                session = await opening
            except BaseException:  # its callers saw why; nothing to close
                return
            await session.close()
        finally:
            if idle is not None:
                idle.set()


class Runner:
    """A loop thread for one sync resource, started by the first call running and
    stopped by the last (see ``SyncRunner``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._loop: LoopThread | None = None
        self._pool: Pool | None = None

    def run(self, job: Callable[[SessionPool], Coroutine[Any, Any, _T]]) -> _T:
        """Run ``job(pool)`` on the loop thread and wait for it."""
        with self._lock:
            if self._loop is None or self._pool is None:
                self._loop = LoopThread("connecttrade-market-data")
                self._pool = Pool()
            self._users += 1
            loop, pool = self._loop, self._pool
        try:
            return loop.run(job(pool))
        finally:
            with self._lock:
                self._users -= 1
                last = not self._users
                if last:
                    self._loop = self._pool = None
            if last:
                loop.stop()


class _Backend:
    """The stream layer's side of ``client.market_data``."""

    def pool(self) -> SessionPool:
        return Pool()

    def runner(self) -> SyncRunner:
        return Runner()


register_backend(_Backend())
