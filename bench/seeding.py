"""Real orders on the books, placed in-process through the engine's own admission path.

``Engine.place`` is what ``POST /orders`` calls once a request is authenticated and
validated, so seeded orders are ordinary orders: in the store, in every index, reserving
buying power. They are small GTC limit buys spread over four symbols, priced 6% under the
touch so that they rest (and stay inside each symbol's circuit band).
"""

from __future__ import annotations

from decimal import Decimal

from connecttrade_mock.simulator import DEMO, Simulator

__all__ = ["SEED_SYMBOLS", "seed_orders"]

SEED_SYMBOLS = ("AAPL", "MSFT", "SPY", "QQQ")
_BELOW_TOUCH = Decimal("0.94")


def seed_orders(sim: Simulator, count: int, *, first: int = 0) -> None:
    """Place ``count`` resting limit orders for the demo user (ids ``seed-<n>``)."""
    user = (DEMO.client_id, DEMO.user_id)
    limits = {
        symbol: (sim.market.quote(symbol).last * _BELOW_TOUCH).quantize(Decimal("0.01"))
        for symbol in SEED_SYMBOLS
    }
    for number in range(first, first + count):
        symbol = SEED_SYMBOLS[number % len(SEED_SYMBOLS)]
        order = sim.engine.place(
            user,
            {
                "account_id": DEMO.margin_account_id,
                "cl_order_id": f"seed-{number}",
                "broker": "ALPACA",
                "symbol": symbol,
                "side": "BUY",
                "order_type": "LMT",
                "order_tif": "GTC",
                "order_qty": "0.01",
                "order_limit_price": str(limits[symbol]),
            },
        )
        if not order.is_open:
            raise RuntimeError(f"seed order {number} did not rest: {order.reject_reason}")
    sim.flush()
