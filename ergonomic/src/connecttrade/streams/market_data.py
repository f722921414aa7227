"""The market-data stream: quotes, trades, bars, depth and options chains for one user.

```python
async with connecttrade.MarketDataStream.from_client(ct, "conn_...") as md:
    await md.subscribe_quotes(["AAPL", "MSFT"])
    async for event in md:
        if isinstance(event, connecttrade.Quote):
            print(event.symbol, event.bid, event.ask)
```

It authenticates with the connection's market-data token and renews the token before it
expires (a new token revokes the old one: the server closes the session with 4010 and the
stream reconnects with the new token at once, every subscription restored). A 4010 for
any other reason (a token issued elsewhere) fetches a fresh token the same way. One
session per user: a second stream for the same user replaces this one (4008).

The server accepts subscriptions symbol by symbol. A symbol it refuses (unknown, not
served by the connection's broker, over the session's limit) is published as a
:class:`~connecttrade.SubscriptionRefused` event and forgotten, so reconnects do not ask
for it again, while the other symbols keep streaming; a ``subscribe_*`` call that asked
for it raises :class:`~connecttrade.SubscriptionRefusedError`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from connecttrade._exceptions import (
    APIStatusError,
    StreamAuthenticationError,
    StreamError,
    StreamStateError,
    SubscriptionRefusedError,
)
from connecttrade.rest.async_client import AsyncClient
from connecttrade.streams._core import StreamCore, logger
from connecttrade.streams._protocol.close_codes import CloseAction
from connecttrade.streams._protocol.frames import (
    Authenticated,
    Heartbeat,
    MarketDataFrame,
    SubscribeAnswer,
    SubscribeRefusal,
    Welcome,
    parse_market_data,
)
from connecttrade.streams._protocol.subscribe_requests import SubscribeRequests, Waiter
from connecttrade.streams._protocol.subscriptions import MarketDataRegistry
from connecttrade.streams._protocol.token_clock import TokenClock
from connecttrade.streams._urls import MARKET_DATA_PATH, stream_url
from connecttrade.streams.backoff import Backoff
from connecttrade.streams.events import MarketDataEvent
from connecttrade.streams.state import StreamState
from connecttrade.types.brokerage_events import ErrorNotice
from connecttrade.types.market_data_events import (
    Bar,
    BarSnapshot,
    ChannelUnsubscribed,
    Depth,
    OptionsChain,
    Quote,
    SubscriptionList,
    SubscriptionRefused,
    Trade,
)
from connecttrade.types.results import MarketDataToken

__all__ = ["MarketDataStream", "TokenSource"]

#: Fetches a fresh market-data token (each call revokes the previous one).
TokenSource = Callable[[], Awaitable[MarketDataToken]]

_request_ids = itertools.count(1)
_RENEW_RETRY_SECONDS = 5.0
#: Error codes of a snapshot that refuse its symbol (raised as SubscriptionRefusedError).
_SYMBOL_REFUSALS = frozenset({"unknown_symbol", "not_entitled"})
#: How long a ``subscribe_*`` call waits for the server's answer by default.
SUBSCRIBE_TIMEOUT = 10.0


class MarketDataStream(StreamCore[MarketDataFrame, MarketDataEvent]):
    """A self-healing connection to the market-data stream (async).

    ``token_source`` fetches a token whenever one is needed (see :meth:`from_client`);
    ``renew_fraction`` is the share of the token's life left when it is renewed.
    """

    _market_data = True

    def __init__(
        self,
        url: str,
        *,
        token_source: TokenSource,
        backoff: Backoff | None = None,
        stale_after: float | None = None,
        open_timeout: float = 10.0,
        renew_fraction: float = 0.1,
    ) -> None:
        super().__init__(url, backoff=backoff, stale_after=stale_after, open_timeout=open_timeout)
        self._token_source = token_source
        self._token: MarketDataToken | None = None
        self._session_token: MarketDataToken | None = None
        self._accepted_token: MarketDataToken | None = None
        self._clock = TokenClock(renew_fraction=renew_fraction)
        self._welcome_time: dt.datetime | None = None
        self._registry = MarketDataRegistry()
        self._requests = SubscribeRequests(self._registry)
        self._waiting: dict[Waiter, asyncio.Future[SubscriptionRefusedError | None]] = {}
        self._restoring: set[str] = set()
        self._renewal: asyncio.Task[None] | None = None
        self._reconnect_now = False
        self._snapshots: dict[str, asyncio.Future[BarSnapshot]] = {}
        self._snapshot_symbols: dict[str, str] = {}
        self._listings: list[asyncio.Future[SubscriptionList]] = []
        self._renewals = 0
        self._renewal_failed_at = float("-inf")

    @classmethod
    def from_client(
        cls,
        client: AsyncClient,
        connection_id: str,
        *,
        backoff: Backoff | None = None,
        stale_after: float | None = None,
        url: str | None = None,
    ) -> MarketDataStream:
        """A stream for ``connection_id`` whose tokens come from an ``AsyncClient``."""
        settings = client._driver.settings

        async def token_source() -> MarketDataToken:
            token: MarketDataToken = await client.connections.market_data_token(connection_id)
            return token

        return cls(
            url or stream_url(settings.base_url, MARKET_DATA_PATH),
            token_source=token_source,
            backoff=backoff,
            stale_after=stale_after,
        )

    @property
    def token_expires_at(self) -> dt.datetime | None:
        """When the token in use expires (server time)."""
        return self._token.expires_at if self._token is not None else None

    @property
    def token_renewals(self) -> int:
        """How many times the token was renewed before expiry."""
        return self._renewals

    def symbols(self, channel: str) -> tuple[str, ...]:
        """The symbols kept subscribed on ``channel``."""
        return self._registry.symbols(channel)

    # ------------------------------------------------------------------ subscriptions
    async def _subscribe(
        self,
        channel: str,
        symbols: str | Iterable[str],
        timeout: float | None,
        **options: Any,
    ) -> None:
        self._check_open()
        frames = self._registry.subscribe_frames(channel, symbols, options)
        if self.state is StreamState.IDLE:
            return  # start() sends every registered subscription
        waiter = self._requests.wait(channel, (s for f in frames for s in f["symbols"]))
        answer: asyncio.Future[SubscriptionRefusedError | None]
        answer = asyncio.get_running_loop().create_future()
        self._waiting[waiter] = answer
        try:
            for frame in frames:
                stamped = self._requests.stamp(frame)
                if not await self.send(stamped):
                    self._requests.unsent(stamped["request_id"])
            try:
                async with asyncio.timeout(timeout):
                    refused = await answer
            except TimeoutError:
                raise TimeoutError(
                    f"{channel}: no answer to the subscription within {timeout:g} s (the "
                    f"stream is {self.state}); the symbols stay registered and are "
                    "subscribed when it is live"
                ) from None
        finally:
            self._waiting.pop(waiter, None)
            self._requests.abandon(waiter)
        if refused is not None:
            raise refused

    async def subscribe_quotes(
        self, symbols: str | Iterable[str], *, timeout: float | None = SUBSCRIBE_TIMEOUT
    ) -> None:
        """Level 1 quotes of ``symbols``; kept across reconnects like every subscription.

        Every ``subscribe_*`` call registers the symbols, then (once the stream is started)
        waits up to ``timeout`` seconds for the server's answer, sent now if the stream is
        live or else when it next is. It raises :class:`SubscriptionRefusedError` naming
        the symbols the server refused (which are forgotten; the others stream), and
        ``TimeoutError`` when no answer came in time (the symbols stay registered).
        Before :meth:`start` it only registers: refusals then come as
        :class:`~connecttrade.SubscriptionRefused` events.
        """
        await self._subscribe("quotes", symbols, timeout)

    async def subscribe_trades(
        self,
        symbols: str | Iterable[str],
        session: str | None = None,
        *,
        timeout: float | None = SUBSCRIBE_TIMEOUT,
    ) -> None:
        """Time and sales; ``session`` is ``all`` (default), ``regular`` or ``extended``."""
        await self._subscribe("trades", symbols, timeout, session=session)

    async def subscribe_bars(
        self,
        symbols: str | Iterable[str],
        interval: str,
        backfill: int | None = None,
        *,
        timeout: float | None = SUBSCRIBE_TIMEOUT,
    ) -> None:
        """OHLCV bars of ``interval`` (``1m`` ... ``1d``), ``backfill`` past bars first."""
        await self._subscribe("bars", symbols, timeout, interval=interval, backfill=backfill)

    async def subscribe_depth(
        self,
        symbols: str | Iterable[str],
        levels: int = 5,
        *,
        timeout: float | None = SUBSCRIBE_TIMEOUT,
    ) -> None:
        """Level 2 snapshots of ``levels`` per side."""
        await self._subscribe("depth", symbols, timeout, levels=levels)

    async def subscribe_options_chain(
        self,
        underlyings: str | Iterable[str],
        *,
        greeks: bool | None = None,
        expiry: dt.date | str | None = None,
        strikes: int | None = None,
        timeout: float | None = SUBSCRIBE_TIMEOUT,
    ) -> None:
        """Options chains of ``underlyings``, optionally one ``expiry`` and ``strikes``
        strikes each side of the money, with ``greeks``."""
        text = expiry.isoformat() if isinstance(expiry, dt.date) else expiry
        await self._subscribe(
            "options_chain", underlyings, timeout, greeks=greeks, expiry=text, strikes=strikes
        )

    async def unsubscribe(self, channel: str, symbols: str | Iterable[str]) -> None:
        """Stop ``symbols`` on ``channel`` (a ``subscribe_*`` call still waiting for them
        returns)."""
        self._check_open()
        frame = self._registry.unsubscribe_frame(channel, symbols)
        self._finish_waiters(self._requests.unsubscribed(channel, frame["symbols"]))
        await self.send(frame)

    async def snapshot(
        self,
        symbol: str,
        interval: str,
        start: dt.datetime,
        end: dt.datetime,
        *,
        limit: int | None = None,
        timeout: float = 10.0,
    ) -> BarSnapshot:
        """Past bars of ``symbol`` without a subscription (the stream must be live).

        A symbol the server will not serve raises :class:`SubscriptionRefusedError`
        (channel ``bars``) naming it; another refusal raises :class:`StreamError`.
        """
        if self.state is not StreamState.LIVE:
            raise StreamStateError(f"snapshot() needs a live stream; it is {self.state}")
        request_id = f"snap-{next(_request_ids)}"
        frame: dict[str, Any] = {
            "action": "snapshot",
            "request_id": request_id,
            "symbol": symbol,
            "interval": interval,
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
        if limit is not None:
            frame["limit"] = limit
        future: asyncio.Future[BarSnapshot] = asyncio.get_running_loop().create_future()
        self._snapshots[request_id] = future
        self._snapshot_symbols[request_id] = symbol
        try:
            await self.send(frame)
            async with asyncio.timeout(timeout):
                return await future
        finally:
            self._snapshots.pop(request_id, None)
            self._snapshot_symbols.pop(request_id, None)

    async def list_subscriptions(self, timeout: float = 10.0) -> SubscriptionList:
        """The subscriptions as the server holds them (the stream must be live)."""
        if self.state is not StreamState.LIVE:
            raise StreamStateError(f"list_subscriptions() needs a live stream; it is {self.state}")
        future: asyncio.Future[SubscriptionList] = asyncio.get_running_loop().create_future()
        self._listings.append(future)
        try:
            await self.send({"action": "list_subscriptions"})
            async with asyncio.timeout(timeout):
                return await future
        finally:
            if future in self._listings:
                self._listings.remove(future)

    async def renew_token(self) -> None:
        """Fetch a new token now and move the session onto it (subscriptions kept)."""
        self._check_open()
        self._token = await self._token_source()
        self._renewals += 1
        self._reconnect_now = True
        ws = self._ws
        if ws is not None:
            # The server revokes the old token (4010) anyway; closing first avoids waiting.
            await ws.close(1000, "token renewed")

    def _check_open(self) -> None:
        if self.state is StreamState.CLOSED:
            raise StreamStateError("the stream is closed: create a new one")

    def __repr__(self) -> str:
        return f"MarketDataStream(url={self.url!r}, state={self.state})"

    async def close(self) -> None:
        """Close the connection and end every iterator; safe to call twice."""
        if self._renewal is not None:
            self._renewal.cancel()
        await super().close()

    # ------------------------------------------------------------------ protocol hooks
    def _parse(self, raw: str | bytes) -> MarketDataFrame:
        return parse_market_data(raw)

    async def _fetch_token(self) -> MarketDataToken:
        try:
            return await self._token_source()
        except APIStatusError as exc:
            if exc.status_code in (401, 403, 404):
                raise StreamAuthenticationError(
                    f"no market-data token could be had: {exc}", close_code=None
                ) from exc
            raise

    async def _authenticate_frame(self) -> dict[str, Any]:
        if self._token is None:
            self._token = await self._fetch_token()
        self._session_token = self._token
        return {"action": "authenticate", "token": self._token.token.reveal()}

    def _resubscribe_frames(self) -> list[dict[str, Any]]:
        frames = [self._requests.stamp(frame) for frame in self._registry.frames()]
        self._restoring = {frame["request_id"] for frame in frames}
        return frames

    def _is_ack(self, frame: MarketDataFrame) -> bool:
        # The last answer to a restoring frame: its ``subscribed``, or the one error of a
        # frame refused whole. Refusals of single symbols come before the ``subscribed``.
        if not isinstance(frame, SubscribeAnswer | ErrorNotice):
            return False
        if frame.request_id is None or frame.request_id not in self._restoring:
            return False
        self._restoring.discard(frame.request_id)
        return True

    def _session_started(self, welcome: Welcome) -> None:
        self._welcome_time = welcome.server_time
        self._clock.observe(welcome.server_time)
        self._requests.connection_lost()
        self._restoring = set()

    def _authenticated_as(self, frame: Authenticated) -> None:
        if self._session_token is not self._accepted_token and self._welcome_time is not None:
            self._accepted_token = self._session_token
            self._clock.token_accepted(self._welcome_time, frame.expires_at)

    def _heartbeat(self, frame: Heartbeat) -> list[MarketDataEvent]:
        self._observe(frame.time)
        return []

    def _observe(self, server_time: dt.datetime) -> None:
        self._clock.observe(server_time)
        if self._clock.due() and (self._renewal is None or self._renewal.done()):
            if self._token is not self._session_token:
                return  # a renewal already fetched the next token
            now = asyncio.get_running_loop().time()
            if now - self._renewal_failed_at < _RENEW_RETRY_SECONDS:
                return
            self._renewal = asyncio.get_running_loop().create_task(self._renew())

    async def _renew(self) -> None:
        try:
            await self.renew_token()
        except Exception as exc:  # retried by a later frame that finds renewal due
            self._renewal_failed_at = asyncio.get_running_loop().time()
            logger.warning("market-data token renewal failed: %s", type(exc).__name__)

    async def _after_close(self, action: CloseAction) -> bool:
        if self._reconnect_now:
            self._reconnect_now = False
            return True
        if action is CloseAction.REAUTHORIZE:
            if self._token is self._session_token:
                self._token = await self._fetch_token()
            return True
        return False

    def _finish_waiters(self, waiters: list[Waiter]) -> None:
        for waiter in waiters:
            answer = self._waiting.pop(waiter, None)
            if answer is not None and not answer.done():
                answer.set_result(waiter.error())

    def _finish(self, error: StreamError | None, reason: str) -> None:
        super()._finish(error, reason)
        stopped = error or StreamStateError("the stream was closed before the server answered")
        for waiting in self._waiting.values():
            if not waiting.done():
                waiting.set_exception(stopped)
        self._waiting.clear()

    def _error_events(self, notice: ErrorNotice) -> list[MarketDataEvent]:
        """An error: a subscribe refused whole, a snapshot refused, or anything else."""
        request_id = notice.request_id
        if request_id is not None and self._requests.owns(request_id):
            whole = self._requests.refused_whole(request_id, notice.code, notice.message)
            self._finish_waiters(self._requests.answered(request_id))
            return [whole]
        snapshot = self._snapshots.get(request_id) if request_id is not None else None
        if request_id is not None and snapshot is not None and not snapshot.done():
            symbol = self._snapshot_symbols.get(request_id, "")
            if notice.code in _SYMBOL_REFUSALS:
                refusal = SubscriptionRefused("bars", (symbol,), notice.code, notice.message)
                snapshot.set_exception(SubscriptionRefusedError("bars", (refusal,), ()))
            else:
                snapshot.set_exception(
                    StreamError(f"snapshot refused: {notice.code}: {notice.message}")
                )
        return [notice]

    def _events(self, frame: MarketDataFrame) -> list[MarketDataEvent]:
        if isinstance(frame, Quote | Trade | Depth | OptionsChain):
            self._observe(frame.time)
            return [frame]
        if isinstance(frame, SubscribeRefusal):
            self._requests.refused(frame.request_id, frame.refused)
            return [frame.refused]
        if isinstance(frame, SubscribeAnswer):
            self._finish_waiters(self._requests.answered(frame.request_id))
            return [frame.subscribed] if frame.subscribed.symbols else []
        if isinstance(frame, ErrorNotice):
            return self._error_events(frame)
        if isinstance(frame, Bar | ChannelUnsubscribed):
            return [frame]
        if isinstance(frame, BarSnapshot):
            future = self._snapshots.get(frame.request_id)
            if future is not None and not future.done():
                future.set_result(frame)
            return [frame]
        if isinstance(frame, SubscriptionList):
            for waiting in self._listings:
                if not waiting.done():
                    waiting.set_result(frame)
            self._listings.clear()
            return [frame]
        return []
