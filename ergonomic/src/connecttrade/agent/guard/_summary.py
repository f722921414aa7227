"""The words a staged order is shown in: what would be sent, its cost and the rules checked."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from connecttrade.agent.guard._estimate import Estimate
from connecttrade.agent.guard._naming import legs_name
from connecttrade.agent.guard.checks import RuleCheck
from connecttrade.types.orders import OrderRequest

__all__ = ["describe", "summary"]


def summary(
    confirmation_id: str,
    *,
    order: OrderRequest,
    account: str,
    found: Estimate,
    checks: list[RuleCheck],
    expires_at: dt.datetime,
    needs_approval: bool,
    kind: str,
    target: str | None,
) -> str:
    what = describe(order)
    head = f"Modify order {target} to: {what}" if kind == "modify" else f"Place order: {what}"
    approval = "yes: a human must approve it after you confirm" if needs_approval else "no"
    lines = [
        f"{head}",
        f"Account: {account}; client order id {order.cl_order_id}",
        f"Estimated cost: {found.notional.quantize(Decimal('0.01'))} "
        f"(price {found.price}, {found.basis})",
        f"Needs human approval: {approval}",
        f"Confirm with {confirmation_id} before {expires_at.isoformat()}",
        "Rules checked:",
        *(f"  {check}" for check in checks),
        "Would send: " + json.dumps(order.to_wire(), sort_keys=True),
    ]
    return "\n".join(lines)


def describe(order: OrderRequest) -> str:
    amount = f"{order.qty}" if order.qty is not None else f"${order.notional} of"
    if order.legs:
        legs = " / ".join(f"{leg.action} {leg.ratio}x {leg.symbol}" for leg in order.legs)
        named = [(str(leg.symbol), str(leg.action), leg.ratio) for leg in order.legs]
        name = legs_name(named, order.qty)
        target = f"{name}: {amount} x [{legs}]"
    else:
        target = f"{order.side} {amount} {order.symbol}"
    prices = ""
    if order.limit_price is not None:
        prices += f" limit {order.limit_price}"
    if order.stop_price is not None:
        prices += f" stop {order.stop_price}"
    return f"{target} {order.order_type}{prices} {order.tif} ({order.instrument})"
