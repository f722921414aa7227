"""Fault test against the real mock over loopback: a burst of order updates across several
accounts while the mock drops the brokerage stream again and again and stalls it silently;
afterwards the live account view must equal REST exactly."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import defaultdict
from typing import Any

import pytest

import connecttrade
from connecttrade_mock.testing import MockControl, MockServer

from .stream_support import UserLogin, async_client, demo_login, new_user

SYMBOLS = ("ZVZZT", "ZWZZT", "ZAZZT")  # fills / fills in parts / rests (then modify+cancel)
MIN_ORDERS_PER_WORKER = 45
WORKERS_PER_CLIENT = 3
STALL_SECONDS = 5.0
STALE_AFTER = 3.0


def _live_session(control: MockControl, exclude: set[str], deadline: float) -> str:
    """Wait for a subscribed, unstalled brokerage session not in ``exclude`` (it sent
    welcome, authenticated and subscribed: the SDK is live on it)."""
    while time.monotonic() < deadline:
        for session in control.streams()["sessions"]:
            if (
                session["stream"] == "brokerage"
                and session["authenticated"]
                and session["sent"] >= 3
                and not session["stalled"]
                and session["session_id"] not in exclude
            ):
                return str(session["session_id"])
        time.sleep(0.02)
    raise AssertionError("the SDK did not reconnect to the brokerage stream in time")


def _drive_faults(control: MockControl) -> dict[str, int]:
    """Drop the live session 24 times (1011, 4009, abrupt) and stall it twice."""
    plan: list[str] = []
    for n in range(24):
        plan.append(("1011", "4009", "abrupt")[n % 3])
        if n in (7, 15):
            plan.append("stall")
    counts = {"dropped": 0, "stalled": 0}
    seen: set[str] = set()
    for step in plan:
        session = _live_session(control, seen, time.monotonic() + 20)
        seen.add(session)
        if step == "stall":
            counts["stalled"] += control.stall_streams("brokerage", STALL_SECONDS)
        elif step == "abrupt":
            counts["dropped"] += control.drop_streams("brokerage", abrupt=True)
        else:
            counts["dropped"] += control.drop_streams("brokerage", code=int(step))
        time.sleep(0.1)
    _live_session(control, seen, time.monotonic() + 20)
    return counts


async def _burst(
    client: connecttrade.AsyncClient,
    login: UserLogin,
    worker: int,
    faults_done: threading.Event,
    placed: list[str],
) -> None:
    """Place, modify and cancel small orders until the faults are over."""
    n = 0
    while n < MIN_ORDERS_PER_WORKER or not faults_done.is_set():
        account_id = login.account_ids[(n + worker) % len(login.account_ids)]
        symbol = SYMBOLS[(n + worker) % len(SYMBOLS)]
        handle = await client.orders.place(
            connecttrade.market(symbol, 1, side="BUY"), account_id=account_id
        )
        placed.append(handle.order.order_id)
        if symbol == "ZAZZT":
            replacement = await handle.modify(qty=2)
            placed.append(replacement.order.order_id)
            await replacement.cancel()
        n += 1


async def _rest_state(clients: list[connecttrade.AsyncClient]) -> dict[str, Any]:
    orders: dict[str, connecttrade.Order] = {}
    positions: dict[tuple[str, str], connecttrade.Position] = {}
    balances: dict[str, connecttrade.Balance] = {}
    for client in clients:
        async for order in client.orders.list(status="all", page_size=500):
            orders[order.order_id] = order
        positions.update({(p.account_id, p.symbol): p for p in await client.positions.list()})
        balances.update({b.account_id: b for b in await client.balances.list()})
    return {"orders": orders, "positions": positions, "balances": balances}


def _view_state(view: connecttrade.LiveAccountView) -> dict[str, Any]:
    return {
        "orders": {o.order_id: o for o in view.orders()},
        "positions": {(p.account_id, p.symbol): p for p in view.positions()},
        "balances": {b.account_id: b for b in view.balances()},
    }


def _differences(view: dict[str, Any], rest: dict[str, Any]) -> list[str]:
    """What differs between the view and REST, entity by entity (for failure messages)."""
    found: list[str] = []
    for kind in ("orders", "positions", "balances"):
        for key in sorted(set(view[kind]) | set(rest[kind]), key=str):
            mine, theirs = view[kind].get(key), rest[kind].get(key)
            if mine != theirs:
                found.append(f"{kind} {key}: view {mine!r} != rest {theirs!r}")
    return found


async def _all_orders_done(clients: list[connecttrade.AsyncClient]) -> bool:
    for client in clients:
        async for _ in client.orders.list(status="open"):
            return False
    return True


async def _settled_rest_state(
    view: connecttrade.LiveAccountView, clients: list[connecttrade.AsyncClient], deadline: float
) -> dict[str, Any]:
    """Wait for every order to finish and the view to match REST; return REST's state."""
    while not await _all_orders_done(clients):
        assert time.monotonic() < deadline, "orders did not finish"
        await asyncio.sleep(0.2)
    rest = await _rest_state(clients)
    while _view_state(view) != rest or not view.synced:
        assert time.monotonic() < deadline, _differences(_view_state(view), rest)[:5]
        await asyncio.sleep(0.2)
        rest = await _rest_state(clients)
    return rest


@pytest.mark.anyio
@pytest.mark.timeout(180)
async def test_live_view_equals_rest_after_drops_and_stalls_during_a_burst(
    live_mock: MockServer,
) -> None:
    """Through 20+ drops and 2 silent stalls during 1,000+ order updates on several
    accounts, the view ends equal to REST, each entity's versions applied strictly rising."""
    control = live_mock.control
    assert control is not None
    # A queue no burst can fill during a stall: otherwise a fast machine overflows it (4009)
    # before the SDK notices the silence, and the stall is tested as one more drop.
    control.stream_settings(heartbeat_seconds=1, queue_limit=1_000_000)
    logins = [
        demo_login(live_mock),
        new_user(live_mock, "fault-user-1"),
        new_user(live_mock, "fault-user-2", ("ALPACA", "TRADIER")),
    ]
    clients = [async_client(live_mock, login) for login in logins]
    stream = connecttrade.BrokerageStream.from_client(
        clients[0],
        stale_after=STALE_AFTER,
        backoff=connecttrade.Backoff(base=0.05, cap=0.5, stable_after=2.0),
    )
    view = connecttrade.LiveAccountView(stream, clients, owns_stream=True)
    applied: dict[tuple[str, str, str], list[int]] = defaultdict(list)

    def record(change: connecttrade.AccountChange) -> None:
        if change.version is not None:
            applied[(change.kind, change.account_id, change.key)].append(change.version)

    view.on_change(record)
    reasons: list[str] = []
    stream.add_listener(
        lambda e: (
            reasons.append(e.reason)
            if isinstance(e, connecttrade.StateChanged)
            and e.state is connecttrade.StreamState.RECONNECTING
            else None
        )
    )
    try:
        await view.start()
        await view.wait_synced(15)
        faults_done = threading.Event()
        placed: list[str] = []

        async def faults() -> dict[str, int]:
            try:
                return await asyncio.to_thread(_drive_faults, control)
            finally:
                faults_done.set()

        driver = asyncio.create_task(faults())
        await asyncio.gather(
            *(
                _burst(client, login, worker, faults_done, placed)
                for client, login in zip(clients, logins, strict=True)
                for worker in range(WORKERS_PER_CLIENT)
            )
        )
        counts = await driver
        assert counts["dropped"] >= 20
        assert counts["stalled"] >= 2
        assert sum("went silent" in r for r in reasons) >= 2

        rest = await _settled_rest_state(view, clients, time.monotonic() + 30)
        burst_updates = sum(rest["orders"][order_id].version for order_id in placed)
        assert burst_updates >= 1_000
        assert len({o.account_id for o in rest["orders"].values()}) >= 4
        # Every drop and stall hit a live session and ended in a new one (and a resync).
        assert len(reasons) >= counts["dropped"] + counts["stalled"]
        assert stream.connects >= 1 + counts["dropped"] + counts["stalled"]
        assert view.syncs >= 1
        for key, versions in applied.items():
            assert versions == sorted(set(versions)), f"{key} applied out of order: {versions}"
    finally:
        await view.close()
        for client in clients:
            await client.aclose()
