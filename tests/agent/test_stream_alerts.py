"""AlertMonitor fed by the streams: outages, rejections, partial fills and margin, pushed.

Every test runs against the real mock over loopback; nothing calls ``monitor.poll``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest

import connecttrade
from connecttrade.agent import Alert, AlertKind, AlertMonitor, MarginThresholds, StreamAlerts
from connecttrade.agent.alerts.stream import AlertSource
from connecttrade_mock.pytest_plugin import MockBrokerFixture

from .demo_clients import async_sdk_client
from .guard_env import MARGIN
from .stream_glue_support import AlertInbox, eventually, fixed_backoff


@pytest.fixture
def inbox() -> AlertInbox:
    return AlertInbox()


@dataclass
class Source:
    """A stream or view to attach to, and how a test sees it reconnect and stops it."""

    value: AlertSource
    stream: str  # the control API's name of its stream
    lives: Callable[[], int]  # how many times it has gone live
    close: Callable[[], None]


def brokerage_stream(client: connecttrade.Client, backoff: connecttrade.Backoff) -> Source:
    stream = connecttrade.SyncBrokerageStream.from_client(client, backoff=backoff)
    return Source(stream, "brokerage", lambda: stream.connects, stream.close)


def market_data_stream(client: connecttrade.Client, backoff: connecttrade.Backoff) -> Source:
    stream = connecttrade.SyncMarketDataStream.from_client(
        client, "conn_demo_alpaca", backoff=backoff
    )
    return Source(stream, "market_data", lambda: stream.connects, stream.close)


def account_view(client: connecttrade.Client, backoff: connecttrade.Backoff) -> Source:
    view = connecttrade.SyncAccountView(client, backoff=backoff)
    return Source(view, "brokerage", lambda: view.syncs, view.close)


SOURCES = [
    pytest.param(brokerage_stream, id="brokerage-stream"),
    pytest.param(market_data_stream, id="market-data-stream"),
    pytest.param(account_view, id="account-view"),
]
ORDER_SOURCES = [
    pytest.param(brokerage_stream, id="brokerage-stream"),
    pytest.param(account_view, id="account-view"),
]
MakeSource = Callable[[connecttrade.Client, connecttrade.Backoff], Source]


@pytest.mark.parametrize("make", SOURCES)
def test_a_drop_alerts_once_per_outage_and_going_live_ends_it(
    mock_broker: MockBrokerFixture, client: connecttrade.Client, inbox: AlertInbox, make: MakeSource
) -> None:
    """A dropped stream alerts once although it passes through reconnecting, connecting
    and authenticating on its way back; live again ends the outage, so the next drop
    alerts again; closing the stream on purpose is no outage."""
    source = make(client, fixed_backoff(0.2))

    def live_times(count: int) -> Callable[[], bool]:
        return lambda: source.lives() == count

    try:
        with StreamAlerts(AlertMonitor(callbacks=[inbox]), source.value) as alerts:
            eventually(live_times(1), "live")
            for outage in (1, 2):
                assert mock_broker.control.drop_streams(source.stream, code=1011) == 1
                eventually(live_times(outage + 1), f"live after drop {outage}")
                assert len(inbox.of(AlertKind.STREAM_DISCONNECTED)) == outage
            first = inbox.of(AlertKind.STREAM_DISCONNECTED)[0]
            assert first.details["stream"] == alerts.name == source.stream
            assert (first.details["old_state"], first.details["new_state"]) == (
                "live",
                "reconnecting",
            )
            assert "1011" in (first.details["reason"] or "")
            source.close()
            assert len(inbox.of(AlertKind.STREAM_DISCONNECTED)) == 2
    finally:
        source.close()


def test_a_stream_stopped_for_good_by_the_server_alerts(
    client: connecttrade.Client, inbox: AlertInbox
) -> None:
    """A session replaced by a newer one (4008) stops the stream for good, and that is
    an outage: it alerts, naming the stream and the reason."""
    first = connecttrade.SyncBrokerageStream.from_client(client)
    second: connecttrade.SyncBrokerageStream | None = None
    try:
        with StreamAlerts(AlertMonitor(callbacks=[inbox]), first, name="desk-a"):
            first.wait_live(timeout=10)
            second = connecttrade.SyncBrokerageStream.from_client(client)
            [alert] = inbox.wait_for(AlertKind.STREAM_DISCONNECTED)
            assert alert.details["stream"] == "desk-a"
            assert alert.details["new_state"] == "closed"
            assert isinstance(first.error, connecttrade.SessionReplacedError)
    finally:
        first.close()
        if second is not None:
            second.close()


@pytest.mark.parametrize("make", ORDER_SOURCES)
def test_a_rejection_and_a_partial_fill_arrive_as_alerts(
    mock_broker: MockBrokerFixture, client: connecttrade.Client, inbox: AlertInbox, make: MakeSource
) -> None:
    """A ZXZZT order the broker rejects and a ZWZZT order that fills in parts alert as
    the stream pushes them, once each, however many fills follow."""
    source = make(client, connecttrade.Backoff())
    done = threading.Event()
    try:
        with StreamAlerts(AlertMonitor(callbacks=[inbox]), source.value):
            eventually(lambda: source.lives() == 1, "live")
            if isinstance(source.value, connecttrade.SyncAccountView):
                source.value.wait_synced(timeout=10)
            rejected = client.orders.place(
                connecttrade.market("ZXZZT", 5, side="BUY"), account_id=MARGIN
            )
            partial = client.orders.place(
                connecttrade.market("ZWZZT", 20, side="BUY"), account_id=MARGIN
            )
            [rejection] = inbox.wait_for(AlertKind.ORDER_REJECTED)
            [partly] = inbox.wait_for(AlertKind.PARTIAL_FILL)
            assert (rejection.order_id, rejection.symbol) == (rejected.order.order_id, "ZXZZT")
            assert (partly.order_id, partly.symbol) == (partial.order.order_id, "ZWZZT")
            assert Decimal(partly.details["filled_qty"] or "0") > 0

            # Registered after the alerts, this listener sees the fill once they have.
            def on_event(event: object) -> None:
                order = getattr(event, "order", None) or getattr(event, "value", None)
                if (
                    isinstance(order, connecttrade.Order)
                    and order.order_id == partial.order.order_id
                    and order.status == connecttrade.OrderStatus.FILLED
                ):
                    done.set()

            listen = (
                source.value.on_change
                if isinstance(source.value, connecttrade.SyncAccountView)
                else source.value.add_listener  # type: ignore[union-attr]
            )
            listen(on_event)
            for _ in range(10):
                mock_broker.control.advance(30)
                if done.wait(1):
                    break
            assert done.is_set()
            assert len(inbox.of(AlertKind.PARTIAL_FILL)) == 1
            assert len(inbox.of(AlertKind.ORDER_REJECTED)) == 1
    finally:
        source.close()


def test_a_margin_move_past_the_threshold_alerts(
    mock_broker: MockBrokerFixture, client: connecttrade.Client, inbox: AlertInbox
) -> None:
    """With the view's first balance as the baseline, a cash move that takes buying power
    down by more than the threshold and below the floor alerts once each; a small move
    after it does not."""
    monitor = AlertMonitor(
        callbacks=[inbox],
        thresholds=MarginThresholds(
            change_percent=Decimal(2), buying_power_floor=Decimal(1_950_000)
        ),
    )

    def margin_alerts(kind: AlertKind) -> list[Alert]:
        found = [a for a in inbox.of(kind) if a.account_id == MARGIN]
        return [a for a in found if a.details.get("field", "buying_power") == "buying_power"]

    with connecttrade.SyncAccountView(client) as view, StreamAlerts(monitor, view):
        view.wait_synced(timeout=10)
        before = view.balance(MARGIN)
        assert before is not None
        assert before.buying_power > Decimal(1_950_000)
        mock_broker.control.move_cash(MARGIN, "-50000")
        eventually(lambda: len(margin_alerts(AlertKind.BUYING_POWER_FLOOR)) == 1, "floor alert")
        after = view.balance(MARGIN)
        assert after is not None
        [move] = margin_alerts(AlertKind.MARGIN_CHANGE)
        assert move.details["before"] == str(before.buying_power)
        assert move.details["after"] == str(after.buying_power)

        mock_broker.control.move_cash(MARGIN, "-10")
        eventually(lambda: view.balance(MARGIN) != after, "the small move arrived")
        assert margin_alerts(AlertKind.MARGIN_CHANGE) == [move]
        assert len(margin_alerts(AlertKind.BUYING_POWER_FLOOR)) == 1


def test_a_rejection_during_an_outage_alerts_after_the_resync(
    mock_broker: MockBrokerFixture, client: connecttrade.Client, inbox: AlertInbox
) -> None:
    """An order rejected while the view's stream is down alerts once the stream is back,
    from the view's REST resync (the stream never pushed it)."""
    sources: list[str] = []
    with (
        connecttrade.SyncAccountView(client, backoff=fixed_backoff(1.5)) as view,
        StreamAlerts(AlertMonitor(callbacks=[inbox]), view),
    ):
        view.wait_synced(timeout=10)
        assert mock_broker.control.drop_streams("brokerage") == 1
        eventually(lambda: view.stream_state is connecttrade.StreamState.RECONNECTING, "down")
        rejected = client.orders.place(
            connecttrade.market("ZXZZT", 5, side="BUY"), account_id=MARGIN
        )
        view.on_change(
            lambda change: (
                sources.append(change.source) if change.key == rejected.order.order_id else None
            )
        )
        [alert] = inbox.wait_for(AlertKind.ORDER_REJECTED)
        assert alert.order_id == rejected.order.order_id
        assert sources == ["snapshot"]


def test_detach_stops_the_alerts(
    mock_broker: MockBrokerFixture, client: connecttrade.Client, inbox: AlertInbox
) -> None:
    """After ``detach`` the stream still delivers the rejection but the monitor hears
    nothing; detaching twice is harmless."""
    seen = threading.Event()
    with connecttrade.SyncBrokerageStream.from_client(client) as stream:
        alerts = StreamAlerts(AlertMonitor(callbacks=[inbox]), stream)
        stream.wait_live(timeout=10)
        alerts.detach()
        alerts.detach()
        assert not alerts.attached
        stream.add_listener(
            lambda event: (
                seen.set()
                if isinstance(event, connecttrade.OrderUpdate) and event.order.is_rejected
                else None
            )
        )
        client.orders.place(connecttrade.market("ZXZZT", 5, side="BUY"), account_id=MARGIN)
        assert seen.wait(10)
        mock_broker.control.drop_streams("brokerage")
        eventually(lambda: stream.connects == 2, "reconnected")
    assert inbox.of(AlertKind.ORDER_REJECTED) == []
    assert inbox.of(AlertKind.STREAM_DISCONNECTED) == []


@pytest.mark.anyio
async def test_an_async_live_view_feeds_the_monitor(
    mock_broker: MockBrokerFixture, inbox: AlertInbox
) -> None:
    """Attached to an async live account view, a rejection alerts on the event loop."""
    async with async_sdk_client(mock_broker) as act:
        view = connecttrade.LiveAccountView.from_client(act)
        async with view:
            with StreamAlerts(AlertMonitor(callbacks=[inbox]), view) as alerts:
                await view.wait_synced(timeout=10)
                rejected = await act.orders.place(
                    connecttrade.market("ZXZZT", 5, side="BUY"), account_id=MARGIN
                )
                for _ in range(500):
                    if inbox.of(AlertKind.ORDER_REJECTED):
                        break
                    await asyncio.sleep(0.02)
                [alert] = inbox.of(AlertKind.ORDER_REJECTED)
                assert alert.order_id == rejected.order.order_id
            assert not alerts.attached


@pytest.mark.parametrize(
    ("monitor", "source", "message"),
    [
        (AlertMonitor(), object(), "source"),
        (object(), None, "monitor"),
    ],
    ids=["not-a-stream", "not-a-monitor"],
)
def test_attaching_to_something_else_is_a_type_error(
    monitor: object, source: object, message: str
) -> None:
    """Anything but a monitor and a stream or view is refused with a ``TypeError``."""
    with pytest.raises(TypeError, match=message):
        StreamAlerts(monitor, source)  # type: ignore[arg-type]
