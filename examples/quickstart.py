"""Quickstart: start the mock broker on a loopback port and trade through the SDK.

Run it with ``nox -s demo`` (installs everything first). It prints what happens at each
step: accounts and balances, a market order that fills, a resting limit order that is
cancelled, a rejected order, a multi-leg option spread, positions and P&L.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import connecttrade as ct
from connecttrade.types import strategies
from connecttrade_mock.simulator import Settings
from connecttrade_mock.testing import MockServer


def show(title: str) -> None:
    print(f"\n== {title}")


def main() -> None:
    with MockServer(Settings(seed=42)) as mock:
        print(f"mock broker listening on {mock.base_url}")
        with ct.Client(
            base_url=mock.base_url,
            client_id="demo-client",
            client_secret="demo-secret",
            user_id="demo-user",
            user_secret="demo-user-secret",
        ) as client:
            show("accounts and balances")
            for account in client.accounts.list():
                balance = client.balances.list(account_id=account.account_id)[0]
                print(
                    f"{account.account_id:<16} {account.broker!s:<8} {account.account_type!s:<6} "
                    f"cash={balance.cash} buying_power={balance.buying_power}"
                )

            show("market order: buy 10 AAPL")
            handle = client.orders.place(
                ct.market("AAPL", 10, side="BUY"), account_id="acc_demo_margin"
            )
            order = handle.wait(timeout=10)
            print(f"{order.order_id} {order.status}: {order.filled_qty} @ {order.avg_fill_price}")
            for fill in order.fills:
                print(f"  fill {fill.fill_id}: {fill.quantity} @ {fill.price} at {fill.time}")

            show("limit order that rests (scenario symbol ZAZZT never fills), then cancel")
            resting = client.orders.place(
                ct.limit("ZAZZT", 100, Decimal("9.95"), side="BUY", tif="GTC"),
                account_id="acc_demo_cash",
            )
            print(f"{resting.order.order_id} {resting.order.status}")
            resting.cancel()
            print(f"after cancel: {resting.wait(timeout=10).status}")

            show("an order the broker rejects: short sale in a cash account")
            rejected = client.orders.place(
                ct.market("MSFT", 5, side="SELL_SHORT"), account_id="acc_demo_cash"
            )
            print(f"{rejected.order.status}: {rejected.order.reject_reason}")

            show("multi-leg: a SPY bull call spread, bought at the market")
            spy = client.orders.place(ct.market("SPY", 1, side="BUY"), account_id="acc_demo_margin")
            price = spy.wait(timeout=10).avg_fill_price or Decimal(600)
            low = (price / 5).quantize(Decimal(1)) * 5
            # February's monthly expiry (its third Friday), six weeks after the mock's start.
            expiry = dt.date(2026, 2, 20)
            long_call = ct.OptionSymbol.build("SPY", expiry, ct.OptionRight.CALL, low)
            short_call = ct.OptionSymbol.build("SPY", expiry, ct.OptionRight.CALL, low + 10)
            spread = client.orders.place(
                strategies.bull_call_spread(long_call, short_call, qty=1),
                account_id="acc_demo_margin",
            ).wait(timeout=10)
            print(f"{spread.status} at net {spread.avg_fill_price} per spread; legs:")
            for leg in spread.legs:
                print(f"  {leg.action} {leg.ratio} x {leg.symbol}")

            show("positions and P&L")
            for position in client.positions.list():
                print(
                    f"{position.symbol:<20} qty={position.quantity} avg={position.avg_price} "
                    f"last={position.last_price} unrealized={position.unrealized_pl}"
                )
            print(f"total unrealized P&L: {client.portfolio.total_unrealized_pl()}")
            summary = client.portfolio.daily_summary("acc_demo_margin")
            print(f"daily summary: cash={summary.cash} daily P&L={summary.total_daily_pl}")

            show("transactions of the margin account")
            for txn in client.transactions.list(account_id="acc_demo_margin"):
                print(f"{txn.time:%H:%M:%S} {txn.type!s:<8} {txn.amount:>12} {txn.description}")


if __name__ == "__main__":
    main()
