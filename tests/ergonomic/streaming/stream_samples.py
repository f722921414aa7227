"""Wire samples of stream frames and REST entities, shared by the stream tests."""

from __future__ import annotations

import json
from typing import Any

ORDER: dict[str, Any] = {
    "order_id": "ord_1",
    "account_id": "acc_1",
    "cl_order_id": "ct-1",
    "broker": "ALPACA",
    "instrument": "STK",
    "symbol": "AAPL",
    "side": "BUY",
    "order_type": "LMT",
    "order_tif": "DAY",
    "order_qty": "10",
    "order_notional": None,
    "order_limit_price": "171.25",
    "stop_price": None,
    "legs": [],
    "status": "accepted",
    "broker_status": "accepted",
    "reject_reason": None,
    "filled_qty": "0",
    "remaining_qty": "10",
    "avg_fill_price": None,
    "fills": [],
    "created_at": "2026-11-20T15:04:04+00:00",
    "updated_at": "2026-11-20T15:04:05+00:00",
    "replaces_order_id": None,
    "replaced_by_order_id": None,
    "version": "1",
}

POSITION: dict[str, Any] = {
    "account_id": "acc_1",
    "symbol": "AAPL",
    "instrument": "STK",
    "quantity": "25",
    "avg_price": "166.78",
    "cost_basis": "4169.50",
    "multiplier": "1",
    "last_price": "171.20",
    "market_value": "4280.00",
    "unrealized_pl": "110.50",
    "realized_pl": "0",
    "daily_pl": "32.75",
    "total_pl": "110.50",
    "version": "1",
}

BALANCE: dict[str, Any] = {
    "account_id": "acc_1",
    "account_number": "PA3X8K2M1Q",
    "broker": "ALPACA",
    "account_type": "margin",
    "currency": "USD",
    "cash": "98250.75",
    "buying_power": "192311.50",
    "equity": "101420.25",
    "long_market_value": "4169.50",
    "short_market_value": "1000.00",
    "margin_used": "2084.75",
    "open_orders_reserved": "512.00",
    "maintenance_margin": "1042.38",
    "collateral": "2084.75",
    "realized_pl": "35.10",
    "daily_pl": "120.40",
    "version": "1",
}

TIME = "2026-11-20T15:04:05+00:00"


def order_body(version: int, **changes: Any) -> dict[str, Any]:
    """The sample order at ``version`` with ``changes`` applied."""
    return {**ORDER, "version": str(version), **changes}


def order_update(seq: int, version: int, user_id: str = "u1", **changes: Any) -> str:
    """An ``order_update`` frame as the server sends it."""
    body = order_body(version, **changes)
    return json.dumps(
        {
            "type": "order_update",
            "seq": str(seq),
            "time": TIME,
            "user_id": user_id,
            "account_id": body["account_id"],
            "version": str(version),
            "order": body,
        }
    )


def position_update(seq: int, version: int, user_id: str = "u1", **changes: Any) -> str:
    """A ``position_update`` frame; the position inside is at ``version`` too."""
    body = {**POSITION, "version": str(version), **changes}
    return json.dumps(
        {
            "type": "position_update",
            "seq": str(seq),
            "time": TIME,
            "user_id": user_id,
            "account_id": body["account_id"],
            "version": str(version),
            "position": body,
        }
    )


def balance_update(seq: int, version: int, user_id: str = "u1", **changes: Any) -> str:
    """A ``balance_update`` frame; the balance inside is at ``version`` too."""
    body = {**BALANCE, "version": str(version), **changes}
    return json.dumps(
        {
            "type": "balance_update",
            "seq": str(seq),
            "time": TIME,
            "user_id": user_id,
            "account_id": body["account_id"],
            "version": str(version),
            "balance": body,
        }
    )
