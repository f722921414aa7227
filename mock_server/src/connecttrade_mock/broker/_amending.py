"""Cancel and modify: requests the broker confirms on the next step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connecttrade_mock.broker._engine_core import _EngineCore
from connecttrade_mock.broker.errors import ApiError
from connecttrade_mock.broker.outcome import Outcome
from connecttrade_mock.broker.state import (
    Order,
    UserKey,
)
from connecttrade_mock.lifecycle import (
    CANCELLABLE,
    REPLACEABLE,
    OrderEvent,
    OrderStatus,
    cancel_rejected,
)


class _Amending(_EngineCore):
    """Cancel and modify requests, and the broker's answer to them on the next step."""

    def cancel(self, user_key: UserKey, account_id: str, order_id: str) -> Order:
        order = self.order_for(user_key, account_id, order_id)
        if order.status not in CANCELLABLE:
            raise ApiError(
                409,
                f"order {order_id} is {order.status.value} and cannot be cancelled",
            )
        self._apply(order, OrderEvent.CANCEL_REQUEST)
        self._immediate[order.order_id] = order
        return order

    def modify(
        self, user_key: UserKey, account_id: str, order_id: str, body: Mapping[str, Any]
    ) -> Order:
        original = self.order_for(user_key, account_id, order_id)
        account = self.store.accounts[account_id]
        if original.status not in REPLACEABLE:
            raise ApiError(
                409, f"order {order_id} is {original.status.value} and cannot be modified"
            )
        self._check_entitled(account, body["broker"])
        self._check_cl_order_id(account, body["new_cl_order_id"], "new_cl_order_id")
        changes = {
            k: self.values.decimal(body.get(k))
            for k in ("order_qty", "order_notional", "order_limit_price", "stop_price")
        }
        if changes["order_limit_price"] is not None and original.order_type not in (
            "LMT",
            "STPLMT",
        ):
            raise ApiError(
                409, f"order_limit_price: a {original.order_type} order has no limit price"
            )
        new_limit = changes["order_limit_price"]
        if (
            new_limit is not None
            and original.instrument == "MLEG_OPT"
            and original.order_limit_price is not None
            and original.order_limit_price < 0
        ):
            # A modify's price is unsigned on the wire: a multi-leg order keeps its
            # direction, so a credit order's new price is a credit too, never a debit.
            changes["order_limit_price"] = -new_limit
        if changes["stop_price"] is not None and original.order_type not in ("STP", "STPLMT"):
            raise ApiError(409, f"stop_price: a {original.order_type} order has no stop price")
        if changes["order_notional"] is not None and original.order_notional is None:
            raise ApiError(409, "order_notional: only notional orders can change their notional")
        if changes["order_qty"] is not None and original.order_qty is None:
            raise ApiError(409, "order_qty: a notional order cannot be given a quantity")
        new_qty = changes["order_qty"]
        if new_qty is not None and new_qty <= original.filled_qty:
            raise ApiError(
                409,
                f"order_qty: {new_qty} is not more than the {original.filled_qty} already filled",
            )
        remaining_qty = (
            (new_qty if new_qty is not None else original.order_qty) - original.filled_qty
            if original.order_qty is not None
            else None
        )
        replacement = Order(
            order_id=self.ids.new("ord"),
            seq=self.store.next_seq(),
            account_id=original.account_id,
            client_id=original.client_id,
            user_id=original.user_id,
            cl_order_id=body["new_cl_order_id"],
            broker=original.broker,
            instrument=original.instrument,
            symbol=original.symbol,
            side=original.side,
            order_type=original.order_type,
            order_tif=body.get("order_tif", original.order_tif),
            order_qty=remaining_qty,
            order_notional=changes["order_notional"] or original.order_notional,
            order_limit_price=changes["order_limit_price"] or original.order_limit_price,
            stop_price=changes["stop_price"] or original.stop_price,
            legs=original.legs,
            status=OrderStatus.PENDING,
            created_at=self._now,
            updated_at=self._now,
            trading_day=self._trading_day(),
            expires_at=None,
            replaces_order_id=original.order_id,
            scenario=original.scenario,
            triggered=original.triggered,
        )
        replacement.expires_at = self._expiry(replacement)
        price_problem = self._price_problem(replacement)
        if price_problem is not None:
            # The replacement would be refused by the broker: the order stays as it was.
            field = "stop_price" if "stop_price" in price_problem else "order_limit_price"
            raise ApiError(409, f"{field}: {price_problem}")
        self._apply(original, OrderEvent.REPLACE_REQUEST)
        original.pending_replacement_id = replacement.order_id
        self.store.add(replacement)
        self._emit_order(replacement)
        # The pending replacement reserves buying power beside the original until settled.
        self._emit_balance(account)
        self._immediate[original.order_id] = original
        return replacement

    def _settle_request(self, order: Order) -> None:
        """The broker's answer to a pending cancel or replace."""
        if order.status is OrderStatus.PENDING_CANCEL:
            if order.scenario == Outcome.CANCEL_REFUSED:
                self._apply(order, cancel_rejected(filled_any=bool(order.fills)))
            else:
                self._apply(order, OrderEvent.CANCEL_CONFIRM)
            self._emit_balance(self.store.accounts[order.account_id])
        elif order.status is OrderStatus.PENDING_REPLACE:
            replacement = self.store.orders[order.pending_replacement_id or ""]
            # Set before the transition, so the update it emits carries the link.
            order.replaced_by_order_id = replacement.order_id
            order.pending_replacement_id = None
            self._apply(order, OrderEvent.REPLACE_CONFIRM)
            self._apply(replacement, OrderEvent.ACCEPT)
            # The original's reserve is freed: the replacement alone holds buying power now.
            self._emit_balance(self.store.accounts[order.account_id])
            self._work(replacement)
        elif order.pending_replacement_id is not None:
            # The original filled or expired before the broker got to the replace.
            replacement = self.store.orders[order.pending_replacement_id]
            order.pending_replacement_id = None
            self._reject(replacement, f"original order {order.order_id} is {order.status.value}")
            self._emit_balance(self.store.accounts[order.account_id])  # its reserve is freed
