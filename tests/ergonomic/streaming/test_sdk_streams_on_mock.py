"""Stream clients against the real mock over loopback: close codes, token renewal,
resubscription, backpressure, pushed order waits, caches and the sync facades."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator

import pytest

import connecttrade
from connecttrade_mock.testing import MockServer

from .stream_support import async_client, demo_login, sync_client

FAST = connecttrade.Backoff(base=0.05, cap=0.2)


def _states(
    stream: connecttrade.BrokerageStream | connecttrade.MarketDataStream,
) -> list[connecttrade.StateChanged]:
    changes: list[connecttrade.StateChanged] = []
    stream.add_listener(
        lambda e: changes.append(e) if isinstance(e, connecttrade.StateChanged) else None
    )
    return changes


@pytest.mark.anyio
async def test_bad_credentials_stop_the_stream_with_a_typed_error(live_mock: MockServer) -> None:
    """Close 4003 ends the stream for good: CLOSED, StreamAuthenticationError, no secret shown."""
    stream = connecttrade.BrokerageStream(
        live_mock.brokerage_stream_url, client_id="demo-client", client_secret="wrong-s3cret"
    )
    states = _states(stream)
    async with stream:
        with pytest.raises(connecttrade.StreamAuthenticationError) as caught:
            await stream.wait_live(10)
    assert caught.value.close_code == 4003
    assert "wrong-s3cret" not in str(caught.value)
    assert "wrong-s3cret" not in repr(stream)
    assert stream.state is connecttrade.StreamState.CLOSED
    assert states[-1].error is caught.value
    assert all(s.state is not connecttrade.StreamState.RECONNECTING for s in states)


@pytest.mark.anyio
async def test_a_newer_session_replaces_the_older_one(live_mock: MockServer) -> None:
    """Two streams with one credential pair: the older ends with SessionReplacedError."""
    async with async_client(live_mock, demo_login(live_mock)) as ct:
        first = connecttrade.BrokerageStream.from_client(ct, backoff=FAST)
        second = connecttrade.BrokerageStream.from_client(ct, backoff=FAST)
        async with first:
            await first.wait_live(10)
            async with second:
                with pytest.raises(connecttrade.SessionReplacedError):
                    await first.wait_closed()
                await second.wait_live(10)
                assert second.state is connecttrade.StreamState.LIVE
            assert first.error is not None
            assert first.error.close_code == 4008


@pytest.mark.anyio
async def test_revoked_token_fetches_a_new_one_and_keeps_subscriptions(
    live_mock: MockServer,
) -> None:
    """A token issued elsewhere closes the session (4010); the stream re-authorises at once
    and the server lists the same subscriptions again."""
    async with async_client(live_mock, demo_login(live_mock)) as ct:
        md = connecttrade.MarketDataStream.from_client(ct, "conn_demo_alpaca", backoff=FAST)
        states = _states(md)
        async with md:
            await md.subscribe_quotes(["AAPL", "MSFT"])
            await md.subscribe_bars("AAPL", "1m")
            await md.wait_live(10)
            await ct.connections.market_data_token("conn_demo_alpaca")  # revokes md's token
            await _wait_for(lambda: any(s.close_code == 4010 for s in states))
            await md.wait_live(10)
            listed = await md.list_subscriptions()
    assert {(s.channel, s.symbol) for s in listed.subscriptions} == {
        ("quotes", "AAPL"),
        ("quotes", "MSFT"),
        ("bars", "AAPL"),
    }
    reconnect = next(s for s in states if s.close_code == 4010)
    assert reconnect.retry_in == 0


@pytest.mark.anyio
async def test_token_is_renewed_before_it_expires(live_mock: MockServer) -> None:
    """When the server clock nears the token's expiry the stream renews it and carries on
    with its subscriptions; quotes keep coming after the renewal."""
    assert live_mock.control is not None
    live_mock.control.stream_settings(heartbeat_seconds=1)
    async with async_client(live_mock, demo_login(live_mock)) as ct:
        md = connecttrade.MarketDataStream.from_client(ct, "conn_demo_alpaca", backoff=FAST)
        async with md:
            await md.subscribe_quotes("ZVZZT")
            await md.wait_live(10)
            first_expiry = md.token_expires_at
            live_mock.control.advance(22 * 3600 + 1800)  # 22.5 h of the 24 h life
            await _wait_for(lambda: md.token_renewals == 1)
            await md.wait_live(10)
            assert md.token_expires_at is not None
            assert first_expiry is not None
            assert md.token_expires_at > first_expiry
            queue = md.events()
            event = await asyncio.wait_for(_next_of(queue, connecttrade.Quote), 10)
    assert event.symbol == "ZVZZT"


@pytest.mark.anyio
async def test_market_data_feeds_the_cache_and_local_book(live_mock: MockServer) -> None:
    """Quotes, bars and depth from the stream land in a MarketCache with a usable book."""
    cache = connecttrade.MarketCache()
    async with async_client(live_mock, demo_login(live_mock)) as ct:
        md = connecttrade.MarketDataStream.from_client(ct, "conn_demo_alpaca", backoff=FAST)
        md.add_listener(cache.apply)
        async with md:
            await md.subscribe_quotes("AAPL")
            await md.subscribe_depth("AAPL", levels=3)
            await md.subscribe_bars("AAPL", "1m", backfill=5)
            # A subscribe returns on the server's answer; the data follows it.
            await _wait_for(
                lambda: (
                    cache.book("AAPL") is not None
                    and cache.quote("AAPL") is not None
                    and len(cache.bars("AAPL", "1m")) >= 5
                )
            )
    book = cache.book("AAPL")
    assert book is not None
    assert book.best_bid is not None
    assert book.best_ask is not None
    assert book.best_bid.price < book.best_ask.price
    assert len(book.bids) == 3
    assert len(cache.bars("AAPL", "1m")) >= 5


@pytest.mark.anyio
async def test_slow_consumer_memory_is_bounded_and_reading_resumes(live_mock: MockServer) -> None:
    """An iterator nobody reads holds at most max_pending events (the stream stops reading
    the socket); once the reader catches up, fresh events flow again."""
    assert live_mock.control is not None
    live_mock.control.stream_settings(market_data_interval_ms=5)
    async with async_client(live_mock, demo_login(live_mock)) as ct:
        md = connecttrade.MarketDataStream.from_client(ct, "conn_demo_alpaca", backoff=FAST)
        queue = md.events(max_pending=10)
        async with md:
            await md.subscribe_quotes(["AAPL", "MSFT", "SPY"])
            await _wait_for(lambda: len(queue) == 10)
            await asyncio.sleep(0.5)  # plenty of pushes later, still bounded
            assert len(queue) == 10
            drained = [await queue.get() for _ in range(10)]
            fresh = await asyncio.wait_for(_next_of(queue, connecttrade.Quote), 10)
    assert len(drained) == 10
    assert fresh.symbol in {"AAPL", "MSFT", "SPY"}


@pytest.mark.anyio
async def test_tracked_handle_waits_on_pushed_updates(live_mock: MockServer) -> None:
    """With a live view tracking it, wait() returns on pushed updates; its hour-long poll
    interval is never slept."""
    async with (
        async_client(live_mock, demo_login(live_mock)) as ct,
        connecttrade.LiveAccountView.from_client(ct, backoff=FAST) as view,
    ):
        await view.wait_synced(10)
        handle = view.track(
            await ct.orders.place(
                connecttrade.market("ZWZZT", 3, side="BUY"), account_id="acc_demo_margin"
            )
        )
        order = await asyncio.wait_for(handle.wait(timeout=30, poll_interval=3600), 30)
        assert order.status is connecttrade.OrderStatus.FILLED
        assert order.filled_qty == 3
        held = view.order(order.order_id)
        assert held is not None
        assert held.version == order.version


@pytest.mark.anyio
async def test_sync_stream_works_inside_a_running_event_loop(live_mock: MockServer) -> None:
    """Called from a coroutine (as in Jupyter), the sync stream blocks on its own loop:
    events arrive, iteration with a timeout ends, close is clean and final."""
    with (
        sync_client(live_mock, demo_login(live_mock)) as ct,
        connecttrade.SyncBrokerageStream.from_client(ct, backoff=FAST) as stream,
    ):
        stream.wait_live(10)
        placed = ct.orders.place(
            connecttrade.market("ZVZZT", 1, side="BUY"), account_id="acc_demo_cash"
        )
        seen = [e for e in stream.iter(timeout=1) if isinstance(e, connecttrade.OrderUpdate)]
        with pytest.raises(TimeoutError):
            stream.get(timeout=0.05)
    assert placed.order.order_id in {e.order.order_id for e in seen}
    assert stream.state is connecttrade.StreamState.CLOSED
    with pytest.raises(connecttrade.StreamStateError):
        stream.subscribe("orders")


@pytest.mark.anyio
async def test_sync_view_pushes_updates_into_a_sync_handle(live_mock: MockServer) -> None:
    """A sync view's tracked handle is woken by pushes (its hour-long poll never runs) and
    the view's reads show the fill."""
    with (
        sync_client(live_mock, demo_login(live_mock)) as ct,
        connecttrade.SyncAccountView(ct, backoff=FAST) as view,
    ):
        view.wait_synced(10)
        handle = view.track(
            ct.orders.place(connecttrade.market("ZWZZT", 3, side="BUY"), account_id="acc_demo_cash")
        )
        order = handle.wait(timeout=20, poll_interval=3600)
        assert order.status is connecttrade.OrderStatus.FILLED
        held = view.order(order.order_id)
        assert held is not None
        assert held.version == order.version
        deadline = time.monotonic() + 10
        while not any(p.symbol == "ZWZZT" for p in view.positions("acc_demo_cash")):
            assert time.monotonic() < deadline, "the fill's position never reached the view"
            time.sleep(0.02)
    assert view.stream_state is connecttrade.StreamState.CLOSED


@pytest.mark.anyio
async def test_calls_in_the_wrong_state_raise(live_mock: MockServer) -> None:
    """Starting twice, subscribing after close and snapshots before live are refused."""
    async with async_client(live_mock, demo_login(live_mock)) as ct:
        md = connecttrade.MarketDataStream.from_client(ct, "conn_demo_alpaca")
        now = dt.datetime.now(dt.UTC)
        with pytest.raises(connecttrade.StreamStateError):
            await md.snapshot("AAPL", "1m", now - dt.timedelta(hours=1), now)
        await md.start()
        with pytest.raises(connecttrade.StreamStateError):
            await md.start()
        await md.close()
        with pytest.raises(connecttrade.StreamStateError):
            await md.subscribe_quotes("AAPL")
        with pytest.raises(connecttrade.StreamStateError):
            md.events()


async def _wait_for(condition: object, timeout: float = 15) -> None:
    assert callable(condition)
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


async def _next_of(
    queue: AsyncIterator[connecttrade.MarketDataEvent], kind: type[connecttrade.Quote]
) -> connecttrade.Quote:
    async for event in queue:
        if isinstance(event, kind):
            return event
    raise AssertionError("the stream ended")


@pytest.mark.anyio
async def test_the_view_follows_a_server_restart_whose_versions_start_over(
    live_mock: MockServer,
) -> None:
    """After the mock is reset (1012, versions start over), the view equals REST again:
    the pre-reset orders are gone and the new, lower-versioned ones are held."""
    assert live_mock.control is not None
    async with async_client(live_mock, demo_login(live_mock)) as ct:
        stream = connecttrade.BrokerageStream.from_client(ct, backoff=FAST)
        async with connecttrade.LiveAccountView(stream, [ct], owns_stream=True) as view:
            await view.wait_synced(timeout=10)
            for _ in range(3):
                await ct.orders.place(
                    connecttrade.market("ZAZZT", 1, side="BUY"), account_id="acc_demo_cash"
                )
            await _wait_for(lambda: len(view.orders(open_only=True)) == 3)
            before = view.syncs
            live_mock.control.reset(7)
            await _wait_for(lambda: view.syncs > before and view.synced)
            handle = await ct.orders.place(
                connecttrade.market("ZAZZT", 2, side="BUY"), account_id="acc_demo_cash"
            )
            await _wait_for(lambda: view.order(handle.order.order_id) is not None)
            rest = {o.order_id: o for o in [o async for o in ct.orders.list(status="all")]}
            assert {o.order_id: o for o in view.orders()} == rest
            held = view.balance("acc_demo_cash")
            (balance,) = await ct.balances.list("acc_demo_cash")
            assert held is not None
            assert (held.version, held.cash, held.open_orders_reserved) == (
                balance.version,
                balance.cash,
                balance.open_orders_reserved,
            )
