"""AlertMonitor.poll against the mock broker: real rejections, partial fills and margin."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from connecttrade import Client, market
from connecttrade.agent.alerts import Alert, AlertKind, AlertMonitor, MarginThresholds
from connecttrade_mock.pytest_plugin import MockBrokerFixture

from .demo_clients import async_sdk_client

MARGIN, CASH = "acc_demo_margin", "acc_demo_cash"


def test_poll_alerts_on_rejections_and_partial_fills_once(
    client: Client, mock_broker: MockBrokerFixture
) -> None:
    """A rejected order (ZXZZT) and a partly filled one (ZWZZT) each alert once over
    repeated polls, also after the partial order goes on filling; a filled one never does."""
    received: list[Alert] = []
    monitor = AlertMonitor(callbacks=[received.append])
    client.orders.place(market("ZXZZT", 5, side="BUY"), account_id=MARGIN)
    partial = client.orders.place(market("ZWZZT", 30, side="BUY"), account_id=MARGIN)
    client.orders.place(market("ZVZZT", 5, side="BUY"), account_id=MARGIN)
    first = monitor.poll(client, [MARGIN])
    mock_broker.control.advance(1)
    second = monitor.poll(client, [MARGIN])
    mock_broker.control.advance(5)
    third = monitor.poll(client, [MARGIN])
    assert sorted(a.kind for a in first) == [AlertKind.ORDER_REJECTED, AlertKind.PARTIAL_FILL]
    assert second == []
    assert third == []
    assert client.orders.get(MARGIN, partial.order.order_id).status == "filled"
    by_kind = {a.kind: a for a in received}
    assert by_kind[AlertKind.ORDER_REJECTED].symbol == "ZXZZT"
    assert by_kind[AlertKind.PARTIAL_FILL].order_id == partial.order.order_id
    assert by_kind[AlertKind.PARTIAL_FILL].details["filled_qty"] == "10"


def test_poll_alerts_when_buying_power_drops_past_threshold_and_floor(
    client: Client, mock_broker: MockBrokerFixture
) -> None:
    """Withdrawing most of the cash account's cash moves buying power past the 10% threshold
    and below the floor: both alerts, for that account only, from polling every account."""
    monitor = AlertMonitor(
        thresholds=MarginThresholds(change_percent=Decimal(10), buying_power_floor=Decimal(1000))
    )
    assert monitor.poll(client) == []
    [cash_balance] = client.balances.list(account_id=CASH)
    mock_broker.control.move_cash(CASH, -(cash_balance.cash - Decimal(500)))
    alerts = monitor.poll(client)
    assert sorted(a.kind for a in alerts) == [
        AlertKind.BUYING_POWER_FLOOR,
        AlertKind.MARGIN_CHANGE,
    ]
    assert {a.account_id for a in alerts} == {CASH}
    assert monitor.poll(client) == []


def test_poll_async_matches_poll(mock_broker: MockBrokerFixture, client: Client) -> None:
    """The async poll sees the same rejection through an AsyncClient."""
    client.orders.place(market("ZXZZT", 1, side="BUY"), account_id=CASH)
    monitor = AlertMonitor()

    async def run() -> list[Alert]:
        async with async_sdk_client(mock_broker) as sdk:
            return await monitor.poll_async(sdk, [CASH])

    alerts = asyncio.run(run())
    assert [(a.kind, a.account_id) for a in alerts] == [(AlertKind.ORDER_REJECTED, CASH)]
