"""The live account view's marks: stale between pushes when the market moves, re-marked by
refresh() and by refresh_every=, in the async view and the sync one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from decimal import Decimal

import pytest

import connecttrade
from connecttrade_mock.testing import MockServer

from .stream_support import async_client, demo_login, sync_client

FAST = connecttrade.Backoff(base=0.05, cap=0.2)
MARGIN = "acc_demo_margin"


async def _wait_for(condition: Callable[[], bool], timeout: float = 15) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


_Marks = tuple[Decimal | None, Decimal | None, Decimal, Decimal]


def _marks(view: connecttrade.LiveAccountView | connecttrade.SyncAccountView) -> _Marks:
    (position,) = [p for p in view.positions(MARGIN) if p.symbol == "AAPL"]
    balance = view.balance(MARGIN)
    assert balance is not None
    return (
        position.market_value,
        position.unrealized_pl,
        balance.buying_power,
        balance.equity,
    )


def _versions(view: connecttrade.LiveAccountView) -> tuple[int, int]:
    balance = view.balance(MARGIN)
    assert balance is not None
    return view.positions(MARGIN)[0].version, balance.version


async def _rest_marks(ct: connecttrade.AsyncClient) -> _Marks:
    (position,) = await ct.positions.list(MARGIN, symbols="AAPL")
    (balance,) = await ct.balances.list(MARGIN)
    return position.market_value, position.unrealized_pl, balance.buying_power, balance.equity


@pytest.mark.anyio
async def test_refresh_re_marks_positions_and_balances_after_the_market_moves(
    live_mock: MockServer,
) -> None:
    """The market moves without a push, so the view's marks stay as they were; refresh()
    takes REST's new market value, P&L, buying power and equity (same versions), tells the
    change listeners, and is not counted as a full sync."""
    assert live_mock.control is not None
    async with (
        async_client(live_mock, demo_login(live_mock)) as ct,
        connecttrade.LiveAccountView.from_client(ct, backoff=FAST) as view,
    ):
        await view.wait_synced(10)
        live_mock.control.set_quote("AAPL", "270.00", "270.02", "270.01")
        await (await ct.orders.place(connecttrade.market("AAPL", 10, side="BUY"), MARGIN)).wait()
        await _wait_for(lambda: any(p.symbol == "AAPL" for p in view.positions(MARGIN)))
        await view.refresh()
        before = _marks(view)
        versions = _versions(view)
        live_mock.control.set_quote("AAPL", "200.00", "200.02", "200.01")
        moved = await _rest_marks(ct)
        assert moved != before
        assert _marks(view) == before  # nothing was pushed: the marks drifted
        changes: list[connecttrade.AccountChange] = []
        view.on_change(changes.append)
        syncs = view.syncs
        await view.refresh()
        assert _marks(view) == moved
        assert view.refreshes == 2
        assert view.syncs == syncs
        assert _versions(view) == versions
        assert {(c.kind, c.key, c.source) for c in changes} == {
            ("position", "AAPL", "snapshot"),
            ("balance", MARGIN, "snapshot"),
        }


@pytest.mark.anyio
async def test_refresh_every_re_marks_without_being_asked(live_mock: MockServer) -> None:
    """With refresh_every=0.2 the view takes the moved marks on its own within a second."""
    assert live_mock.control is not None
    async with async_client(live_mock, demo_login(live_mock)) as ct:
        live_mock.control.set_quote("AAPL", "270.00", "270.02", "270.01")
        await (await ct.orders.place(connecttrade.market("AAPL", 10, side="BUY"), MARGIN)).wait()
        async with connecttrade.LiveAccountView.from_client(
            ct, backoff=FAST, refresh_every=0.2
        ) as view:
            await view.wait_synced(10)
            live_mock.control.set_quote("AAPL", "150.00", "150.02", "150.01")
            moved = await _rest_marks(ct)
            await _wait_for(lambda: _marks(view) == moved, timeout=5)
            assert view.refreshes >= 1
        task = view._refresh_task  # closing the view stopped the periodic refresh
        assert task is None or task.done()


def test_sync_view_refresh_and_refresh_every(live_mock: MockServer) -> None:
    """SyncAccountView.refresh() blocks until the marks are REST's; refresh_every= works
    through the sync view too."""
    assert live_mock.control is not None
    with sync_client(live_mock, demo_login(live_mock)) as ct:
        live_mock.control.set_quote("AAPL", "270.00", "270.02", "270.01")
        ct.orders.place(connecttrade.market("AAPL", 10, side="BUY"), MARGIN).wait()
        with connecttrade.SyncAccountView(ct, backoff=FAST) as view:
            view.wait_synced(10)
            live_mock.control.set_quote("AAPL", "180.00", "180.02", "180.01")
            (position,) = ct.positions.list(MARGIN, symbols="AAPL")
            assert _marks(view)[0] != position.market_value
            view.refresh(timeout=10)
            assert _marks(view)[0] == position.market_value
            assert view.refreshes == 1
        with connecttrade.SyncAccountView(ct, backoff=FAST, refresh_every=0.2) as view:
            view.wait_synced(10)
            live_mock.control.set_quote("AAPL", "190.00", "190.02", "190.01")
            (position,) = ct.positions.list(MARGIN, symbols="AAPL")
            deadline = time.monotonic() + 5
            while _marks(view)[0] != position.market_value:
                assert time.monotonic() < deadline, "refresh_every never re-marked the view"
                time.sleep(0.02)


@pytest.mark.parametrize("every", [0, -1.0, float("nan")], ids=["zero", "negative", "nan"])
def test_refresh_every_must_be_positive(every: float) -> None:
    """refresh_every= of zero, below zero or NaN is refused before anything starts."""
    stream = connecttrade.BrokerageStream("ws://127.0.0.1:9/ws", client_id="c", client_secret="s")
    client = connecttrade.AsyncClient(
        base_url="http://127.0.0.1:9",
        client_id="c",
        client_secret="s",
        user_id="u",
        user_secret="us",
    )
    with pytest.raises(ValueError, match="refresh_every"):
        connecttrade.LiveAccountView(stream, [client], refresh_every=every)


@pytest.mark.anyio
async def test_a_failed_refresh_raises_and_the_view_keeps_following_the_stream(
    live_mock: MockServer,
) -> None:
    """A refresh whose REST read fails (503, retries off) raises that error; pushes are no longer
    buffered afterwards (a new order still reaches the view), the next refresh works, and
    refresh() on a closed view raises StreamStateError."""
    assert live_mock.control is not None
    c = live_mock.credentials
    async with connecttrade.AsyncClient(
        base_url=live_mock.base_url,
        client_id=c.client_id,
        client_secret=c.client_secret,
        user_id=c.user_id,
        user_secret=c.user_secret,
        max_retries=0,
    ) as ct:
        view = connecttrade.LiveAccountView.from_client(ct, backoff=FAST)
        async with view:
            await view.wait_synced(10)
            live_mock.control.faults(fail_next=2, error_status=503)
            with pytest.raises(connecttrade.InternalServerError):
                await view.refresh()
            live_mock.control.clear_faults()
            handle = await ct.orders.place(
                connecttrade.market("ZAZZT", 1, side="BUY"), account_id=MARGIN
            )
            await _wait_for(lambda: view.order(handle.order.order_id) is not None)
            await view.refresh(timeout=10)
            assert view.refreshes == 1
        with pytest.raises(connecttrade.StreamStateError):
            await view.refresh()
