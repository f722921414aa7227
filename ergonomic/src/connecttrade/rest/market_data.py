"""One-shot market data on the client: ``client.market_data.latest_quote("AAPL")``.

The vendor has no REST quote endpoint: market data comes only from the market-data
stream. Each call here does what a stream user would: it fetches the connection's
market-data token (``GET /connections/{id}/token``), connects, authenticates, asks
(subscribes, or sends a ``snapshot``), takes the first answer and closes. Everything one
call asks for shares that one session (``latest_quotes`` of 50 symbols is one subscribe),
and so do calls made at once on one client (``asyncio.gather`` of several
``latest_quote``, or sync calls from several threads): the stream allows one session per
user, so the first call opens it, the others join it, and the last one out closes it.

This module is the REST layer's side only: the session itself is the stream layer's
(:mod:`connecttrade.streams.one_shot`), which registers itself here when
``connecttrade.streams`` is imported (importing ``connecttrade`` does), so the layers
keep pointing one way.

Twins, kept in step by construction: ``MarketData`` and ``AsyncMarketData`` have the same
public names, signatures and docstrings, modulo ``async``/``await``, ``Async``-prefixed
types and the docstring words of ``tests/ergonomic/test_twins.py``; that test fails on
any other drift, so change both or neither.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from contextlib import AbstractAsyncContextManager
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from connecttrade._exceptions import MarketDataTimeoutError, StreamAuthenticationError
from connecttrade._http import endpoints as ops
from connecttrade._http.async_driver import AsyncDriver
from connecttrade._http.sync_driver import SyncDriver
from connecttrade.types.market_data_events import Bar, OptionsChain, Quote
from connecttrade.types.results import MarketDataToken

__all__ = [
    "AsyncMarketData",
    "MarketData",
    "MarketDataBackend",
    "MarketDataSession",
    "SessionPool",
    "SyncRunner",
    "register_backend",
]

_T = TypeVar("_T")

#: How long a one-shot call waits, in seconds, unless given ``timeout=``.
DEFAULT_TIMEOUT = 10.0
#: How long the calls that probe expiries (one round trip per weekday) wait by default.
PROBE_TIMEOUT = 30.0
#: How far past the nearest expiry ``option_expiries`` looks unless given ``end=``.
EXPIRY_HORIZON = dt.timedelta(days=200)
#: The stream's limit on strikes each side of the money.
MAX_STRIKES = 50
INTERVALS = ("1m", "5m", "15m", "1h", "1d")

Tokens = Callable[[], Awaitable[MarketDataToken]]


class MarketDataSession(Protocol):
    """One live, authenticated market-data session (the stream layer's)."""

    @property
    def server_time(self) -> dt.datetime:
        """The server's time when the session began (its welcome)."""

    async def quotes(self, symbols: tuple[str, ...]) -> dict[str, Quote]:
        """The first quote of each symbol after subscribing, by the market's spelling."""

    async def snapshot(
        self, symbol: str, interval: str, start: dt.datetime, end: dt.datetime, limit: int | None
    ) -> list[Bar]:
        """The bars of ``[start, end)``."""

    async def backfill(self, symbol: str, interval: str, count: int) -> list[Bar]:
        """The ``count`` latest completed bars."""

    async def chain(
        self, underlying: str, expiry: dt.date | None, strikes: int, greeks: bool
    ) -> OptionsChain:
        """The first chain frame of one expiry (the nearest when ``None``)."""

    async def lists_expiry(self, underlying: str, expiry: dt.date) -> bool:
        """Whether the server lists ``expiry`` for ``underlying``."""


class SessionPool(Protocol):
    """The sessions of one resource's calls on one event loop: calls made at once share one
    session (the stream allows one per user), a call for another connection waits."""

    def session(
        self, connection_id: str, base_url: str, tokens: Tokens
    ) -> AbstractAsyncContextManager[MarketDataSession]:
        """The live session of ``connection_id``, opened with the first of ``tokens``
        unless a running call already opened it; closed when its last call leaves."""


class SyncRunner(Protocol):
    """A private event loop for the sync resource's calls, kept while any call runs."""

    def run(self, job: Callable[[SessionPool], Coroutine[Any, Any, _T]]) -> _T:
        """Run ``job(pool)`` to its end on the loop (calls from several threads share it)."""


class MarketDataBackend(Protocol):
    """What the stream layer registers: session pools, and loops for sync code."""

    def pool(self) -> SessionPool:
        """A new pool, for one async resource."""

    def runner(self) -> SyncRunner:
        """A new runner, for one sync resource."""


_backends: list[MarketDataBackend] = []


def register_backend(backend: MarketDataBackend) -> None:
    """Install the stream layer's sessions (done by ``connecttrade.streams``)."""
    _backends[:] = [backend]


def _backend() -> MarketDataBackend:
    if not _backends:  # pragma: no cover - importing connecttrade imports the streams
        raise RuntimeError("import connecttrade.streams to use client.market_data")
    return _backends[0]


# ---------------------------------------------------------------------- the jobs, once
Job = Callable[[MarketDataSession], Coroutine[Any, Any, _T]]


async def _bounded(
    pool: SessionPool,
    connection_id: str,
    base_url: str,
    tokens: Tokens,
    job: Job[_T],
    *,
    what: str,
    timeout: float | None,
) -> _T:
    """Run ``job`` in a session of ``pool``, all within ``timeout`` seconds."""
    try:
        async with asyncio.timeout(timeout):
            async with pool.session(connection_id, base_url, tokens) as session:
                return await job(session)
    except MarketDataTimeoutError:
        raise
    except TimeoutError:
        raise MarketDataTimeoutError(what, timeout) from None


def _symbols(symbols: str | Iterable[str]) -> tuple[str, ...]:
    chosen = (symbols,) if isinstance(symbols, str) else tuple(dict.fromkeys(symbols))
    if not chosen:
        raise ValueError("symbols: give at least one symbol")
    return chosen


def _check_strikes(strikes: int) -> None:
    if isinstance(strikes, bool) or not isinstance(strikes, int) or not 1 <= strikes <= MAX_STRIKES:
        raise ValueError(f"strikes must be a whole number from 1 to {MAX_STRIKES}, got {strikes!r}")


def _bars_job(
    symbol: str,
    interval: str,
    *,
    start: dt.datetime | None,
    end: dt.datetime | None,
    backfill: int | None,
    limit: int | None,
) -> Job[list[Bar]]:
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {', '.join(INTERVALS)}, got {interval!r}")
    if (start is None) == (backfill is None):
        raise ValueError("bars: give either start= (and end=) or backfill=, not both")
    if start is not None and start.tzinfo is None:
        raise ValueError("start must be an aware datetime (with a time zone)")
    if end is not None and end.tzinfo is None:
        raise ValueError("end must be an aware datetime (with a time zone)")
    if backfill is not None and (isinstance(backfill, bool) or not 1 <= backfill <= 1000):
        raise ValueError(f"backfill must be a whole number from 1 to 1000, got {backfill!r}")

    async def job(session: MarketDataSession) -> list[Bar]:
        if backfill is not None:
            return await session.backfill(symbol, interval, backfill)
        assert start is not None
        return await session.snapshot(
            symbol, interval, start, end if end is not None else session.server_time, limit
        )

    return job


async def _expiries(
    session: MarketDataSession, underlying: str, start: dt.date | None, end: dt.date | None
) -> list[dt.date]:
    nearest = (await session.chain(underlying, None, 1, False)).expiries
    if not nearest:
        return []
    first = nearest[0]
    low = first if start is None else max(start, first)
    high = end if end is not None else first + EXPIRY_HORIZON
    found = [first] if low == first and first <= high else []
    day = low if low > first else first + dt.timedelta(days=1)
    while day <= high:
        if day.weekday() < 5 and await session.lists_expiry(underlying, day):
            found.append(day)
        day += dt.timedelta(days=1)
    return found


def _expiries_job(
    underlying: str, start: dt.date | None, end: dt.date | None
) -> Job[list[dt.date]]:
    async def job(session: MarketDataSession) -> list[dt.date]:
        return await _expiries(session, underlying, start, end)

    return job


def _chains_job(
    underlying: str, start: dt.date | None, end: dt.date | None, strikes: int, greeks: bool
) -> Job[list[OptionsChain]]:
    _check_strikes(strikes)

    async def job(session: MarketDataSession) -> list[OptionsChain]:
        return [
            await session.chain(underlying, expiry, strikes, greeks)
            for expiry in await _expiries(session, underlying, start, end)
        ]

    return job


def _no_connection() -> StreamAuthenticationError:
    return StreamAuthenticationError(
        "the user has no connection to take a market-data token from: link one first",
        close_code=None,
    )


class MarketData:
    """One-shot market data: each call opens a market-data session, asks, and closes it.

    Calls made at once on this client share one session (the first opens it, the last
    closes it); a call for another connection waits until that session closed.

    ``connection_id`` chooses whose market-data token authenticates the session (the
    connection's broker decides what it may see); by default it is the user's first
    connection, as ``connections.list()`` lists them, looked up once per client. Each
    session fetches a fresh token, which revokes the connection's previous one, and the
    stream keeps one session per user: a call made while a ``MarketDataStream`` (or
    another client) of the same user is streaming replaces that session (the stream
    stops with :class:`~connecttrade.SessionReplacedError`). With a stream open, read
    its ``MarketCache`` or call its ``snapshot`` instead.

    Every call is bounded by ``timeout`` seconds from connect to close and raises
    :class:`~connecttrade.MarketDataTimeoutError` (a ``TimeoutError``) past it; a symbol
    the server will not serve raises :class:`~connecttrade.SubscriptionRefusedError`
    naming it. Prices, sizes and strikes are exact ``Decimal`` values.
    """

    __slots__ = ("_connection_id", "_driver", "_runner")

    def __init__(self, driver: SyncDriver) -> None:
        self._driver = driver
        self._connection_id: str | None = None
        self._runner = _backend().runner()

    def _connection(self, connection_id: str | None) -> str:
        if connection_id is not None:
            return connection_id
        if self._connection_id is None:
            connections = self._driver.run(ops.list_connections())
            if not connections:
                raise _no_connection()
            self._connection_id = connections[0].connection_id
        return self._connection_id

    def _run(self, job: Job[_T], what: str, connection_id: str | None, timeout: float | None) -> _T:
        chosen = self._connection(connection_id)
        driver = self._driver

        async def tokens() -> MarketDataToken:
            return await asyncio.to_thread(lambda: driver.run(ops.market_data_token(chosen)))

        base_url = driver.settings.base_url
        return self._runner.run(
            lambda pool: _bounded(pool, chosen, base_url, tokens, job, what=what, timeout=timeout)
        )

    def latest_quote(
        self,
        symbol: str,
        *,
        connection_id: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> Quote:
        """The current level 1 quote of ``symbol`` (what a quotes subscription sends first)."""
        wanted = _symbols(symbol)

        async def job(session: MarketDataSession) -> Quote:
            (quote,) = (await session.quotes(wanted)).values()
            return quote

        return self._run(job, f"quote of {symbol}", connection_id, timeout)

    def latest_quotes(
        self,
        symbols: Iterable[str],
        *,
        connection_id: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> dict[str, Quote]:
        """The current quotes of ``symbols`` over one session, keyed by the market's
        spelling of each symbol, in the order asked."""
        wanted = _symbols(symbols)

        async def job(session: MarketDataSession) -> dict[str, Quote]:
            return await session.quotes(wanted)

        return self._run(job, f"quotes of {', '.join(wanted)}", connection_id, timeout)

    def bars(
        self,
        symbol: str,
        interval: str,
        *,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        backfill: int | None = None,
        limit: int | None = None,
        connection_id: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> list[Bar]:
        """OHLCV bars of ``symbol`` at ``interval`` (``1m`` ... ``1d``), oldest first.

        Either the window ``[start, end)`` (``end`` defaults to the server's now; the
        stream's ``snapshot`` action, at most ``limit`` bars, the oldest; a bar still
        forming at the server's now comes last with ``final`` false), or the ``backfill``
        latest completed bars (a bars subscription's backfill).
        """
        job = _bars_job(symbol, interval, start=start, end=end, backfill=backfill, limit=limit)
        return self._run(job, f"{interval} bars of {symbol}", connection_id, timeout)

    def option_expiries(
        self,
        underlying: str,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        connection_id: str | None = None,
        timeout: float | None = PROBE_TIMEOUT,
    ) -> list[dt.date]:
        """The listed expiries of ``underlying`` from ``start`` to ``end``, nearest first.

        The stream has no listing action: the nearest expiry is what a chain without
        ``expiry`` shows, and each later weekday up to ``end`` (200 days past the nearest
        by default) is asked for in turn, over one session.
        """
        job = _expiries_job(underlying, start, end)
        return self._run(job, f"expiries of {underlying}", connection_id, timeout)

    def option_strikes(
        self,
        underlying: str,
        expiry: dt.date | None = None,
        *,
        connection_id: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> list[Decimal]:
        """The strikes of ``underlying``'s ``expiry`` (the nearest by default), lowest
        first: up to 50 each side of the money, the most the stream shows."""

        async def job(session: MarketDataSession) -> list[Decimal]:
            return list((await session.chain(underlying, expiry, MAX_STRIKES, False)).strikes)

        return self._run(job, f"strikes of {underlying}", connection_id, timeout)

    def option_chain(
        self,
        underlying: str,
        expiry: dt.date | None = None,
        *,
        strikes: int = 10,
        greeks: bool = True,
        connection_id: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> OptionsChain:
        """The chain of one ``expiry`` (the nearest by default): calls and puts at
        ``strikes`` strikes each side of the money (1 to 50), with greeks unless
        ``greeks=False``."""
        _check_strikes(strikes)

        async def job(session: MarketDataSession) -> OptionsChain:
            return await session.chain(underlying, expiry, strikes, greeks)

        return self._run(job, f"options chain of {underlying}", connection_id, timeout)

    def option_chains(
        self,
        underlying: str,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        strikes: int = 10,
        greeks: bool = True,
        connection_id: str | None = None,
        timeout: float | None = PROBE_TIMEOUT,
    ) -> list[OptionsChain]:
        """One chain per listed expiry from ``start`` to ``end`` (as
        :meth:`option_expiries` finds them), nearest first, over one session."""
        job = _chains_job(underlying, start, end, strikes, greeks)
        return self._run(job, f"options chains of {underlying}", connection_id, timeout)


class AsyncMarketData:
    """One-shot market data: each call opens a market-data session, asks, and closes it.

    Calls made at once on this client share one session (the first opens it, the last
    closes it); a call for another connection waits until that session closed.

    ``connection_id`` chooses whose market-data token authenticates the session (the
    connection's broker decides what it may see); by default it is the user's first
    connection, as ``connections.list()`` lists them, looked up once per client. Each
    session fetches a fresh token, which revokes the connection's previous one, and the
    stream keeps one session per user: a call made while a ``MarketDataStream`` (or
    another client) of the same user is streaming replaces that session (the stream
    stops with :class:`~connecttrade.SessionReplacedError`). With a stream open, read
    its ``MarketCache`` or call its ``snapshot`` instead.

    Every call is bounded by ``timeout`` seconds from connect to close and raises
    :class:`~connecttrade.MarketDataTimeoutError` (a ``TimeoutError``) past it; a symbol
    the server will not serve raises :class:`~connecttrade.SubscriptionRefusedError`
    naming it. Prices, sizes and strikes are exact ``Decimal`` values.
    """

    __slots__ = ("_connection_id", "_driver", "_pool")

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver
        self._connection_id: str | None = None
        self._pool = _backend().pool()

    async def _connection(self, connection_id: str | None) -> str:
        if connection_id is not None:
            return connection_id
        if self._connection_id is None:
            connections = await self._driver.run(ops.list_connections())
            if not connections:
                raise _no_connection()
            self._connection_id = connections[0].connection_id
        return self._connection_id

    async def _run(
        self, job: Job[_T], what: str, connection_id: str | None, timeout: float | None
    ) -> _T:
        chosen = await self._connection(connection_id)
        driver = self._driver

        async def tokens() -> MarketDataToken:
            return await driver.run(ops.market_data_token(chosen))

        return await _bounded(
            self._pool, chosen, driver.settings.base_url, tokens, job, what=what, timeout=timeout
        )

    async def latest_quote(
        self,
        symbol: str,
        *,
        connection_id: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> Quote:
        """The current level 1 quote of ``symbol`` (what a quotes subscription sends first)."""
        wanted = _symbols(symbol)

        async def job(session: MarketDataSession) -> Quote:
            (quote,) = (await session.quotes(wanted)).values()
            return quote

        return await self._run(job, f"quote of {symbol}", connection_id, timeout)

    async def latest_quotes(
        self,
        symbols: Iterable[str],
        *,
        connection_id: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> dict[str, Quote]:
        """The current quotes of ``symbols`` over one session, keyed by the market's
        spelling of each symbol, in the order asked."""
        wanted = _symbols(symbols)

        async def job(session: MarketDataSession) -> dict[str, Quote]:
            return await session.quotes(wanted)

        return await self._run(job, f"quotes of {', '.join(wanted)}", connection_id, timeout)

    async def bars(
        self,
        symbol: str,
        interval: str,
        *,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        backfill: int | None = None,
        limit: int | None = None,
        connection_id: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> list[Bar]:
        """OHLCV bars of ``symbol`` at ``interval`` (``1m`` ... ``1d``), oldest first.

        Either the window ``[start, end)`` (``end`` defaults to the server's now; the
        stream's ``snapshot`` action, at most ``limit`` bars, the oldest; a bar still
        forming at the server's now comes last with ``final`` false), or the ``backfill``
        latest completed bars (a bars subscription's backfill).
        """
        job = _bars_job(symbol, interval, start=start, end=end, backfill=backfill, limit=limit)
        return await self._run(job, f"{interval} bars of {symbol}", connection_id, timeout)

    async def option_expiries(
        self,
        underlying: str,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        connection_id: str | None = None,
        timeout: float | None = PROBE_TIMEOUT,
    ) -> list[dt.date]:
        """The listed expiries of ``underlying`` from ``start`` to ``end``, nearest first.

        The stream has no listing action: the nearest expiry is what a chain without
        ``expiry`` shows, and each later weekday up to ``end`` (200 days past the nearest
        by default) is asked for in turn, over one session.
        """
        job = _expiries_job(underlying, start, end)
        return await self._run(job, f"expiries of {underlying}", connection_id, timeout)

    async def option_strikes(
        self,
        underlying: str,
        expiry: dt.date | None = None,
        *,
        connection_id: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> list[Decimal]:
        """The strikes of ``underlying``'s ``expiry`` (the nearest by default), lowest
        first: up to 50 each side of the money, the most the stream shows."""

        async def job(session: MarketDataSession) -> list[Decimal]:
            return list((await session.chain(underlying, expiry, MAX_STRIKES, False)).strikes)

        return await self._run(job, f"strikes of {underlying}", connection_id, timeout)

    async def option_chain(
        self,
        underlying: str,
        expiry: dt.date | None = None,
        *,
        strikes: int = 10,
        greeks: bool = True,
        connection_id: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> OptionsChain:
        """The chain of one ``expiry`` (the nearest by default): calls and puts at
        ``strikes`` strikes each side of the money (1 to 50), with greeks unless
        ``greeks=False``."""
        _check_strikes(strikes)

        async def job(session: MarketDataSession) -> OptionsChain:
            return await session.chain(underlying, expiry, strikes, greeks)

        return await self._run(job, f"options chain of {underlying}", connection_id, timeout)

    async def option_chains(
        self,
        underlying: str,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        strikes: int = 10,
        greeks: bool = True,
        connection_id: str | None = None,
        timeout: float | None = PROBE_TIMEOUT,
    ) -> list[OptionsChain]:
        """One chain per listed expiry from ``start`` to ``end`` (as
        :meth:`option_expiries` finds them), nearest first, over one session."""
        job = _chains_job(underlying, start, end, strikes, greeks)
        return await self._run(job, f"options chains of {underlying}", connection_id, timeout)
