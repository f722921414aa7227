"""Builders for the alert, report and MCP tests: SDK result values and audit-log lines."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from connecttrade import (
    Balance,
    Order,
    OrderSide,
    OrderStatus,
    OrderType,
    TimeInForce,
    Transaction,
    TransactionType,
)
from connecttrade.types.broker import Broker
from connecttrade.types.enums import AccountType, Instrument

T0 = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
GENESIS = "0" * 64

_ORDER = Order(
    order_id="ord_1",
    account_id="acc_demo_margin",
    cl_order_id="cl-1",
    broker=Broker.ALPACA,
    instrument=Instrument.STK,
    symbol="ZVZZT",
    side=OrderSide.BUY,
    order_type=OrderType.MKT,
    tif=TimeInForce.DAY,
    qty=Decimal(100),
    notional=None,
    limit_price=None,
    stop_price=None,
    legs=(),
    status=OrderStatus.WORKING,
    broker_status="new",
    reject_reason=None,
    filled_qty=Decimal(0),
    remaining_qty=Decimal(100),
    avg_fill_price=None,
    fills=(),
    created_at=T0,
    updated_at=T0,
    replaces_order_id=None,
    replaced_by_order_id=None,
    version=1,
)

_BALANCE = Balance(
    account_id="acc_demo_margin",
    account_number="PA-DEMO-0001",
    broker=Broker.ALPACA,
    account_type=AccountType.MARGIN,
    currency="USD",
    cash=Decimal(50000),
    buying_power=Decimal(100000),
    equity=Decimal(50000),
    long_market_value=Decimal(0),
    short_market_value=Decimal(0),
    margin_used=Decimal(10000),
    open_orders_reserved=Decimal(0),
    maintenance_margin=Decimal(0),
    collateral=None,
    realized_pl=Decimal(0),
    daily_pl=Decimal(0),
    version=1,
)


def make_order(**changes: Any) -> Order:
    """A working 100-share market buy of ZVZZT, with ``changes`` applied."""
    return replace(_ORDER, **changes)


def make_balance(**changes: Any) -> Balance:
    """A margin balance (buying power 100000, margin used 10000), with ``changes`` applied."""
    return replace(_BALANCE, **changes)


def make_fill(
    time: dt.datetime,
    symbol: str,
    side: str,
    quantity: str,
    price: str,
    *,
    account_id: str = "acc_demo_margin",
    multiplier: int = 1,
) -> Transaction:
    """A fill transaction as the broker reports it (cash out for buys, in for sells)."""
    qty, px = Decimal(quantity), Decimal(price)
    cash = qty * px * multiplier
    return Transaction(
        transaction_id=f"txn_{symbol}_{time.timestamp()}",
        account_id=account_id,
        type=TransactionType.FILL,
        time=time,
        trade_date=time.date(),
        symbol=symbol,
        side=OrderSide(side),
        quantity=qty,
        price=px,
        amount=-cash if side.startswith("BUY") else cash,
        order_id="ord_1",
        fill_id="fill_1",
        description=f"{side} {quantity} {symbol} @ {price}",
    )


def make_fee(time: dt.datetime, symbol: str, fee: str) -> Transaction:
    """A commission charged on a fill."""
    return Transaction(
        transaction_id=f"fee_{symbol}_{time.timestamp()}",
        account_id="acc_demo_margin",
        type=TransactionType.FEE,
        time=time,
        trade_date=time.date(),
        symbol=symbol,
        side=None,
        quantity=None,
        price=None,
        amount=-Decimal(fee),
        order_id="ord_1",
        fill_id="fill_1",
        description=f"Commission on {symbol}",
    )


def _canonical(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def audit_line(
    seq: int,
    prev_hash: str,
    *,
    time: dt.datetime,
    action: str,
    decision: str,
    level: str = "execute",
    actor: str = "agent",
    rule: str | None = None,
    reason: str | None = None,
    inputs: Mapping[str, Any] | None = None,
    result: Any = None,
) -> dict[str, Any]:
    """One audit entry in the shared format, hashed."""
    data: dict[str, Any] = {
        "seq": seq,
        "time": time.isoformat(),
        "actor": actor,
        "level": level,
        "action": action,
        "inputs": dict(inputs or {}),
        "decision": decision,
        "rule": rule,
        "reason": reason,
        "result": result,
        "prev_hash": prev_hash,
    }
    data["hash"] = hashlib.sha256(_canonical(data)).hexdigest()
    return data


def write_audit_log(path: Path, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chain ``entries`` (``audit_line`` keyword arguments) into a log at ``path``."""
    written: list[dict[str, Any]] = []
    prev = GENESIS
    for seq, fields in enumerate(entries, start=1):
        line = audit_line(seq, prev, **fields)
        written.append(line)
        prev = line["hash"]
    with open(path, "w", encoding="utf-8") as handle:
        for line in written:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    return written


class RecordingAudit:
    """An audit sink that keeps what it was given (the ``AuditLog.append`` signature)."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def append(
        self,
        *,
        actor: str,
        level: Any,
        action: str,
        inputs: Mapping[str, Any],
        decision: Any,
        rule: str | None = None,
        reason: str | None = None,
        result: Any = None,
    ) -> dict[str, Any]:
        entry = {
            "actor": actor,
            "level": level,
            "action": action,
            "inputs": dict(inputs),
            "decision": decision,
            "rule": rule,
            "reason": reason,
            "result": result,
        }
        self.entries.append(entry)
        return entry
