"""A live view of accounts: a REST snapshot kept current by the brokerage stream.

```python
async with connecttrade.LiveAccountView.from_client(ct) as view:
    await view.wait_synced()
    for position in view.positions():
        print(position.symbol, position.quantity)
    handle = view.track(await ct.orders.place(connecttrade.market("AAPL", 1, side="BUY"),
                                              account_id="acc_..."))
    await handle.wait()  # woken by pushed updates, no polling
```

The view follows :mod:`connecttrade.streams.account_state`: when the stream goes live (first
connect and every reconnect) and on every sequence gap it buffers updates, fetches
orders, positions and balances from REST, applies them, then the buffered updates,
applying each update only when its version is above the one held. Reads return the
latest consistent state (a sync in progress does not show half-applied).

The stream pushes a position or balance when it changes (a fill, a deposit), not when
prices move: between pushes, market values, P&L, equity and buying power drift from what
the view shows while their versions stay the same. :meth:`LiveAccountView.refresh`
re-reads positions and balances over REST and re-marks the view (pushes arriving meanwhile
are buffered and applied after, as in a sync); ``refresh_every=`` seconds does so
periodically.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Self, TypeVar

from connecttrade._exceptions import APIError, NotFoundError, StreamStateError
from connecttrade.rest.async_client import AsyncClient
from connecttrade.rest.order_handle import AsyncOrderHandle, OrderHandle
from connecttrade.rest.order_tracker import OrderTracker
from connecttrade.streams._protocol.close_codes import SERVICE_RESTART
from connecttrade.streams.account_state import AccountChange, AccountSnapshot, AccountState
from connecttrade.streams.backoff import Backoff
from connecttrade.streams.brokerage import BrokerageStream
from connecttrade.streams.events import BrokerageEvent
from connecttrade.streams.state import StateChanged, StreamState
from connecttrade.types.brokerage_events import (
    BalanceUpdate,
    OrderUpdate,
    PositionUpdate,
    SequenceGap,
)
from connecttrade.types.enums import OPEN_STATUSES
from connecttrade.types.results import Balance, Order, Position

__all__ = ["LiveAccountView"]

logger = logging.getLogger("connecttrade.streams")

_PAGE = 500

_Tracked = TypeVar("_Tracked", OrderHandle, AsyncOrderHandle, OrderTracker)


class LiveAccountView:
    """Orders, positions and balances of the users of ``clients``, kept live.

    ``clients`` are ``AsyncClient`` objects acting for end users (``for_user``): the
    REST snapshots are taken through them and the view keeps only their users' updates.
    ``stream`` is a :class:`BrokerageStream` of the same platform; the view starts it if
    it is idle and, when ``owns_stream`` is true, closes it on :meth:`close`.
    ``refresh_every`` seconds (``None``: never) it re-marks positions and balances over REST
    (:meth:`refresh`); ``resync_backoff`` paces the retries of a failed sync.
    """

    def __init__(
        self,
        stream: BrokerageStream,
        clients: Iterable[AsyncClient],
        *,
        owns_stream: bool = False,
        resync_backoff: Backoff | None = None,
        refresh_every: float | None = None,
    ) -> None:
        if refresh_every is not None and not refresh_every > 0:
            raise ValueError(f"refresh_every must be > 0 seconds or None, got {refresh_every!r}")
        self._clients: tuple[AsyncClient, ...] = tuple(clients)
        if not self._clients:
            raise ValueError("clients: give at least one AsyncClient acting for a user")
        users = [c.user_id for c in self._clients]
        if any(user is None for user in users):
            raise ValueError("clients: every client must act for a user (user_id=, for_user)")
        self._stream = stream
        self._owns_stream = owns_stream
        self._state = AccountState(user for user in users if user is not None)
        self._backoff = resync_backoff if resync_backoff is not None else Backoff()
        self._listeners: list[Callable[[AccountChange], None]] = []
        self._tracked: dict[str, list[OrderTracker]] = {}
        self._sync_task: asyncio.Task[None] | None = None
        self._synced = False
        self._server_restarted = False
        self._syncs = 0
        self._signal = asyncio.Event()
        self._remove_listener: Callable[[], None] | None = None
        self._closed = False
        self._refresh_every = refresh_every
        self._refresh_lock = asyncio.Lock()
        self._refresh_task: asyncio.Task[None] | None = None
        self._refreshes = 0
        # Bumped by every full sync, so a refresh knows when one took its buffer over.
        self._generation = 0

    @classmethod
    def from_client(
        cls,
        client: AsyncClient,
        *,
        users: Sequence[AsyncClient] = (),
        backoff: Backoff | None = None,
        stale_after: float | None = None,
        refresh_every: float | None = None,
    ) -> LiveAccountView:
        """A view of ``client``'s user (and of ``users``) over a new stream it owns;
        ``refresh_every`` seconds it re-marks positions and balances (see :meth:`refresh`)."""
        stream = BrokerageStream.from_client(client, backoff=backoff, stale_after=stale_after)
        return cls(stream, (client, *users), owns_stream=True, refresh_every=refresh_every)

    # ------------------------------------------------------------------ life
    async def start(self) -> Self:
        """Listen to the stream (starting it if idle); the first sync follows once live."""
        if self._remove_listener is not None or self._closed:
            raise StreamStateError("start() needs a view that was neither started nor closed")
        self._remove_listener = self._stream.add_listener(self._on_event)
        if self._refresh_every is not None:
            self._refresh_task = asyncio.get_running_loop().create_task(
                self._refresh_periodically(self._refresh_every)
            )
        if self._stream.state is StreamState.IDLE:
            await self._stream.start()
        elif self._stream.state is StreamState.LIVE:
            self._resync("the stream was already live")
        return self

    async def close(self) -> None:
        """Stop following the stream (closing it when the view owns it)."""
        if self._closed:
            return
        self._closed = True
        if self._remove_listener is not None:
            self._remove_listener()
        if self._refresh_task is not None:
            self._refresh_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresh_task
        if self._sync_task is not None:
            self._sync_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sync_task
        for trackers in self._tracked.values():
            for tracker in trackers:
                tracker.detach_feed()
        self._tracked.clear()
        if self._owns_stream:
            await self._stream.close()
        self._notify()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def stream(self) -> BrokerageStream:
        """The brokerage stream the view follows."""
        return self._stream

    @property
    def synced(self) -> bool:
        """True when the last sync finished and the stream has been live since."""
        return self._synced

    @property
    def syncs(self) -> int:
        """How many REST syncs have completed (one per connect, plus one per gap)."""
        return self._syncs

    @property
    def refreshes(self) -> int:
        """How many refreshes (:meth:`refresh`, ``refresh_every``) have completed."""
        return self._refreshes

    async def refresh(self, timeout: float | None = None) -> None:
        """Re-read positions and balances over REST and re-mark the view.

        Market values, P&L, equity and buying power move with prices, which the stream
        does not push; this takes the figures REST has now. Updates pushed meanwhile are
        buffered and applied after; a full sync in progress is waited for first. Raises
        the REST error when the read fails, ``TimeoutError`` after ``timeout`` seconds.
        """
        async with asyncio.timeout(timeout), self._refresh_lock:
            await self._sync_finished()
            generation = self._generation
            self._state.begin_sync()
            try:
                snapshot = await self._gather(self._user_marks)
            except BaseException:
                if generation == self._generation:  # stop buffering, keep what was pushed
                    self._emit(self._state.finish_sync(AccountSnapshot(account_ids=())))
                raise
            if generation != self._generation:
                # A full sync began meanwhile and owns the buffer; it reads REST afresh.
                await self._sync_finished()
                return
            self._emit(self._state.finish_sync(snapshot))
            self._refreshes += 1
            self._notify()

    async def _sync_finished(self) -> None:
        while self._sync_task is not None and not self._sync_task.done():
            if self._closed:
                break
            await self._signal.wait()
        if self._closed:
            raise StreamStateError("the view is closed")

    async def _refresh_periodically(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.refresh()
            except APIError as exc:
                logger.warning("account view refresh failed (%s); next in %.1f s", exc, every)
            except StreamStateError:
                return

    async def wait_synced(self, timeout: float | None = None) -> None:
        """Wait until the view is synced; ``TimeoutError`` if it is not in time, the
        stream's error if it stopped for good."""
        async with asyncio.timeout(timeout):
            while not self._synced:
                if self._closed:
                    raise StreamStateError("the view is closed")
                if self._stream.state is StreamState.CLOSED:
                    raise self._stream.error or StreamStateError("the stream was closed")
                await self._signal.wait()

    # ------------------------------------------------------------------ reads
    def order(self, order_id: str) -> Order | None:
        """One order, if the view holds it."""
        return self._state.order(order_id)

    def orders(self, account_id: str | None = None, *, open_only: bool = False) -> list[Order]:
        """Orders held (today's and every one seen since), oldest first."""
        orders = self._state.orders(account_id)
        return [o for o in orders if o.status in OPEN_STATUSES] if open_only else orders

    def positions(self, account_id: str | None = None) -> list[Position]:
        """Open positions, by account and symbol."""
        return self._state.positions(account_id)

    def balance(self, account_id: str) -> Balance | None:
        """One account's balance."""
        return self._state.balance(account_id)

    def balances(self) -> list[Balance]:
        """Every account's balance, by account id."""
        return self._state.balances()

    def on_change(self, callback: Callable[[AccountChange], None]) -> Callable[[], None]:
        """Call ``callback(change)`` for every change applied; returns the remover."""
        self._listeners.append(callback)

        def remove() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return remove

    def track(self, handle: _Tracked) -> _Tracked:
        """Push this order's updates into ``handle`` (its ``wait`` stops polling).

        Returns ``handle``. A replacement order (``modify``) is a new handle to track.
        """
        tracker = handle if isinstance(handle, OrderTracker) else handle.tracker
        order_id = tracker.order.order_id
        tracker.attach_feed()
        self._tracked.setdefault(order_id, []).append(tracker)
        held = self._state.order(order_id)
        if held is not None:
            tracker.apply(held)
        return handle

    # ------------------------------------------------------------------ stream side
    def _on_event(self, event: BrokerageEvent) -> None:
        if isinstance(event, OrderUpdate | PositionUpdate | BalanceUpdate):
            change = self._state.apply(event)
            if change is not None:
                self._emit([change])
        elif isinstance(event, SequenceGap):
            self._resync(f"sequence gap: {event.expected}..{event.received - 1} missing")
        elif isinstance(event, StateChanged):
            if event.state is StreamState.LIVE:
                self._resync("the stream went live", restart=self._server_restarted)
                self._server_restarted = False
            elif event.state in (StreamState.RECONNECTING, StreamState.CLOSED):
                # 1012: the server restarted; its versions may start over.
                self._server_restarted |= event.close_code == SERVICE_RESTART
                self._synced = False
                self._notify()

    def _notify(self) -> None:
        self._signal.set()
        self._signal = asyncio.Event()

    def _emit(self, changes: list[AccountChange]) -> None:
        for change in changes:
            if change.kind == "order":
                for tracker in self._tracked.get(change.key, ()):
                    if isinstance(change.value, Order):  # (a restart rebased them already)
                        tracker.apply(change.value)
            for listener in list(self._listeners):
                try:
                    listener(change)
                except Exception:
                    logger.exception("an account view listener failed")

    def _resync(self, reason: str, *, restart: bool = False) -> None:
        if self._closed:
            return
        logger.info("account view resync: %s", reason)
        self._synced = False
        self._generation += 1
        # Buffer from this moment: every update from now on is newer than the snapshot.
        self._state.begin_sync(restart=restart)
        if restart:  # the server's versions may start over: trackers take the next state
            for trackers in self._tracked.values():
                for tracker in trackers:
                    tracker.rebase()
        if self._sync_task is not None and not self._sync_task.done():
            self._sync_task.cancel()
        self._sync_task = asyncio.get_running_loop().create_task(self._sync())

    async def _sync(self) -> None:
        self._backoff.reset()
        while True:
            try:
                snapshot = await self._gather(self._user_snapshot)
                break
            except APIError as exc:
                delay = self._backoff.next_delay()
                logger.warning("account view snapshot failed (%s); retry in %.2f s", exc, delay)
                await asyncio.sleep(delay)
        self._emit(self._state.finish_sync(snapshot))
        self._syncs += 1
        self._synced = self._stream.state is StreamState.LIVE
        self._notify()

    async def _gather(
        self, read: Callable[[AsyncClient], Awaitable[AccountSnapshot]]
    ) -> AccountSnapshot:
        parts = await asyncio.gather(*(read(c) for c in self._clients))
        return AccountSnapshot(
            account_ids=tuple(a for p in parts for a in p.account_ids),
            orders=tuple(o for p in parts for o in p.orders),
            positions=tuple(x for p in parts for x in p.positions),
            balances=tuple(b for p in parts for b in p.balances),
        )

    async def _user_snapshot(self, client: AsyncClient) -> AccountSnapshot:
        accounts = await client.accounts.list()
        account_ids = tuple(a.account_id for a in accounts)
        orders = {o.order_id: o async for o in client.orders.list(status="all", page_size=_PAGE)}
        # Open orders held from before the listing's window (a REST listing covers one
        # day) may have closed while we were away: fetch those one by one.
        for held in self._state.orders():
            if (
                held.account_id in account_ids
                and held.order_id not in orders
                and held.status in OPEN_STATUSES
            ):
                try:
                    orders[held.order_id] = await client.orders.get(held.account_id, held.order_id)
                except NotFoundError:
                    continue
        return AccountSnapshot(
            account_ids=account_ids,
            orders=tuple(orders.values()),
            positions=tuple(await client.positions.list()),
            balances=tuple(await client.balances.list()),
        )

    async def _user_marks(self, client: AsyncClient) -> AccountSnapshot:
        # Every account has a balance, so the balances say which accounts were read.
        positions, balances = await asyncio.gather(client.positions.list(), client.balances.list())
        return AccountSnapshot(
            account_ids=tuple(b.account_id for b in balances),
            positions=tuple(positions),
            balances=tuple(balances),
        )
